package io.gpufleet.api.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class UserApiIT extends IntegrationTest {

  @Test
  void anAdminCreatesAUserWhoseKeyIsShownOnceAndListedMasked() {
    TestUser user = newUser("USER");

    assertThat(user.key()).startsWith("gf_").hasSizeGreaterThan(40);
    HttpResponse<String> me = get("/api/v1/me", user.key());
    assertThat(json(me).path("username").asString()).isEqualTo(user.username());
    assertThat(json(me).path("role").asString()).isEqualTo("USER");

    HttpResponse<String> keys = get("/api/v1/users/" + user.id() + "/api-keys", ADMIN_KEY);
    assertThat(keys.statusCode()).isEqualTo(200);
    assertThat(keys.body()).doesNotContain(user.key());
    JsonNode listed = json(keys).get(0);
    assertThat(listed.path("maskedKey").asString()).endsWith("…");
    assertThat(user.key()).startsWith(listed.path("maskedKey").asString().replace("…", ""));
    assertThat(listed.has("key")).isFalse();
  }

  @Test
  void aRevokedKeyStopsWorkingAtOnce() {
    TestUser user = newUser("USER");
    String keyId =
        json(get("/api/v1/users/" + user.id() + "/api-keys", ADMIN_KEY))
            .get(0)
            .path("id")
            .asString();

    assertThat(method("DELETE", "/api/v1/api-keys/" + keyId, ADMIN_KEY, null).statusCode())
        .isEqualTo(204);

    assertThat(get("/api/v1/me", user.key()).statusCode()).isEqualTo(401);
    JsonNode listed = json(get("/api/v1/users/" + user.id() + "/api-keys", ADMIN_KEY)).get(0);
    assertThat(listed.path("revokedAt").isNull()).isFalse();
  }

  @Test
  void aDeactivatedUserCanNoLongerCallButStaysListed() {
    TestUser user = newUser("USER");

    assertThat(method("DELETE", "/api/v1/users/" + user.id(), ADMIN_KEY, null).statusCode())
        .isEqualTo(204);

    assertThat(get("/api/v1/me", user.key()).statusCode()).isEqualTo(401);
    JsonNode read = json(get("/api/v1/users/" + user.id(), ADMIN_KEY));
    assertThat(read.path("enabled").asBoolean()).isFalse();
  }

  @Test
  void anAdminSetsAUsersLimits() {
    TestUser user = newUser("USER");

    HttpResponse<String> patched =
        method(
            "PATCH",
            "/api/v1/users/" + user.id(),
            ADMIN_KEY,
            "{\"limits\":{\"generationsPerMinute\":2,\"requestsPerHour\":500}}");

    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(json(patched).path("limits").path("generationsPerMinute").asInt()).isEqualTo(2);
    JsonNode bands = json(get("/api/v1/me/limits", user.key())).path("bands");
    assertThat(bands.findValuesAsString("band"))
        .containsExactly(
            "generations/minute",
            "generations/hour",
            "generations/day",
            "requests/minute",
            "requests/hour",
            "chat/minute",
            "chat/hour",
            "chat/day");
    assertThat(bands.get(0).path("limit").asInt()).isEqualTo(2);
    assertThat(bands.get(1).path("limit").asInt()).isEqualTo(100);
    assertThat(bands.get(4).path("limit").asInt()).isEqualTo(500);
  }

  @Nested
  class Refusals {

    @Test
    void aTakenUsernameIsAConflictWhateverItsCase() {
      TestUser user = newUser("USER");
      HttpResponse<String> again =
          post(
              "/api/v1/users",
              ADMIN_KEY,
              "{\"username\":\"" + user.username().toUpperCase() + "\",\"role\":\"USER\"}");

      assertThat(again.statusCode()).isEqualTo(409);
      assertThat(json(again).path("code").asString()).isEqualTo("USERNAME_TAKEN");
    }

    @Test
    void anAdminCannotRemoveTheirOwnAdminAccess() {
      String adminId = json(get("/api/v1/me", ADMIN_KEY)).path("id").asString();

      HttpResponse<String> demoted =
          method("PATCH", "/api/v1/users/" + adminId, ADMIN_KEY, "{\"role\":\"USER\"}");

      assertThat(demoted.statusCode()).isEqualTo(409);
      assertThat(json(demoted).path("code").asString()).isEqualTo("LAST_ADMIN");
      assertThat(json(get("/api/v1/me", ADMIN_KEY)).path("role").asString()).isEqualTo("ADMIN");
    }

    @Test
    void anUnknownUserIsNotFound() {
      HttpResponse<String> response =
          get("/api/v1/users/00000000-0000-0000-0000-000000000000", ADMIN_KEY);

      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(json(response).path("code").asString()).isEqualTo("USER_NOT_FOUND");
    }
  }
}
