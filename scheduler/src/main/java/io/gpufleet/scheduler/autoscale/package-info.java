/**
 * The autoscaler's policy: pure and deterministic (no Spring, no I/O, no clock of its own). Given a
 * pool's {@link io.gpufleet.scheduler.autoscale.PoolState} it returns a {@link
 * io.gpufleet.scheduler.autoscale.Plan} of decisions, each with its reason. The platform's job and
 * the week-long simulation in {@code benchmarks} drive the same classes.
 */
@NullMarked
package io.gpufleet.scheduler.autoscale;

import org.jspecify.annotations.NullMarked;
