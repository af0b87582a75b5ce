package io.gpufleet.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may call what: anonymous callers nothing but health; users their own things; admins the
 * fleet. Every endpoint of the API is listed here; a new one must be added.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixIT extends IntegrationTest {

  enum Access {
    PUBLIC,
    ANY_USER,
    ADMIN
  }

  private static final String ID = UUID.randomUUID().toString();
  private TestUser user;

  @BeforeAll
  void aUser() {
    user = newUser("USER");
  }

  static Stream<Arguments> endpoints() {
    return Stream.of(
        endpoint("GET", "/api/v1/health", Access.PUBLIC),
        endpoint("GET", "/actuator/health", Access.PUBLIC),
        endpoint("GET", "/api/v1/me", Access.ANY_USER),
        endpoint("GET", "/api/v1/me/limits", Access.ANY_USER),
        endpoint("GET", "/api/v1/users", Access.ADMIN),
        endpoint("POST", "/api/v1/users", Access.ADMIN),
        endpoint("GET", "/api/v1/users/" + ID, Access.ADMIN),
        endpoint("PATCH", "/api/v1/users/" + ID, Access.ADMIN),
        endpoint("DELETE", "/api/v1/users/" + ID, Access.ADMIN),
        endpoint("GET", "/api/v1/users/" + ID + "/api-keys", Access.ADMIN),
        endpoint("POST", "/api/v1/users/" + ID + "/api-keys", Access.ADMIN),
        endpoint("DELETE", "/api/v1/api-keys/" + ID, Access.ADMIN),
        endpoint("GET", "/api/v1/offers", Access.ADMIN),
        endpoint("GET", "/api/v1/servers", Access.ADMIN),
        endpoint("POST", "/api/v1/servers", Access.ADMIN),
        endpoint("GET", "/api/v1/servers/orphans", Access.ADMIN),
        endpoint("GET", "/api/v1/servers/" + ID, Access.ADMIN),
        endpoint("PATCH", "/api/v1/servers/" + ID, Access.ADMIN),
        endpoint("DELETE", "/api/v1/servers/" + ID, Access.ADMIN),
        endpoint("POST", "/api/v1/servers/" + ID + "/start", Access.ADMIN),
        endpoint("POST", "/api/v1/servers/" + ID + "/stop", Access.ADMIN),
        endpoint("POST", "/api/v1/servers/" + ID + "/reprovision", Access.ADMIN),
        endpoint("GET", "/api/v1/servers/" + ID + "/schedule", Access.ADMIN),
        endpoint("PUT", "/api/v1/servers/" + ID + "/schedule", Access.ADMIN),
        endpoint("DELETE", "/api/v1/servers/" + ID + "/schedule", Access.ADMIN),
        endpoint("GET", "/api/v1/servers/" + ID + "/schedule/week", Access.ADMIN),
        endpoint("GET", "/api/v1/servers/" + ID + "/options", Access.ADMIN),
        endpoint("GET", "/api/v1/servers/" + ID + "/queue", Access.ADMIN),
        endpoint("GET", "/api/v1/servers/" + ID + "/system-stats", Access.ADMIN),
        endpoint("POST", "/api/v1/servers/" + ID + "/interrupt", Access.ADMIN),
        endpoint("POST", "/api/v1/servers/" + ID + "/free", Access.ADMIN),
        endpoint("GET", "/api/v1/setup-scripts", Access.ADMIN),
        endpoint("POST", "/api/v1/setup-scripts", Access.ADMIN),
        endpoint("GET", "/api/v1/setup-scripts/" + ID, Access.ADMIN),
        endpoint("PUT", "/api/v1/setup-scripts/" + ID, Access.ADMIN),
        endpoint("DELETE", "/api/v1/setup-scripts/" + ID, Access.ADMIN),
        endpoint("POST", "/api/v1/servers/" + ID + "/setup", Access.ADMIN),
        endpoint("POST", "/api/v1/servers/" + ID + "/setup/reset", Access.ADMIN),
        endpoint("GET", "/api/v1/servers/" + ID + "/executions", Access.ADMIN),
        endpoint("GET", "/api/v1/executions/" + ID, Access.ADMIN),
        endpoint("GET", "/api/v1/executions/" + ID + "/output", Access.ADMIN),
        endpoint("POST", "/api/v1/executions/" + ID + "/cancel", Access.ADMIN),
        endpoint("GET", "/api/v1/fleet/summary", Access.ADMIN),
        endpoint("GET", "/api/v1/fleet/metrics", Access.ADMIN),
        endpoint("GET", "/api/v1/profiles", Access.ADMIN),
        endpoint("POST", "/api/v1/profiles", Access.ADMIN),
        endpoint("POST", "/api/v1/profiles/test", Access.ADMIN),
        endpoint("GET", "/api/v1/profiles/" + ID, Access.ADMIN),
        endpoint("PATCH", "/api/v1/profiles/" + ID, Access.ADMIN),
        endpoint("DELETE", "/api/v1/profiles/" + ID, Access.ADMIN),
        endpoint("POST", "/api/v1/profiles/" + ID + "/test", Access.ADMIN),
        endpoint("GET", "/api/v1/profiles/" + ID + "/models", Access.ADMIN),
        endpoint("POST", "/api/v1/profiles/" + ID + "/models", Access.ADMIN),
        endpoint("POST", "/api/v1/profiles/" + ID + "/models/sync", Access.ADMIN),
        endpoint("GET", "/api/v1/profiles/" + ID + "/models/loaded", Access.ADMIN),
        endpoint("POST", "/api/v1/profiles/" + ID + "/models/load", Access.ADMIN),
        endpoint("POST", "/api/v1/profiles/" + ID + "/models/unload", Access.ADMIN),
        endpoint("PATCH", "/api/v1/profiles/" + ID + "/models/llama3.2:latest", Access.ADMIN),
        endpoint("DELETE", "/api/v1/profiles/" + ID + "/models/llama3.2:latest", Access.ADMIN),
        endpoint("POST", "/api/v1/chat", Access.ANY_USER),
        endpoint("GET", "/api/v1/chat/profiles", Access.ANY_USER),
        endpoint("POST", "/api/v1/ws-tickets", Access.ANY_USER),
        endpoint("POST", "/api/v1/uploads", Access.ANY_USER),
        endpoint("GET", "/api/v1/generations/" + ID + "/webhook-deliveries", Access.ANY_USER),
        endpoint("GET", "/api/v1/generations/" + ID + "/preview", Access.ANY_USER),
        endpoint("GET", "/api/v1/webhooks/secret", Access.ANY_USER),
        endpoint("GET", "/api/v1/generations/export?format=csv", Access.ANY_USER),
        endpoint("GET", "/api/v1/generations/stats", Access.ANY_USER),
        endpoint("GET", "/api/v1/uploads/" + ID, Access.ANY_USER),
        endpoint("GET", "/api/v1/sessions", Access.ANY_USER),
        endpoint("POST", "/api/v1/sessions", Access.ANY_USER),
        endpoint("GET", "/api/v1/sessions/" + ID, Access.ANY_USER),
        endpoint("PATCH", "/api/v1/sessions/" + ID, Access.ANY_USER),
        endpoint("DELETE", "/api/v1/sessions/" + ID, Access.ANY_USER),
        // no upgrade headers: 400 once the handshake knows the caller, 401 before
        endpoint("GET", "/api/v1/ws", Access.ANY_USER),
        endpoint("GET", "/actuator/prometheus", Access.ADMIN),
        endpoint("GET", "/v3/api-docs", Access.ANY_USER));
  }

  private static Arguments endpoint(String method, String path, Access access) {
    return Arguments.of(method, path, access);
  }

  @ParameterizedTest(name = "{0} {1} is {2}")
  @MethodSource("endpoints")
  void anonymousCallersGetOnlyWhatIsPublic(String method, String path, Access access) {
    int status = call(method, path, null);
    if (access == Access.PUBLIC) {
      assertThat(status).isNotIn(401, 403);
    } else {
      assertThat(status).isEqualTo(401);
    }
  }

  @ParameterizedTest(name = "{0} {1} is {2}")
  @MethodSource("endpoints")
  void usersGetTheirOwnButNotTheFleet(String method, String path, Access access) {
    int status = call(method, path, user.key());
    if (access == Access.ADMIN) {
      assertThat(status).isEqualTo(403);
    } else {
      assertThat(status).isNotIn(401, 403);
    }
  }

  @ParameterizedTest(name = "{0} {1} is {2}")
  @MethodSource("endpoints")
  void adminsGetEverything(String method, String path, Access access) {
    assertThat(call(method, path, ADMIN_KEY)).isNotIn(401, 403);
  }

  private int call(String method, String path, String key) {
    HttpRequest.Builder request = request(path);
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    boolean hasBody = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    if (hasBody) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> response =
        send(
            request
                .method(
                    method,
                    hasBody
                        ? HttpRequest.BodyPublishers.ofString("{}")
                        : HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(response.statusCode())
        .as(method + " " + path + ": " + response.body())
        .isLessThan(500);
    return response.statusCode();
  }
}
