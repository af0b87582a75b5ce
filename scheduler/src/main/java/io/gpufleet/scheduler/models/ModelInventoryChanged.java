package io.gpufleet.scheduler.models;

import java.util.UUID;

/** A server's model inventory was refreshed (after a download, a setup run, or a listing). */
public record ModelInventoryChanged(UUID serverId) {}
