package io.gpufleet.api.chat;

import io.gpufleet.api.providers.ProviderErrors;
import io.gpufleet.api.providers.ProviderProblem;
import io.gpufleet.persistence.providers.ProviderKind;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.util.retry.Retry;

/**
 * Streams an answer over SSE: a {@code token} event per piece of text as the provider sends it,
 * then {@code done} with the whole answer, usage and cost, or {@code error} with a problem. A
 * provider that fails before its first token fails the request itself (a problem answer with the
 * right status), since nothing has been sent yet.
 */
@Component
class ChatStreamer {

  private static final Logger log = LoggerFactory.getLogger(ChatStreamer.class);
  private static final Duration STREAM_LIMIT = Duration.ofMinutes(15);

  private final UsageLedger ledger;

  ChatStreamer(UsageLedger ledger) {
    this.ledger = ledger;
  }

  SseEmitter stream(UUID userId, ChatTarget target, ChatViews.ChatRequest request, String path) {
    Prompt prompt = Prompts.of(target, request);
    SseEmitter emitter = new SseEmitter(STREAM_LIMIT.toMillis());
    CompletableFuture<Void> firstSignal = new CompletableFuture<>();
    AtomicBoolean finished = new AtomicBoolean();
    StringBuilder text = new StringBuilder();
    ChatService.Tally tally = new ChatService.Tally();
    AtomicReference<String> model = new AtomicReference<>(target.model());
    long started = System.nanoTime();

    Runnable settle =
        () -> {
          if (finished.compareAndSet(false, true)) {
            long ms = (System.nanoTime() - started) / 1_000_000;
            BigDecimal cost =
                ledger.record(userId, target, tally.prompt, tally.completion, ms, true);
            send(emitter, "done", tally.answer(target, text.toString(), cost, ms, model.get()));
            emitter.complete();
          }
        };

    AtomicBoolean received = new AtomicBoolean();
    // Ollama over a pooled connection the server closed while idle: the request did not get
    // through, so the whole stream is asked for again (never once a token has come)
    Flux<ChatResponse> chunks =
        Flux.defer(() -> target.connection().chatModel().stream(prompt))
            .doOnNext(chunk -> received.set(true))
            .retryWhen(
                Retry.max(target.profile().getProvider() == ProviderKind.OLLAMA ? 2 : 0)
                    .filter(e -> !received.get() && ProviderErrors.failedBeforeAnswer(e)));
    Disposable subscription =
        chunks.subscribe(
            chunk -> {
              firstSignal.complete(null);
              tally.add(chunk);
              model.set(ChatService.modelOf(chunk, target));
              String piece = piece(chunk);
              if (!piece.isEmpty()) {
                text.append(piece);
                send(emitter, "token", new ChatViews.Token(piece));
              }
            },
            error -> {
              ProviderProblem problem = ChatService.problem(error, target);
              if (firstSignal.completeExceptionally(problem)) {
                return;
              }
              if (finished.compareAndSet(false, true)) {
                log.warn("Chat stream through {} failed: {}", target, problem.getMessage());
                recordPartial(userId, target, tally, started);
                send(emitter, "error", problem.toProblemDetail(path));
                emitter.complete();
              }
            },
            () -> {
              firstSignal.complete(null);
              settle.run();
            });
    emitter.onCompletion(subscription::dispose);
    emitter.onTimeout(subscription::dispose);
    emitter.onError(
        e -> {
          // the client went away: stop asking the provider, keep what it already spent
          subscription.dispose();
          if (finished.compareAndSet(false, true)) {
            recordPartial(userId, target, tally, started);
          }
        });

    try {
      firstSignal.get(target.options().timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      subscription.dispose();
      throw (ProviderProblem) e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      subscription.dispose();
      throw new ProviderProblem(
              HttpStatus.SERVICE_UNAVAILABLE,
              ProviderProblem.PROVIDER_CONNECTION_ERROR,
              "The provider sent nothing within " + target.options().timeout().toSeconds() + " s")
          .with("timeout", true)
          .with("retryable", true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      subscription.dispose();
      throw new IllegalStateException("interrupted while waiting for the provider", e);
    }
    return emitter;
  }

  private void recordPartial(
      UUID userId, ChatTarget target, ChatService.Tally tally, long started) {
    try {
      ledger.record(
          userId,
          target,
          tally.prompt,
          tally.completion,
          (System.nanoTime() - started) / 1_000_000,
          true);
    } catch (RuntimeException e) {
      log.warn("Could not record the usage of a broken chat stream through {}", target, e);
    }
  }

  private static String piece(ChatResponse chunk) {
    Generation generation = chunk.getResult();
    if (generation == null || generation.getOutput() == null) {
      return "";
    }
    String text = generation.getOutput().getText();
    return text == null ? "" : text;
  }

  private static void send(SseEmitter emitter, String event, Object data) {
    try {
      emitter.send(SseEmitter.event().name(event).data(data, MediaType.APPLICATION_JSON));
    } catch (IOException | IllegalStateException e) {
      // the client is gone; onError disposes the subscription
    }
  }
}
