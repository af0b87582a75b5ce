package io.gpufleet.api.providers;

import com.anthropic.errors.AnthropicIoException;
import com.anthropic.errors.AnthropicServiceException;
import com.google.genai.errors.ApiException;
import com.google.genai.errors.GenAiIOException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import io.gpufleet.persistence.providers.ProviderKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns whatever a provider's client threw into a {@link ProviderProblem} with a stable code: the
 * provider's 401/403 is {@code PROVIDER_AUTH_FAILED}, 404 {@code MODEL_NOT_FOUND}, 429 {@code
 * PROVIDER_RATE_LIMITED} (its Retry-After passed on), other 4xx {@code PROVIDER_BAD_REQUEST}, 5xx
 * {@code PROVIDER_ERROR}, and no answer at all (refused, reset, timed out) {@code
 * PROVIDER_CONNECTION_ERROR}. The profile's key is struck from every message it keeps.
 */
public final class ProviderErrors {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX_MESSAGE = 300;

  private ProviderErrors() {}

  /** The status, headers and message of a provider's error answer. */
  private record Answer(int status, @Nullable String retryAfter, String message) {}

  public static ProviderProblem translate(
      Throwable failure, ProviderKind provider, @Nullable String secret) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ProviderProblem problem) {
        return problem;
      }
      Answer answer = answer(t);
      if (answer != null && answer.status() >= 400) {
        return fromStatus(provider, answer, secret);
      }
      // a 2xx whose body broke off (a stream cut mid-answer) is a connection failure too
      if (answer != null || isConnectionFailure(t)) {
        boolean timeout = isTimeout(failure);
        return new ProviderProblem(
                HttpStatus.SERVICE_UNAVAILABLE,
                ProviderProblem.PROVIDER_CONNECTION_ERROR,
                name(provider)
                    + (timeout ? " did not answer in time" : " could not be reached")
                    + ": "
                    + redact(String.valueOf(rootMessage(failure)), secret))
            .with("provider", provider.id())
            .with("timeout", timeout)
            .with("retryable", true);
      }
    }
    return new ProviderProblem(
            HttpStatus.BAD_GATEWAY,
            ProviderProblem.PROVIDER_ERROR,
            name(provider) + " failed: " + redact(String.valueOf(rootMessage(failure)), secret))
        .with("provider", provider.id())
        .with("retryable", false);
  }

  /**
   * Whether the call failed on a kept-alive connection that the server had closed while idle, so
   * that the request never reached it and sending it again is safe.
   */
  public static boolean isStaleConnection(Throwable failure) {
    return StaleConnections.isStale(failure);
  }

  /**
   * Whether a streamed call failed while its request was being sent, before any answer: the JDK
   * client retries a request whose pooled connection had expired, which a streamed body cannot take
   * part in, so that case comes out as a failed request rather than a stale connection.
   */
  public static boolean failedBeforeAnswer(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof WebClientRequestException) {
        return true;
      }
    }
    return StaleConnections.isStale(failure);
  }

  private static @Nullable Answer answer(Throwable t) {
    if (t instanceof OpenAIServiceException e) {
      return new Answer(e.statusCode(), first(e.headers().values("retry-after")), e.getMessage());
    }
    if (t instanceof AnthropicServiceException e) {
      return new Answer(e.statusCode(), first(e.headers().values("retry-after")), e.getMessage());
    }
    if (t instanceof ApiException e) {
      return new Answer(e.code(), null, e.message());
    }
    if (t instanceof RestClientResponseException e) {
      HttpHeaders headers = e.getResponseHeaders();
      return new Answer(
          e.getStatusCode().value(),
          headers == null ? null : headers.getFirst(HttpHeaders.RETRY_AFTER),
          bodyMessage(e.getResponseBodyAsString()));
    }
    if (t instanceof WebClientResponseException e) {
      return new Answer(
          e.getStatusCode().value(),
          e.getHeaders().getFirst(HttpHeaders.RETRY_AFTER),
          bodyMessage(e.getResponseBodyAsString()));
    }
    return null;
  }

  private static ProviderProblem fromStatus(
      ProviderKind provider, Answer answer, @Nullable String secret) {
    int status = answer.status();
    String said = redact(answer.message(), secret);
    ProviderProblem problem;
    // Gemini answers a bad key with 400 INVALID_ARGUMENT "API key not valid"
    boolean badKey =
        status == 400 && said.toLowerCase(java.util.Locale.ROOT).contains("api key not valid");
    if (status == 401 || status == 403 || badKey) {
      problem =
          new ProviderProblem(
              HttpStatus.BAD_GATEWAY,
              ProviderProblem.PROVIDER_AUTH_FAILED,
              name(provider) + " refused the profile's credentials (" + status + "): " + said);
    } else if (status == 429) {
      Long wait = seconds(answer.retryAfter());
      problem =
          new ProviderProblem(
              HttpStatus.TOO_MANY_REQUESTS,
              ProviderProblem.PROVIDER_RATE_LIMITED,
              name(provider)
                  + " is rate limiting this profile"
                  + (wait == null ? "" : "; retry in " + wait + " s")
                  + ": "
                  + said,
              wait);
    } else if (status == 404) {
      problem =
          new ProviderProblem(
              HttpStatus.NOT_FOUND,
              ProviderProblem.MODEL_NOT_FOUND,
              name(provider) + " does not know this model: " + said);
    } else if (status >= 400 && status < 500) {
      problem =
          new ProviderProblem(
              HttpStatus.BAD_REQUEST,
              ProviderProblem.PROVIDER_BAD_REQUEST,
              name(provider) + " refused the request (" + status + "): " + said);
    } else {
      problem =
          new ProviderProblem(
              HttpStatus.BAD_GATEWAY,
              ProviderProblem.PROVIDER_ERROR,
              name(provider) + " failed (" + status + "): " + said);
    }
    return problem
        .with("provider", provider.id())
        .with("providerStatus", status)
        .with("retryable", status == 429 || status >= 500);
  }

  private static boolean isConnectionFailure(Throwable t) {
    return t instanceof IOException
        || t instanceof UncheckedIOException
        || t instanceof TimeoutException
        || t instanceof ResourceAccessException
        || t instanceof WebClientRequestException
        || t instanceof OpenAIIoException
        || t instanceof AnthropicIoException
        || t instanceof GenAiIOException;
  }

  private static boolean isTimeout(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String name = t.getClass().getSimpleName();
      if (t instanceof TimeoutException
          || t instanceof java.net.SocketTimeoutException
          || t instanceof java.net.http.HttpTimeoutException
          || name.contains("Timeout")
          || String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("timed out")
          || String.valueOf(t.getMessage())
              .toLowerCase(java.util.Locale.ROOT)
              .contains("timeout")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Ollama's {@code {"error": "…"}}, OpenAI's and Anthropic's {@code error.message}, or the text.
   */
  private static String bodyMessage(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      JsonNode error = node.path("error");
      if (error.isString()) {
        return error.asString();
      }
      if (error.path("message").isString()) {
        return error.path("message").asString();
      }
    } catch (RuntimeException notJson) {
      // a plain text answer
    }
    return body;
  }

  private static @Nullable String first(List<String> values) {
    return values.isEmpty() ? null : values.get(0);
  }

  /** Retry-After in seconds; an HTTP date is not worth parsing for a chat, so it counts as none. */
  private static @Nullable Long seconds(@Nullable String retryAfter) {
    if (retryAfter == null) {
      return null;
    }
    try {
      return Math.max(0, (long) Math.ceil(Double.parseDouble(retryAfter.trim())));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static @Nullable String rootMessage(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** The message without the secret and cut to a readable length. */
  public static String redact(@Nullable String message, @Nullable String secret) {
    String text = message == null ? "" : message.strip();
    if (secret != null && secret.length() >= 4) {
      text = text.replace(secret, "****");
    }
    return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "…" : text;
  }

  static String name(ProviderKind provider) {
    return switch (provider) {
      case OLLAMA -> "Ollama";
      case OPENAI -> "OpenAI";
      case GEMINI -> "Gemini";
      case CLAUDE -> "Claude";
      case COMFYUI -> "ComfyUI";
    };
  }
}
