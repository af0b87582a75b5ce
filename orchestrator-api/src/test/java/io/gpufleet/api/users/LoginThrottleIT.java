package io.gpufleet.api.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/** Failed console logins: held per account and per address, alike for unknown users. */
class LoginThrottleIT extends IntegrationTest {

  @Autowired JdbcTemplate jdbc;
  @Autowired TransactionTemplate transaction;

  @AfterEach
  void forgetTheFailuresOfThisMachine() {
    // the other tests log in from the same address; they must not inherit these failures
    jdbc.update("DELETE FROM login_failures WHERE throttle_key = 'address:127.0.0.1'");
  }

  private HttpResponse<String> login(String username, String password) {
    return send(
        request("/api/v1/auth/login")
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}"))
            .build());
  }

  @Test
  void fiveWrongPasswordsHoldTheAccountWith429AndRetryAfterEvenForTheRightOne() {
    TestUser admin = newUser("ADMIN");
    for (int i = 0; i < 5; i++) {
      assertThat(login(admin.username(), "wrong-" + i).statusCode()).isEqualTo(401);
    }

    HttpResponse<String> held = login(admin.username(), admin.password());

    assertThat(held.statusCode()).isEqualTo(429);
    assertThat(json(held).path("code").asString()).isEqualTo("LOGIN_THROTTLED");
    long retryAfter = Long.parseLong(held.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 15 * 60L);
    assertThat(json(held).path("retryAfterSeconds").asLong()).isEqualTo(retryAfter);
  }

  @Test
  void anUnknownUserIsAnsweredExactlyLikeAWrongPasswordAndHeldAlike() {
    TestUser admin = newUser("ADMIN");
    String unknown = "nobody-" + UUID.randomUUID().toString().substring(0, 8);

    HttpResponse<String> wrong = login(admin.username(), "wrong");
    HttpResponse<String> missing = login(unknown, "wrong");

    assertThat(missing.statusCode()).isEqualTo(wrong.statusCode()).isEqualTo(401);
    JsonNode a = json(wrong);
    JsonNode b = json(missing);
    assertThat(b.path("code").asString()).isEqualTo(a.path("code").asString());
    assertThat(b.path("detail").asString()).isEqualTo(a.path("detail").asString());
    assertThat(missing.headers().map().keySet()).isEqualTo(wrong.headers().map().keySet());
    for (int i = 0; i < 4; i++) {
      login(admin.username(), "wrong");
      login(unknown, "wrong");
    }
    HttpResponse<String> heldKnown = login(admin.username(), "wrong");
    HttpResponse<String> heldUnknown = login(unknown, "wrong");
    assertThat(heldUnknown.statusCode()).isEqualTo(heldKnown.statusCode()).isEqualTo(429);
    assertThat(json(heldUnknown).path("code").asString()).isEqualTo("LOGIN_THROTTLED");
  }

  @Test
  void aSuccessfulLoginStartsTheAccountAgainFromNothing() {
    TestUser admin = newUser("ADMIN");
    for (int i = 0; i < 4; i++) {
      login(admin.username(), "wrong");
    }
    assertThat(login(admin.username(), admin.password()).statusCode()).isEqualTo(200);
    for (int i = 0; i < 4; i++) {
      assertThat(login(admin.username(), "wrong").statusCode()).isEqualTo(401);
    }
    assertThat(login(admin.username(), admin.password()).statusCode()).isEqualTo(200);
  }

  /** The throttle itself on the shared database, with a clock the test moves. */
  @Nested
  class OverTime {

    private final HandClock clock = new HandClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final LoginThrottle throttle =
        new LoginThrottle(
            jdbc, transaction, new LoginThrottleProperties(3, 5, Duration.ofMinutes(15)), clock);
    private final String address = "198.51.100." + (1 + (int) (Math.random() * 250));

    @AfterEach
    void forget() {
      jdbc.update("DELETE FROM login_failures WHERE throttle_key = ?", "address:" + address);
    }

    @Test
    void anAccountIsFreeAgainWhenItsOldestCountedFailureAgesOut() {
      String user = "over-time-" + UUID.randomUUID();
      throttle.begin(user, address);
      clock.advance(Duration.ofMinutes(5));
      throttle.begin(user, address);
      throttle.begin(user, address);

      LoginThrottle.Attempt held = throttle.begin(user, address);
      assertThat(held.held()).isTrue();
      assertThat(held.retryAfter()).contains(Duration.ofMinutes(10));

      clock.advance(Duration.ofMinutes(10).plusSeconds(1));
      assertThat(throttle.begin(user, address).held()).isFalse();
      // that attempt failed too: three inside the window again
      assertThat(throttle.begin(user, address).retryAfter()).contains(Duration.ofSeconds(299));
    }

    @Test
    void anAddressIsHeldAfterItsLimitWhateverTheAccounts() {
      for (int i = 0; i < 5; i++) {
        assertThat(throttle.begin("spray-" + i + "-" + UUID.randomUUID(), address).held())
            .isFalse();
      }
      assertThat(throttle.begin("spray-next-" + UUID.randomUUID(), address).held()).isTrue();
      assertThat(throttle.begin("spray-next", "198.51.100.251").held()).isFalse();
      jdbc.update("DELETE FROM login_failures WHERE throttle_key = 'address:198.51.100.251'");
    }
  }

  /** A clock that stands still until the test moves it. */
  private static final class HandClock extends Clock {
    private Instant now;

    HandClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
