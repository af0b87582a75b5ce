package io.gpufleet.persistence.servers;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * How a server is set up: the script chosen for it (absent: the default one), whether it runs by
 * itself once the server is running, and whether it has run to the end on the current machine.
 */
@Embeddable
public record SetupState(
    @Column(name = "setup_script_id") @Nullable UUID scriptId,
    @Column(name = "auto_setup", nullable = false) boolean auto,
    @Column(name = "set_up", nullable = false) boolean done) {

  static final SetupState NOT_YET = new SetupState(null, true, false);

  SetupState withDone(boolean isDone) {
    return new SetupState(scriptId, auto, isDone);
  }
}
