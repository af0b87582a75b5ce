/**
 * The autoscaler wired into the platform: pools (a spec, the workflows they serve, their limits),
 * the state the pure policy in {@code autoscale} decides from (built from the database), the
 * execution of its decisions through {@link io.gpufleet.scheduler.servers.ServerLifecycle}, and the
 * decision log.
 */
@NullMarked
package io.gpufleet.scheduler.pools;

import org.jspecify.annotations.NullMarked;
