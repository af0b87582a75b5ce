/**
 * Events: the fleet-wide bus of generation and setup-run events. A replica publishes through
 * PostgreSQL NOTIFY; every replica listens and fans events out to its own subscribers (SSE,
 * WebSocket) and to listeners that act once in the fleet (webhooks).
 */
@ApplicationModule(allowedDependencies = {})
@NullMarked
package io.gpufleet.api.events;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
