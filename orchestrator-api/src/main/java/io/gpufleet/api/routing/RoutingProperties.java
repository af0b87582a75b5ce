package io.gpufleet.api.routing;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Routing settings, under {@code gpufleet.routing}.
 *
 * @param maxWaitingPerServer prompts allowed to wait on a ComfyUI behind the running one
 * @param capabilitiesTtl how long a server's node classes and model lists are trusted
 */
@ConfigurationProperties("gpufleet.routing")
record RoutingProperties(
    @DefaultValue("2") int maxWaitingPerServer, @DefaultValue("30s") Duration capabilitiesTtl) {}
