package io.gpufleet.api.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import io.gpufleet.persistence.users.ApiKeyRepository;
import io.gpufleet.persistence.users.Role;
import io.gpufleet.persistence.users.UserAccount;
import io.gpufleet.persistence.users.UserRepository;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.crypto.password.PasswordEncoder;
import tools.jackson.databind.JsonNode;

class FirstAdminIT extends IntegrationTest {

  @Autowired UserRepository users;
  @Autowired ApiKeyRepository apiKeys;
  @Autowired PasswordEncoder passwords;

  @Test
  void theFirstAdminExistsWithTheConfiguredPasswordStoredHashed() {
    UserAccount admin = users.findByUsernameIgnoreCase(ADMIN_USER).orElseThrow();

    assertThat(admin.getRole()).isEqualTo(Role.ADMIN);
    assertThat(admin.getPasswordHash()).isNotNull().doesNotContain(ADMIN_PASSWORD);
    assertThat(passwords.matches(ADMIN_PASSWORD, admin.getPasswordHash())).isTrue();
  }

  @Test
  void theConfiguredApiKeyAuthenticatesAsThatAdminAndIsStoredHashed() {
    HttpResponse<String> response = get("/api/v1/me", ADMIN_KEY);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode me = json(response);
    assertThat(me.path("username").asString()).isEqualTo(ADMIN_USER);
    assertThat(me.path("role").asString()).isEqualTo("ADMIN");
    assertThat(apiKeys.findAll())
        .allSatisfy(key -> assertThat(key.getKeyHash()).isNotEqualTo(ADMIN_KEY))
        .anySatisfy(key -> assertThat(key.getKeyHash()).isEqualTo(ApiKeyCodec.hash(ADMIN_KEY)));
  }

  @Test
  void theKeyIsAlsoAcceptedInXApiKey() {
    HttpResponse<String> response =
        send(request("/api/v1/me").header("X-API-Key", ADMIN_KEY).GET().build());

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void aWrongKeyIsRefusedAndNeverTreatedAsAnonymous() {
    HttpResponse<String> response = get("/api/v1/me", ADMIN_KEY + "x");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(json(response).path("code").asString()).isEqualTo("UNAUTHENTICATED");
  }
}
