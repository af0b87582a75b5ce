/**
 * Routing's policy: pure (no Spring, no I/O). {@link io.gpufleet.scheduler.routing.RoutingPolicy}
 * chooses the server that finishes a generation soonest and binds it only when that server has
 * room; {@link io.gpufleet.scheduler.routing.WorkEstimate} sizes a graph. The platform's dispatcher
 * ({@code io.gpufleet.api.dispatch}) and the dispatch benchmark in {@code benchmarks} drive the
 * same classes.
 */
@NullMarked
package io.gpufleet.scheduler.routing;

import org.jspecify.annotations.NullMarked;
