package io.gpufleet.api.chat;

import io.gpufleet.api.fleet.LanguageModelSpend;
import io.gpufleet.persistence.providers.LlmUsage;
import io.gpufleet.persistence.providers.LlmUsageRepository;
import io.gpufleet.persistence.providers.ProfileModel;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Records what each chat call spent, per user, profile and model, priced at the model's price per
 * million tokens (no price: free, as a local Ollama is); and tells the fleet what it cost.
 */
@Component
class UsageLedger implements LanguageModelSpend {

  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  private final LlmUsageRepository usage;
  private final Clock clock;

  UsageLedger(LlmUsageRepository usage, Clock clock) {
    this.usage = usage;
    this.clock = clock;
  }

  @Transactional
  BigDecimal record(
      UUID userId,
      ChatTarget target,
      int promptTokens,
      int completionTokens,
      long durationMs,
      boolean streamed) {
    BigDecimal cost = cost(target.price(), promptTokens, completionTokens);
    usage.save(
        new LlmUsage(
            userId,
            target.profile(),
            target.model(),
            promptTokens,
            completionTokens,
            cost,
            durationMs,
            streamed,
            Instant.now(clock)));
    return cost;
  }

  static BigDecimal cost(@Nullable ProfileModel price, int promptTokens, int completionTokens) {
    if (price == null) {
      return BigDecimal.ZERO.setScale(6);
    }
    BigDecimal in =
        price.getInputPricePerMillion() == null
            ? BigDecimal.ZERO
            : price.getInputPricePerMillion().multiply(BigDecimal.valueOf(promptTokens));
    BigDecimal out =
        price.getOutputPricePerMillion() == null
            ? BigDecimal.ZERO
            : price.getOutputPricePerMillion().multiply(BigDecimal.valueOf(completionTokens));
    return in.add(out).divide(MILLION, 6, RoundingMode.HALF_UP);
  }

  @Override
  @Transactional(readOnly = true)
  public BigDecimal spent(Instant from, Instant to) {
    return usage.costBetween(from, to).setScale(4, RoundingMode.HALF_UP);
  }
}
