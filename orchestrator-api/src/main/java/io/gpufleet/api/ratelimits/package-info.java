/** Per-user rate limits in bands (per minute, hour, day) that hold across replicas. */
@ApplicationModule(allowedDependencies = {"system", "users"})
@NullMarked
package io.gpufleet.api.ratelimits;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
