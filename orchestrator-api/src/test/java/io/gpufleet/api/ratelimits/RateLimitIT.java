package io.gpufleet.api.ratelimits;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.GpuFleetApplication;
import io.gpufleet.api.IntegrationTest;
import io.gpufleet.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

class RateLimitIT extends IntegrationTest {

  @Test
  void theRequestPastABandIsRefusedWithHeadersAndAProblem() {
    TestUser user = limitedUser(3);

    List<HttpResponse<String>> responses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      responses.add(get("/api/v1/me", user.key()));
    }

    assertThat(responses.subList(0, 3)).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
    assertThat(responses.subList(0, 3))
        .extracting(r -> r.headers().firstValue("X-RateLimit-Remaining").orElseThrow())
        .containsExactly("2", "1", "0");
    assertThat(responses.get(0).headers().firstValue("X-RateLimit-Limit")).hasValue("3");
    HttpResponse<String> refused = responses.get(3);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/problem+json");
    assertThat(json(refused).path("code").asString()).isEqualTo("RATE_LIMITED");
    assertThat(json(refused).path("band").asString()).isEqualTo("requests/minute");
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 60L);
    assertThat(refused.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
  }

  @Test
  void aLimitHoldsAcrossTwoReplicasOnOneDatabase() throws Exception {
    TestUser user = limitedUser(4);
    try (ConfigurableApplicationContext second = secondReplica()) {
      int secondPort = ((WebServerApplicationContext) second).getWebServer().getPort();
      HttpClient http = HttpClient.newHttpClient();

      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        int port = i % 2 == 0 ? this.port : secondPort;
        HttpRequest request =
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/me"))
                .header("Authorization", "Bearer " + user.key())
                .build();
        statuses.add(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
      }

      assertThat(statuses).containsExactly(200, 200, 200, 200, 429, 429);
    }
  }

  @Test
  void concurrentRequestsOfOneUserAreCountedOneByOneUpToTheLimit() throws Exception {
    TestUser user = limitedUser(25);
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/me"))
            .header("Authorization", "Bearer " + user.key())
            .build();

    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      sent.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
    }
    List<HttpResponse<String>> responses =
        sent.stream().map(java.util.concurrent.CompletableFuture::join).toList();

    List<HttpResponse<String>> allowed =
        responses.stream().filter(r -> r.statusCode() == 200).toList();
    assertThat(allowed).hasSize(25);
    assertThat(responses).filteredOn(r -> r.statusCode() == 429).hasSize(15);
    // each allowed request took its own count: the remainders are 24, 23, ... 0, once each
    assertThat(allowed)
        .extracting(r -> Integer.parseInt(r.headers().firstValue("X-RateLimit-Remaining").get()))
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.IntStream.range(0, 25).boxed().toList());
  }

  @Test
  void meLimitsShowsWhatIsLeftWithoutSpendingGenerations() {
    TestUser user = newUser("USER");

    HttpResponse<String> limits = get("/api/v1/me/limits", user.key());

    assertThat(limits.statusCode()).isEqualTo(200);
    var bands = json(limits).path("bands");
    assertThat(bands.get(0).path("band").asString()).isEqualTo("generations/minute");
    assertThat(bands.get(0).path("limit").asInt()).isEqualTo(10);
    assertThat(bands.get(0).path("remaining").asInt()).isEqualTo(10);
    assertThat(bands.get(3).path("band").asString()).isEqualTo("requests/minute");
    assertThat(bands.get(3).path("limit").asInt()).isEqualTo(1000);
    assertThat(bands.get(3).path("remaining").asInt()).isLessThan(1000);
  }

  private TestUser limitedUser(int requestsPerMinute) {
    TestUser user = newUser("USER");
    HttpResponse<String> patched =
        method(
            "PATCH",
            "/api/v1/users/" + user.id(),
            ADMIN_KEY,
            "{\"limits\":{\"requestsPerMinute\":" + requestsPerMinute + "}}");
    assertThat(patched.statusCode()).isEqualTo(200);
    return user;
  }

  private static ConfigurableApplicationContext secondReplica() {
    // Quartz keeps its data sources in a JVM-wide registry by scheduler name: this second context
    // must not replace (and, closing, break) the first one's
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.quartz.scheduler-name=second-replica",
                "--spring.quartz.properties.org.quartz.scheduler.instanceName=second-replica"));
    TestDatabase.shared().springProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
    return new SpringApplicationBuilder(GpuFleetApplication.class).run(args.toArray(String[]::new));
  }
}
