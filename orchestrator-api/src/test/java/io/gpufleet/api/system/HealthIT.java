package io.gpufleet.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class HealthIT extends IntegrationTest {

  @Test
  void healthIsPublicAndReportsTheDatabase() {
    HttpResponse<String> response = send(request("/api/v1/health").GET().build());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode health = json(response);
    assertThat(health.path("status").asString()).isEqualTo("UP");
    assertThat(health.path("sandbox").asBoolean()).isTrue();
    assertThat(health.path("version").asString()).isNotBlank();
    assertThat(health.path("database").path("status").asString()).isEqualTo("UP");
    assertThat(health.path("database").path("server").asString()).startsWith("PostgreSQL 1");
  }

  @Test
  void everythingElseNeedsAuthenticationAndSaysSoAsAProblem() {
    HttpResponse<String> response = send(request("/api/v1/me").GET().build());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(json(response).path("code").asString()).isEqualTo("UNAUTHENTICATED");
  }

  @Test
  void actuatorHealthIsPublicButPrometheusIsForAdmins() {
    assertThat(send(request("/actuator/health").GET().build()).statusCode()).isEqualTo(200);
    assertThat(send(request("/actuator/prometheus").GET().build()).statusCode()).isEqualTo(401);

    HttpResponse<String> scrape = get("/actuator/prometheus", ADMIN_KEY);
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body()).contains("jvm_memory_used_bytes");
  }
}
