package io.gpufleet.scheduler.servers;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Settings an admin changes on a server; absent fields stay as they are.
 *
 * @param idleStopMinutes 0 turns idle stop off
 * @param slots how many generations run on it side by side
 * @param prefetch how many more may wait in its ComfyUI's own queue
 */
public record ServerChanges(
    @Nullable String name,
    @Nullable Integer idleStopMinutes,
    @Nullable UUID setupScriptId,
    @Nullable Boolean autoSetup,
    @Nullable Integer slots,
    @Nullable Integer prefetch) {}
