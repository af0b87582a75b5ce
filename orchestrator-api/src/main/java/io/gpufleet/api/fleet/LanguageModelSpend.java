package io.gpufleet.api.fleet;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * What language-model calls cost in a period (tokens at each model's price), which the fleet's
 * spend includes and also shows apart. Without chat, nothing.
 */
public interface LanguageModelSpend {

  BigDecimal spent(Instant from, Instant to);

  LanguageModelSpend NONE = (from, to) -> BigDecimal.ZERO;
}
