package io.gpufleet.api.webhooks;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Webhooks, under {@code gpufleet.webhooks}.
 *
 * @param secret one signing secret for every user; unset = a secret per user, made on first use and
 *     shown at {@code GET /api/v1/webhooks/secret}
 * @param maxAttempts attempts per event before giving up
 * @param initialBackoff the wait after the first failure; doubled after each further one
 * @param timeout how long one attempt may take
 * @param pollInterval how often each replica looks for due deliveries
 * @param maxRedirects redirects followed (each checked by the outbound policy) before giving up
 */
@ConfigurationProperties("gpufleet.webhooks")
record WebhookProperties(
    @Nullable String secret,
    @DefaultValue("5") int maxAttempts,
    @DefaultValue("10s") Duration initialBackoff,
    @DefaultValue("10s") Duration timeout,
    @DefaultValue("500ms") Duration pollInterval,
    @DefaultValue("3") int maxRedirects) {

  @Override
  public String toString() {
    return "WebhookProperties[secret=" + (secret == null ? "per user" : "***") + "]";
  }
}
