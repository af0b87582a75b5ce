package io.gpufleet.api.routing;

import io.gpufleet.scheduler.routing.RoutingPolicy;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Routing settings, under {@code gpufleet.routing}.
 *
 * @param prefetch how many prompts may wait in a server's own ComfyUI queue beyond its slots, for
 *     servers that do not set their own (0: a server is given a job only when it is free)
 * @param strategy how a server is chosen: {@code soonest-finish} (the default), or the baselines
 *     {@code least-outstanding} and {@code round-robin} (for comparison)
 * @param capabilitiesTtl how long a server's node classes and model lists are trusted (a download
 *     or setup run on this replica re-reads them at once; reading {@code /object_info} of 500
 *     servers every 30 s was a third of a core)
 */
@ConfigurationProperties("gpufleet.routing")
record RoutingProperties(
    @DefaultValue("1") int prefetch,
    @DefaultValue("soonest-finish") RoutingPolicy.Strategy strategy,
    @DefaultValue("2m") Duration capabilitiesTtl) {}
