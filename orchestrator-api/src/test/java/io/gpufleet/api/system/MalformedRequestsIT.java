package io.gpufleet.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import io.gpufleet.persistence.users.ApiKeyRepository;
import io.gpufleet.persistence.users.UserRepository;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** A client's mistakes get a 4xx problem with a stable code, and change nothing. */
class MalformedRequestsIT extends IntegrationTest {

  private static final String UNKNOWN_ID = "00000000-0000-0000-0000-000000000000";

  @Autowired UserRepository users;
  @Autowired ApiKeyRepository apiKeys;

  static Stream<Arguments> mistakes() {
    String big = "{\"username\":\"" + "x".repeat(5 * 1024 * 1024) + "\",\"role\":\"USER\"}";
    return Stream.of(
        mistake("POST", "/api/v1/users", "{\"username\":", 400, "MALFORMED_REQUEST", null),
        mistake("POST", "/api/v1/users", "not json at all", 400, "MALFORMED_REQUEST", null),
        mistake("POST", "/api/v1/users", "", 400, "MALFORMED_REQUEST", null),
        mistake("POST", "/api/v1/users", "[1,2,3]", 400, "MALFORMED_REQUEST", null),
        mistake(
            "POST",
            "/api/v1/users",
            "{\"username\":\"alice-x\",\"role\":\"GOD\"}",
            400,
            "VALIDATION_ERROR",
            "role"),
        mistake(
            "POST",
            "/api/v1/users",
            "{\"username\":\"alice-x\",\"role\":\"USER\",\"isAdmin\":true}",
            400,
            "VALIDATION_ERROR",
            "isAdmin"),
        mistake(
            "POST", "/api/v1/users", "{\"role\":\"USER\"}", 400, "VALIDATION_ERROR", "username"),
        mistake(
            "POST", "/api/v1/users", "{\"username\":\"alice-x\"}", 400, "VALIDATION_ERROR", "role"),
        mistake(
            "POST",
            "/api/v1/users",
            "{\"username\":\"a b\",\"role\":\"USER\"}",
            400,
            "VALIDATION_ERROR",
            "username"),
        mistake(
            "POST",
            "/api/v1/users",
            "{\"username\":\"" + "a".repeat(65) + "\",\"role\":\"USER\"}",
            400,
            "VALIDATION_ERROR",
            "username"),
        mistake(
            "POST",
            "/api/v1/users",
            "{\"username\":\"alice-x\",\"role\":\"USER\",\"password\":\"short\"}",
            400,
            "VALIDATION_ERROR",
            "password"),
        mistake(
            "POST",
            "/api/v1/users",
            "{\"username\":\"alice-y\",\"role\":\"USER\",\"limits\":{\"requestsPerMinute\":\"many\"}}",
            400,
            "VALIDATION_ERROR",
            "limits.requestsPerMinute"),
        mistake(
            "POST",
            "/api/v1/users",
            "{\"username\":42,\"role\":\"USER\"}",
            400,
            "VALIDATION_ERROR",
            "username"),
        mistake(
            "POST",
            "/api/v1/users",
            "{\"username\":\"alice-x\",\"role\":\"USER\",\"limits\":{\"requestsPerMinute\":-1}}",
            400,
            "VALIDATION_ERROR",
            "limits.requestsPerMinute"),
        mistake("POST", "/api/v1/users", big, 413, "PAYLOAD_TOO_LARGE", null),
        mistake("GET", "/api/v1/users?page=-1", null, 400, "VALIDATION_ERROR", "page"),
        mistake("GET", "/api/v1/users?size=100000", null, 400, "VALIDATION_ERROR", "size"),
        mistake("GET", "/api/v1/users?page=first", null, 400, "VALIDATION_ERROR", "page"),
        mistake("GET", "/api/v1/users/not-a-uuid", null, 400, "VALIDATION_ERROR", "id"),
        mistake("GET", "/api/v1/users/" + UNKNOWN_ID, null, 404, "USER_NOT_FOUND", null),
        mistake(
            "PATCH",
            "/api/v1/users/" + UNKNOWN_ID,
            "{\"enabled\":false}",
            404,
            "USER_NOT_FOUND",
            null),
        mistake(
            "PATCH",
            "/api/v1/users/" + UNKNOWN_ID,
            "{\"enabled\":\"perhaps\"}",
            400,
            "VALIDATION_ERROR",
            "enabled"),
        mistake("DELETE", "/api/v1/api-keys/" + UNKNOWN_ID, null, 404, "API_KEY_NOT_FOUND", null),
        mistake(
            "POST",
            "/api/v1/users/" + UNKNOWN_ID + "/api-keys",
            "{\"name\":\"\"}",
            400,
            "VALIDATION_ERROR",
            "name"),
        mistake(
            "POST",
            "/api/v1/users/" + UNKNOWN_ID + "/api-keys",
            "{\"name\":\"k\",\"expiresAt\":\"tomorrow\"}",
            400,
            "VALIDATION_ERROR",
            "expiresAt"),
        mistake("PUT", "/api/v1/users", "{}", 405, "METHOD_NOT_ALLOWED", null),
        mistake("GET", "/api/v1/no-such-thing", null, 404, "NOT_FOUND", null),
        mistake(
            "POST",
            "/api/v1/auth/login",
            "{\"username\":\"x\"}",
            400,
            "VALIDATION_ERROR",
            "password"),
        // the scheduler's failures, answered by the feature that owns them
        mistake("GET", "/api/v1/servers/" + UNKNOWN_ID, null, 404, "SERVER_NOT_FOUND", null),
        mistake(
            "PUT",
            "/api/v1/servers/" + UNKNOWN_ID + "/schedule",
            "{\"autoStart\":false,\"autoStop\":false,\"timezone\":\"UTC\",\"weekdays\":[1]}",
            404,
            "SERVER_NOT_FOUND",
            null),
        mistake(
            "PUT",
            "/api/v1/servers/" + UNKNOWN_ID + "/schedule",
            "{\"autoStart\":true,\"timezone\":\"Mars/Olympus\",\"weekdays\":[1]}",
            400,
            "VALIDATION_ERROR",
            "timezone"),
        mistake(
            "GET",
            "/api/v1/setup-scripts/" + UNKNOWN_ID,
            null,
            404,
            "SETUP_SCRIPT_NOT_FOUND",
            null),
        mistake("GET", "/api/v1/executions/" + UNKNOWN_ID, null, 404, "EXECUTION_NOT_FOUND", null),
        mistake(
            "GET", "/api/v1/model-downloads/" + UNKNOWN_ID, null, 404, "DOWNLOAD_NOT_FOUND", null));
  }

