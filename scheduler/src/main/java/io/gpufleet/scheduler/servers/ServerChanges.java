package io.gpufleet.scheduler.servers;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Settings an admin changes on a server; absent fields stay as they are.
 *
 * @param idleStopMinutes 0 turns idle stop off
 */
public record ServerChanges(
    @Nullable String name,
    @Nullable Integer idleStopMinutes,
    @Nullable UUID setupScriptId,
    @Nullable Boolean autoSetup) {}
