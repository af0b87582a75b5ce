package io.gpufleet.api.dispatch;

import java.util.UUID;

/** The run of {@code generation} ended on its server (however it ended): that server has room. */
record SlotFreed(UUID generation) {}
