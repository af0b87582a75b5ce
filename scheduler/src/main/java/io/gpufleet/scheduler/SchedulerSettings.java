package io.gpufleet.scheduler;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How servers are watched and how long their transitions may take ({@code gpufleet.scheduler.*}).
 * An interval of zero turns that recurring job off (tests drive it by hand).
 *
 * @param reconcileInterval how often every server is compared with its provider
 * @param probeInterval how often every running server's ComfyUI is probed
 * @param idleCheckInterval how often idle servers are looked for
 * @param provisionTimeout from renting to running, before the server is put in ERROR
 * @param startTimeout from start to running (a GPU taken while stopped shows here)
 * @param stopTimeout from stop to stopped
 * @param drainTimeout how long running generations may finish before a draining stop goes on
 * @param probeTimeout how long one probe may take
 * @param degradedLatency a probe slower than this marks the server DEGRADED
 * @param unreachableAfter consecutive failed probes that make a server UNREACHABLE
 * @param comfyReadTimeout the longest silence within one answer of a ComfyUI (a submit, a queue or
 *     history read, a download) before the call fails: a hung server fails its calls instead of
 *     holding the platform's threads
 */
@ConfigurationProperties("gpufleet.scheduler")
public record SchedulerSettings(
    @DefaultValue("15s") Duration reconcileInterval,
    @DefaultValue("15s") Duration probeInterval,
    @DefaultValue("60s") Duration idleCheckInterval,
    @DefaultValue("30m") Duration provisionTimeout,
    @DefaultValue("10m") Duration startTimeout,
    @DefaultValue("10m") Duration stopTimeout,
    @DefaultValue("10m") Duration drainTimeout,
    @DefaultValue("5s") Duration probeTimeout,
    @DefaultValue("2s") Duration degradedLatency,
    @DefaultValue("2") int unreachableAfter,
    @DefaultValue("30s") Duration comfyReadTimeout) {}
