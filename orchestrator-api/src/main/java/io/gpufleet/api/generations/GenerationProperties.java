package io.gpufleet.api.generations;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The pipeline's settings, under {@code gpufleet.generations} (uploads' two are {@code
 * UploadProperties}).
 *
 * @param maxAttempts attempts per generation (a lost server or an OOM costs one)
 * @param maxQueuedPerUser queued generations a user may have
 * @param maxRunningPerUser generations of one user dispatched at once
 * @param dispatchInterval how often each replica looks at the queue (it also wakes on submit)
 * @param monitorInterval how often running generations are checked against their server
 * @param progressWriteInterval the least time between two progress writes of one generation
 * @param staleAfter a running generation with no write this long is checked by any replica
 * @param previewInterval the least time between two stored previews of one generation
 */
@ConfigurationProperties("gpufleet.generations")
public record GenerationProperties(
    @DefaultValue("3") int maxAttempts,
    @DefaultValue("200") int maxQueuedPerUser,
    @DefaultValue("10") int maxRunningPerUser,
    @DefaultValue("250ms") Duration dispatchInterval,
    @DefaultValue("1s") Duration monitorInterval,
    @DefaultValue("500ms") Duration progressWriteInterval,
    @DefaultValue("60s") Duration staleAfter,
    @DefaultValue("1s") Duration previewInterval) {}
