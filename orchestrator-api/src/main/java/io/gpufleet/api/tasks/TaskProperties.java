package io.gpufleet.api.tasks;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The task worker's settings, under {@code gpufleet.tasks}.
 *
 * @param workers text tasks one replica runs at once
 * @param pollInterval how often each replica looks for due tasks (it also wakes on a new one)
 * @param maxAttempts provider calls a text task may take, the first included
 * @param initialBackoff the wait before the second attempt; it doubles for each further one
 * @param leaseMargin how long past the provider's timeout a claim holds before another replica may
 *     take the task over (its replica is taken to have died)
 */
@ConfigurationProperties("gpufleet.tasks")
record TaskProperties(
    @DefaultValue("2") int workers,
    @DefaultValue("500ms") Duration pollInterval,
    @DefaultValue("3") int maxAttempts,
    @DefaultValue("1s") Duration initialBackoff,
    @DefaultValue("30s") Duration leaseMargin) {}
