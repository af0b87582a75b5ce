package io.gpufleet.api.events;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The event log's settings, under {@code gpufleet.events}.
 *
 * @param retention how long numbered events are kept for subscribers and replicas that resume
 * @param pruneInterval how often each replica deletes the older ones
 */
@ConfigurationProperties("gpufleet.events")
record EventProperties(
    @DefaultValue("1h") Duration retention, @DefaultValue("1m") Duration pruneInterval) {}
