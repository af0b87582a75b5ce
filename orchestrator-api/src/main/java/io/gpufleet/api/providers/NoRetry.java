package io.gpufleet.api.providers;

import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;

/** Spring AI retries some failures by default; a chat is interactive and its caller decides. */
final class NoRetry {
  static final RetryTemplate TEMPLATE = new RetryTemplate(RetryPolicy.withMaxRetries(0));

  private NoRetry() {}
}
