package io.gpufleet.api.results;

import java.util.List;
import java.util.UUID;

/**
 * Every output of a spooled attempt is now in the result store: its generation can complete with
 * {@code outputs}.
 */
public record OutputsStored(UUID generation, UUID prompt, List<StoredOutput> outputs) {}
