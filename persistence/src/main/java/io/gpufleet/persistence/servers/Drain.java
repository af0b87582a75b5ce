package io.gpufleet.persistence.servers;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Whether a server is draining: it takes no new work, and its running generations have until the
 * deadline to finish before it stops.
 */
@Embeddable
public record Drain(
    @Column(name = "draining", nullable = false) boolean active,
    @Column(name = "drain_deadline") @Nullable Instant deadline) {

  static final Drain NONE = new Drain(false, null);
}
