package io.gpufleet.persistence.generations;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A generation's current attempt: the server it runs on, the prompt id it runs under there and the
 * replica that listens for that prompt, whether ComfyUI accepted it, how many attempts have been
 * made, and what the next attempt must avoid (the server that failed, a GPU with too little VRAM).
 */
@Embeddable
public record Attempt(
    @Column(name = "server_id") @Nullable UUID serverId,
    @Column(name = "prompt_id") @Nullable UUID promptId,
    @Column(name = "dispatched_by", length = 64) @Nullable String dispatchedBy,
    @Column(name = "submitted", nullable = false) boolean submitted,
    @Column(name = "attempts", nullable = false) int number,
    @Column(name = "avoid_server_id") @Nullable UUID avoidServerId,
    @Column(name = "min_vram_mb") @Nullable Long minVramMb) {

  static final Attempt NONE_YET = new Attempt(null, null, null, false, 0, null, null);

  Attempt next(UUID server, UUID prompt, String replica) {
    return new Attempt(server, prompt, replica, false, number + 1, avoidServerId, minVramMb);
  }

  Attempt accepted() {
    return new Attempt(serverId, promptId, dispatchedBy, true, number, avoidServerId, minVramMb);
  }

  /** Back in the queue: on no server, and the next attempt avoids what this one ran into. */
  Attempt requeued(@Nullable UUID avoid, @Nullable Long minVram) {
    return new Attempt(null, null, null, false, number, avoid, minVram);
  }
}
