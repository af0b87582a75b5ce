package io.gpufleet.scheduler.accounting;

import java.math.BigDecimal;
import java.time.ZoneId;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * An optional fleet budget ({@code gpufleet.budget.*}). Once spend reaches it, schedules start no
 * more servers; with {@code stopRunning}, running servers are drained and stopped too.
 *
 * @param daily dollars per day, absent for none
 * @param monthly dollars per month, absent for none
 * @param timezone where "today" and "this month" begin
 */
@ConfigurationProperties("gpufleet.budget")
public record BudgetSettings(
    @Nullable BigDecimal daily,
    @Nullable BigDecimal monthly,
    @DefaultValue("false") boolean stopRunning,
    @DefaultValue("UTC") ZoneId timezone) {}
