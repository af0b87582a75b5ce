package io.gpufleet.scheduler.pools;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The autoscaler's job ({@code gpufleet.autoscaler.*}). It acts only on pools, which are opt-in:
 * with none defined it does nothing.
 *
 * @param enabled off: the job is not scheduled and pools are left alone
 * @param interval how often every enabled pool is sized (zero turns the job off; tests drive it)
 * @param history how far back the demand profile learns from the generation history
 * @param keepDecisions decisions older than this are deleted
 * @param rentBackoff after a pool's server failed, no new rental for this long (a spec no offer
 *     matches would otherwise rent and fail every tick)
 */
@ConfigurationProperties("gpufleet.autoscaler")
public record AutoscalerSettings(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("30s") Duration interval,
    @DefaultValue("28d") Duration history,
    @DefaultValue("30d") Duration keepDecisions,
    @DefaultValue("5m") Duration rentBackoff) {}
