package io.gpufleet.api.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.api.system.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * The S3 store passes the same contract against a real S3-compatible server (s3rver, started here),
 * in parts above its threshold; and answers a store that is down as unavailable.
 */
class S3ResultStoreIT extends ResultStoreContract {

  private static S3rver server;
  private static S3ResultStore store;

  @BeforeAll
  static void startServer() {
    var node = S3rver.node();
    Assumptions.assumeTrue(
        node.isPresent(),
        "node is not on the PATH: the S3 store's contract needs it to run s3rver (.ci/run installs"
            + " what else it needs)");
    server = S3rver.start(node.get());
    store = ResultStoreConfiguration.s3(settings(server.endpoint(), "contract/"));
  }

  /** Path-style, static credentials, parts of 5 MB above 6 MB: how MinIO is configured too. */
  static ResultProperties.S3 settings(URI endpoint, String prefix) {
    return new ResultProperties.S3(
        S3rver.BUCKET,
        prefix,
        "us-east-1",
        endpoint,
        true,
        S3rver.ACCESS_KEY,
        new Secret(S3rver.SECRET_KEY),
        DataSize.ofMegabytes(6),
        DataSize.ofMegabytes(5));
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Override
  ResultStore store() {
    return store;
  }

  @Test
  void aPresignedUrlServesTheFileWithoutCredentials() throws Exception {
    UUID generation = UUID.randomUUID();
    Path file = file("a.webm", 40_000);
    store.put(generation, "0.webm", file, "video/webm");

    URI url =
        store.presignedUrl(generation, "0.webm", "video/webm", Duration.ofMinutes(1)).orElseThrow();
    HttpResponse<byte[]> fetched =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());

    assertThat(url.getQuery()).contains("X-Amz-Expires=60");
    assertThat(fetched.statusCode()).isEqualTo(200);
    assertThat(fetched.headers().firstValue("Content-Type")).contains("video/webm");
    assertThat(fetched.body()).isEqualTo(Files.readAllBytes(file));
  }

  @Test
  void keysCarryThePrefixAndTheGeneration() {
    UUID generation = UUID.randomUUID();

    assertThat(store.key(generation, "0.png")).isEqualTo("contract/" + generation + "/0.png");
  }

  @Test
  void aStoreThatIsDownIsUnavailableAndTheCallerKeepsItsFile() throws IOException {
    S3ResultStore down =
        ResultStoreConfiguration.s3(settings(URI.create("http://127.0.0.1:9"), ""));
    Path file = file("a.png", 1_000);

    assertThatThrownBy(() -> down.put(UUID.randomUUID(), "0.png", file, "image/png"))
        .isInstanceOf(ResultStore.StoreUnavailable.class);
    assertThat(file).exists();
  }
}
