package io.gpufleet.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * User-given URLs that point inside: webhooks at submit time, a registered server's connection test
 * and registration. The tests' configuration allows 127.0.0.1 alone (their receivers live there);
 * every other loopback, link-local, private and metadata address is refused as in production.
 */
class OutboundRefusalsIT extends IntegrationTest {

  private static final List<String> INSIDE =
      List.of(
          "http://127.0.0.2:8188/",
          "http://[::1]:8188/",
          "http://169.254.169.254/latest/meta-data/",
          "http://[fd00:ec2::254]/latest/meta-data/",
          "http://metadata.google.internal/computeMetadata/v1/",
          "http://10.0.0.1:8188/",
          "http://[::ffff:169.254.169.254]/",
          "http://0.0.0.0:8188/");

  @Test
  void aWebhookPointingInsideIsRefusedAtSubmitWithTheReason() {
    TestUser user = newUser("USER");
    for (String url : INSIDE) {
      HttpResponse<String> refused =
          post("/api/v1/generations", user.key(), "{\"webhookUrl\":\"" + url + "\"}");
      assertThat(refused.statusCode()).as(url).isEqualTo(400);
      JsonNode problem = json(refused);
      assertThat(problem.path("code").asString()).as(url).isEqualTo("URL_NOT_ALLOWED");
      assertThat(problem.path("reason").asString()).as(url).isNotBlank();
      assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo("webhookUrl");
    }
    JsonNode metadata =
        json(
            post(
                "/api/v1/generations",
                user.key(),
                "{\"webhookUrl\":\"http://169.254.169.254/latest/meta-data/\"}"));
    assertThat(metadata.path("reason").asString()).contains("link-local");
  }

  @Test
  void aConnectionTestOrRegistrationPointingInsideIsRefusedBeforeAnythingIsCalled() {
    for (String url : INSIDE) {
      HttpResponse<String> tested =
          post("/api/v1/servers/test-connection", ADMIN_KEY, "{\"comfyUrl\":\"" + url + "\"}");
      assertThat(tested.statusCode()).as(url).isEqualTo(400);
      assertThat(json(tested).path("code").asString()).as(url).isEqualTo("URL_NOT_ALLOWED");
    }
    HttpResponse<String> registered =
        post(
            "/api/v1/servers",
            ADMIN_KEY,
            "{\"name\":\"inside\",\"provider\":\"static\",\"comfyUrl\":\"http://[::1]:8188\"}");
    assertThat(registered.statusCode()).isEqualTo(400);
    assertThat(json(registered).path("reason").asString()).contains("loopback");
  }

  @Test
  void aRegisteredServersSshHostPointingInsideIsRefused() {
    HttpResponse<String> registered =
        post(
            "/api/v1/servers",
            ADMIN_KEY,
            "{\"name\":\"ssh-inside\",\"provider\":\"static\",\"comfyUrl\":\"http://127.0.0.1:1\","
                + "\"ssh\":{\"host\":\"169.254.169.254\",\"port\":22},"
                + "\"startCommand\":\"true\",\"stopCommand\":\"true\"}");

    assertThat(registered.statusCode()).isEqualTo(400);
    JsonNode problem = json(registered);
    assertThat(problem.path("code").asString()).isEqualTo("URL_NOT_ALLOWED");
    assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo("ssh.host");
  }
}
