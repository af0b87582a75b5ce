/**
 * Live: what clients follow as it happens. Server-sent events of one generation, the {@code
 * /api/v1/ws} WebSocket (generations by id or all of them, setup runs for admins) and the one-time
 * tickets that open it. Everything heard here comes from the event bus.
 */
@ApplicationModule(allowedDependencies = {"events", "generations", "setup", "users"})
@NullMarked
package io.gpufleet.api.live;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
