package io.gpufleet.api.providers;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.persistence.providers.ProviderKind;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;

class ProviderErrorsTest {

  private static final String KEY = "sk-secret-0123456789abcdef";

  private static HttpClientErrorException clientError(int status, String body, String retryAfter) {
    HttpHeaders headers = new HttpHeaders();
    if (retryAfter != null) {
      headers.set(HttpHeaders.RETRY_AFTER, retryAfter);
    }
    return HttpClientErrorException.create(
        HttpStatus.valueOf(status), "", headers, body.getBytes(StandardCharsets.UTF_8), null);
  }

  @Test
  void aRateLimitKeepsItsRetryAfterInWholeSeconds() {
    ProviderProblem problem =
        ProviderErrors.translate(
            clientError(429, "{\"error\":\"busy\"}", "2.5"), ProviderKind.OLLAMA, null);

    assertThat(problem.code()).isEqualTo(ProviderProblem.PROVIDER_RATE_LIMITED);
    assertThat(problem.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    assertThat(problem.retryAfterSeconds()).isEqualTo(3);
    assertThat(problem.getMessage()).contains("busy");
  }

  @Test
  void anHttpDateRetryAfterCountsAsNone() {
    ProviderProblem problem =
        ProviderErrors.translate(
            clientError(429, "slow down", "Wed, 21 Oct 2026 07:28:00 GMT"),
            ProviderKind.OLLAMA,
            null);

    assertThat(problem.retryAfterSeconds()).isNull();
  }

  @Test
  void statusesMapToTheirCodes() {
    assertThat(
            ProviderErrors.translate(clientError(401, "{}", null), ProviderKind.OPENAI, null)
                .code())
        .isEqualTo(ProviderProblem.PROVIDER_AUTH_FAILED);
    assertThat(
            ProviderErrors.translate(clientError(403, "{}", null), ProviderKind.OPENAI, null)
                .code())
        .isEqualTo(ProviderProblem.PROVIDER_AUTH_FAILED);
    assertThat(
            ProviderErrors.translate(clientError(404, "{}", null), ProviderKind.OPENAI, null)
                .status())
        .isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(
            ProviderErrors.translate(clientError(422, "{}", null), ProviderKind.OPENAI, null)
                .code())
        .isEqualTo(ProviderProblem.PROVIDER_BAD_REQUEST);
    assertThat(
            ProviderErrors.translate(
                    HttpServerErrorException.create(
                        HttpStatus.BAD_GATEWAY, "", new HttpHeaders(), new byte[0], null),
                    ProviderKind.OPENAI,
                    null)
                .code())
        .isEqualTo(ProviderProblem.PROVIDER_ERROR);
  }

  @Test
  void noAnswerIsAConnectionErrorAndATimeoutSaysSo() {
    ProviderProblem refused =
        ProviderErrors.translate(
            new ResourceAccessException("I/O error", new ConnectException("Connection refused")),
            ProviderKind.OLLAMA,
            null);
    ProviderProblem slow =
        ProviderErrors.translate(
            new RuntimeException(new HttpTimeoutException("request timed out")),
            ProviderKind.OLLAMA,
            null);

    assertThat(refused.code()).isEqualTo(ProviderProblem.PROVIDER_CONNECTION_ERROR);
    assertThat(refused.properties()).containsEntry("timeout", false);
    assertThat(slow.code()).isEqualTo(ProviderProblem.PROVIDER_CONNECTION_ERROR);
    assertThat(slow.properties()).containsEntry("timeout", true);
  }

  @Test
  void theKeyIsStruckFromWhatTheProviderSaid() {
    ProviderProblem problem =
        ProviderErrors.translate(
            clientError(
                401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}", null),
            ProviderKind.OPENAI,
            KEY);

    assertThat(problem.getMessage())
        .doesNotContain(KEY)
        .contains("Incorrect API key provided: ****");
  }
}
