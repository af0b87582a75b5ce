package io.gpufleet.scheduler.providers;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/** The machine a provider rented for a server. */
public record Rental(
    String instanceId, long offerId, @Nullable BigDecimal pricePerHour, @Nullable String gpuName) {}
