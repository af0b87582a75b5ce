package io.gpufleet.api.chat;

import io.gpufleet.api.providers.ProviderErrors;
import io.gpufleet.api.providers.ProviderProblem;
import java.math.BigDecimal;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.stereotype.Service;

/** One chat call answered whole: the text, the model that answered, the tokens and their cost. */
@Service
class ChatService {

  private final UsageLedger ledger;

  ChatService(UsageLedger ledger) {
    this.ledger = ledger;
  }

  ChatViews.ChatAnswer call(UUID userId, ChatTarget target, ChatViews.ChatRequest request) {
    Prompt prompt = Prompts.of(target, request);
    long started = System.nanoTime();
    ChatResponse response;
    try {
      response = target.connection().chatModel().call(prompt);
    } catch (RuntimeException e) {
      throw ProviderErrors.translate(e, target.profile().getProvider(), target.secret());
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    Generation generation = response.getResult();
    String text = generation == null ? "" : String.valueOf(generation.getOutput().getText());
    Tally tally = new Tally();
    tally.add(response);
    BigDecimal cost = ledger.record(userId, target, tally.prompt, tally.completion, ms, false);
    return tally.answer(target, text, cost, ms, modelOf(response, target));
  }

  static String modelOf(@Nullable ChatResponse response, ChatTarget target) {
    if (response == null || response.getMetadata() == null) {
      return target.model();
    }
    String model = response.getMetadata().getModel();
    return model == null || model.isBlank() ? target.model() : model;
  }

  /** Token counts and finish reason, from one response or the last of a stream's chunks. */
  static final class Tally {
    int prompt;
    int completion;
    @Nullable String finishReason;

    void add(ChatResponse response) {
      if (response.getMetadata() != null) {
        Usage usage = response.getMetadata().getUsage();
        if (usage != null) {
          // providers report cumulative counts, some only on the last chunk: keep the largest
          prompt = Math.max(prompt, nonNull(usage.getPromptTokens()));
          completion = Math.max(completion, nonNull(usage.getCompletionTokens()));
        }
      }
      Generation generation = response.getResult();
      if (generation != null && generation.getMetadata() != null) {
        String reason = generation.getMetadata().getFinishReason();
        if (reason != null && !reason.isBlank()) {
          finishReason = reason.toLowerCase(java.util.Locale.ROOT);
        }
      }
    }

    ChatViews.ChatAnswer answer(
        ChatTarget target, String text, BigDecimal cost, long ms, String model) {
      return new ChatViews.ChatAnswer(
          text,
          target.profile().getId(),
          target.profile().getName(),
          target.profile().getProvider().id(),
          model,
          new ChatViews.Usage(prompt, completion, prompt + completion),
          cost,
          ms,
          finishReason);
    }

    private static int nonNull(@Nullable Integer value) {
      return value == null ? 0 : value;
    }
  }

  /** Rethrown as is when it already is one. */
  static ProviderProblem problem(Throwable e, ChatTarget target) {
    return ProviderErrors.translate(e, target.profile().getProvider(), target.secret());
  }
}
