package io.gpufleet.api.chat;

import io.gpufleet.api.providers.ProfileOptions;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * One prompt to a language model on behalf of another feature (tasks): the same targets, prompts,
 * provider error codes and usage ledger as {@code POST /chat}, so a task's tokens are recorded and
 * priced as a chat call's are.
 */
@Component
public class TextCompletions {

  private final ChatTargets targets;
  private final ChatService service;

  TextCompletions(ChatTargets targets, ChatService service) {
    this.targets = targets;
    this.service = service;
  }

  /**
   * A prompt and where it goes: {@code profileId}, or else the first enabled profile of {@code
   * provider}; {@code model} defaults to the profile's; {@code system} to the profile's system
   * prompt.
   */
  public record TextCall(
      @Nullable UUID profileId,
      @Nullable String provider,
      @Nullable String model,
      @Nullable String system,
      String prompt,
      @Nullable ProfileOptions options) {}

  /** Where a call would go. */
  public record Target(UUID profileId, String profile, String provider, String model) {}

  public record Completion(
      String text,
      String model,
      int promptTokens,
      int completionTokens,
      BigDecimal cost,
      long durationMs,
      @Nullable String finishReason) {}

  /**
   * Where the call would go, checked now: an unknown or disabled profile, a provider that does not
   * chat or a missing model fails as chat would ({@code ProviderProblem} or a validation error).
   */
  public Target check(TextCall call) {
    ChatTarget target = targets.resolve(request(call));
    return new Target(
        target.profile().getId(),
        target.profile().getName(),
        target.profile().getProvider().id(),
        target.model());
  }

  /** The model's answer, its tokens recorded for {@code userId}; a provider's failure is thrown. */
  public Completion complete(UUID userId, TextCall call) {
    ChatViews.ChatRequest request = request(call);
    ChatViews.ChatAnswer answer = service.call(userId, targets.resolve(request), request);
    return new Completion(
        answer.response(),
        answer.model(),
        answer.usage().promptTokens(),
        answer.usage().completionTokens(),
        answer.cost(),
        answer.durationMs(),
        answer.finishReason());
  }

  private static ChatViews.ChatRequest request(TextCall call) {
    List<ChatViews.Message> messages = new ArrayList<>();
    if (call.system() != null && !call.system().isBlank()) {
      messages.add(new ChatViews.Message("system", call.system(), null));
    }
    messages.add(new ChatViews.Message("user", call.prompt(), null));
    return new ChatViews.ChatRequest(
        call.profileId(), call.provider(), call.model(), messages, call.options(), false);
  }
}
