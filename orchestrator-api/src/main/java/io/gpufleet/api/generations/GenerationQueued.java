package io.gpufleet.api.generations;

import java.util.UUID;

/** A generation was queued (submitted or regenerated) in this replica and committed. */
public record GenerationQueued(UUID generationId) {}
