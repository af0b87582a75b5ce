/**
 * Routing: the platform's picture of the fleet ({@link io.gpufleet.api.routing.FleetView}), what
 * each server can run and how fast it is; the pure policy is in {@code
 * io.gpufleet.scheduler.routing}.
 */
@ApplicationModule(allowedDependencies = {})
@NullMarked
package io.gpufleet.api.routing;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
