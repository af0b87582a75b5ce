package io.gpufleet.api.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The secrets webhooks are signed with: the operator's one for everybody ({@code
 * gpufleet.webhooks.secret}), or else one per user, made on first use and kept in the database.
 */
@Component
class WebhookSecrets {

  private final JdbcTemplate jdbc;
  private final WebhookProperties settings;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  WebhookSecrets(JdbcTemplate jdbc, WebhookProperties settings, Clock clock) {
    this.jdbc = jdbc;
    this.settings = settings;
    this.clock = clock;
  }

  /** The hex HMAC-SHA256 of {@code body} under this user's secret. */
  String sign(UUID user, String body) {
    return sign(secretFor(user), body);
  }

  /** The secret that signs this user's webhooks. */
  String secretFor(UUID user) {
    if (settings.secret() != null && !settings.secret().isBlank()) {
      return settings.secret();
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    jdbc.update(
        "INSERT INTO webhook_secrets (user_id, secret, created_at) VALUES (?, ?, ?)"
            + " ON CONFLICT (user_id) DO NOTHING",
        user,
        "whsec_" + HexFormat.of().formatHex(bytes),
        Timestamp.from(clock.instant()));
    return jdbc.queryForObject(
        "SELECT secret FROM webhook_secrets WHERE user_id = ?", String.class, user);
  }

  boolean sharedSecret() {
    return settings.secret() != null && !settings.secret().isBlank();
  }

  static String sign(String secret, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Every JVM has HmacSHA256", e);
    }
  }
}
