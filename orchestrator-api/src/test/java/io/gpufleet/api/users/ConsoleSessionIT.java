package io.gpufleet.api.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An admin in a browser: a session cookie, and a CSRF token on every change. */
class ConsoleSessionIT extends IntegrationTest {

  private CookieManager cookies;
  private HttpClient browser;

  @BeforeEach
  void newBrowser() {
    cookies = new CookieManager();
    browser = HttpClient.newBuilder().cookieHandler(cookies).build();
  }

  @Test
  void anAdminLogsInWorksWithTheSessionAndLogsOut() throws Exception {
    HttpResponse<String> login = login(ADMIN_USER, ADMIN_PASSWORD);
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(json(login).path("role").asString()).isEqualTo("ADMIN");

    assertThat(browse(request("/api/v1/users").GET()).statusCode()).isEqualTo(200);

    HttpResponse<String> logout =
        browse(withCsrf(request("/api/v1/auth/logout")).POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(logout.statusCode()).isEqualTo(204);
    assertThat(browse(request("/api/v1/users").GET()).statusCode()).isEqualTo(401);
  }

  @Test
  void aChangeWithoutTheCsrfTokenIsRefusedAndChangesNothing() throws Exception {
    login(ADMIN_USER, ADMIN_PASSWORD);
    browse(request("/api/v1/me").GET()); // the first answer sets the XSRF-TOKEN cookie
    long before = json(browse(request("/api/v1/users").GET())).path("total").asLong();

    HttpResponse<String> forged =
        browse(
            request("/api/v1/users")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"csrf-victim\",\"role\":\"ADMIN\"}")));

    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(json(forged).path("code").asString()).isEqualTo("CSRF_TOKEN_INVALID");
    assertThat(json(browse(request("/api/v1/users").GET())).path("total").asLong())
        .isEqualTo(before);

    HttpResponse<String> proper =
        browse(
            withCsrf(request("/api/v1/users"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"csrf-ok-" + System.nanoTime() + "\",\"role\":\"USER\"}")));
    assertThat(proper.statusCode()).isEqualTo(201);
  }

  @Test
  void aWrongPasswordIsRefusedWithoutSayingWhichPartWasWrong() throws Exception {
    HttpResponse<String> login = login(ADMIN_USER, "not the password");

    assertThat(login.statusCode()).isEqualTo(401);
    assertThat(json(login).path("code").asString()).isEqualTo("BAD_CREDENTIALS");
    assertThat(login(ADMIN_USER + "-nobody", "x").statusCode()).isEqualTo(401);
  }

  @Test
  void apiUsersCannotOpenAConsoleSession() throws Exception {
    TestUser user = newUser("USER");

    HttpResponse<String> login = login(user.username(), user.password());

    assertThat(login.statusCode()).isEqualTo(403);
    assertThat(browse(request("/api/v1/me").GET()).statusCode()).isEqualTo(401);
  }

  @Test
  void anApiKeyRequestMakesNoSessionAndSetsNoCookie() throws Exception {
    TestUser user = newUser("USER");

    HttpResponse<String> me =
        browse(request("/api/v1/me").header("Authorization", "Bearer " + user.key()).GET());
    HttpResponse<String> submitted =
        browse(
            request("/api/v1/sessions")
                .header("Authorization", "Bearer " + user.key())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"no cookies\"}")));

    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(submitted.statusCode()).isEqualTo(201);
    // stateless: no CSRF token to carry, no session to remember the key by
    assertThat(me.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(submitted.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(cookies.getCookieStore().getCookies()).isEmpty();
    assertThat(browse(request("/api/v1/me").GET()).statusCode()).isEqualTo(401);
  }

  private HttpResponse<String> login(String username, String password) throws Exception {
    return browse(
        request("/api/v1/auth/login")
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}")));
  }

  private HttpRequest.Builder withCsrf(HttpRequest.Builder builder) {
    String token =
        cookies.getCookieStore().getCookies().stream()
            .filter(c -> c.getName().equals("XSRF-TOKEN"))
            .map(HttpCookie::getValue)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no XSRF-TOKEN cookie was set"));
    return builder.header("X-XSRF-TOKEN", token);
  }

  private HttpResponse<String> browse(HttpRequest.Builder builder) throws Exception {
    return browser.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }
}
