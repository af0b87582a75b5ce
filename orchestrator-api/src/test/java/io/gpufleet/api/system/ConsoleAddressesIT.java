package io.gpufleet.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whichever way an admin types the console's address, it opens. */
class ConsoleAddressesIT extends IntegrationTest {

  @ParameterizedTest
  @ValueSource(strings = {"/", "/console", "/console/"})
  void theConsoleOpensWithOrWithoutTheTrailingSlash(String path) throws Exception {
    HttpResponse<String> first = send(request(path).GET().build());
    assertThat(first.statusCode()).isEqualTo(302);
    assertThat(first.headers().firstValue("Location"))
        .hasValueSatisfying(location -> assertThat(location).endsWith("/console/index.html"));

    HttpClient following =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    HttpResponse<String> page =
        following.send(
            HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<dialog id=\"dialog\"");
  }
}