  private static Arguments mistake(
      String method, String path, String body, int status, String code, String field) {
    return Arguments.of(method, path, body, status, code, field);
  }

  @ParameterizedTest(name = "{0} {1} -> {3} {4}")
  @MethodSource("mistakes")
  void isAnsweredWithAProblemAndChangesNothing(
      String method, String path, String body, int status, String code, String field) {
    long usersBefore = users.count();
    long keysBefore = apiKeys.count();

    HttpResponse<String> response = method(method, path, ADMIN_KEY, body);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/problem+json");
    JsonNode problem = json(response);
    assertThat(problem.path("code").asString()).isEqualTo(code);
    assertThat(problem.path("status").asInt()).isEqualTo(status);
    assertThat(problem.path("detail").asString()).isNotBlank();
    if (field != null) {
      assertThat(problem.path("errors").findValuesAsString("field")).contains(field);
    }
    assertThat(users.count()).isEqualTo(usersBefore);
    assertThat(apiKeys.count()).isEqualTo(keysBefore);
  }

  @org.junit.jupiter.api.Test
  void aWrongContentTypeIsRefused() {
    HttpResponse<String> response =
        send(
            request("/api/v1/users")
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"x\",\"role\":\"USER\"}"))
                .build());

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(json(response).path("code").asString()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
  }
}
