/**
 * Generations: the resource a caller submits (202 and queued), reads (with its place in the queue
 * and an estimate), cancels and regenerates; its views, the check of its inputs against the
 * workflow, its latest preview and the pipeline's settings. Running it is {@code dispatch}'s.
 */
@ApplicationModule(
    allowedDependencies = {
      "events",
      "ratelimits",
      "results",
      "routing",
      "sessions",
      "system",
      "uploads",
      "users",
      "workflows"
    })
@NullMarked
package io.gpufleet.api.generations;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
