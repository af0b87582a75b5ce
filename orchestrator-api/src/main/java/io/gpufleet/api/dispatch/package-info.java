/**
 * Dispatch: each replica's engine that runs queued generations. It claims them (SKIP LOCKED, fair
 * share), routes each to a server, posts the prompt under the replica's ComfyUI client id, follows
 * the run over the server's WebSocket, settles it from the history (outputs into the result store)
 * and retries or fails what was lost. It tells others what happened through the event bus.
 */
@ApplicationModule(allowedDependencies = {"events", "generations", "results", "routing", "uploads"})
@NullMarked
package io.gpufleet.api.dispatch;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
