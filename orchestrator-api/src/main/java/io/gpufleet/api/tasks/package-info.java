/**
 * Tasks (seed 004): durable jobs of a user. A text task is a prompt to a language model through a
 * provider profile, run by each replica's {@link io.gpufleet.api.tasks.TaskWorker} (claimed with
 * SKIP LOCKED, retried on a provider's transient failures, its tokens recorded as chat's are); an
 * image task is a generation of the fleet, submitted through the generations service so routing,
 * retries and limits apply, whose state the task follows. Listed with filters, exported as CSV or
 * JSON, cancelled, retried and deleted; their events travel the generation event bus.
 */
@ApplicationModule(
    allowedDependencies = {
      "chat",
      "events",
      "generations",
      "providers",
      "ratelimits",
      "system",
      "users"
    })
@NullMarked
package io.gpufleet.api.tasks;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
