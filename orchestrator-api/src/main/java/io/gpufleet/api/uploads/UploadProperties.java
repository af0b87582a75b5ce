package io.gpufleet.api.uploads;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Upload settings. They are read under {@code gpufleet.generations}, beside the pipeline's, where
 * they have always been documented.
 *
 * @param uploadTtl uploads of a session idle this long (or session-less uploads this old) expire
 * @param uploadCleanupInterval how often expired uploads are deleted
 */
@ConfigurationProperties("gpufleet.generations")
record UploadProperties(
    @DefaultValue("24h") Duration uploadTtl, @DefaultValue("10m") Duration uploadCleanupInterval) {}
