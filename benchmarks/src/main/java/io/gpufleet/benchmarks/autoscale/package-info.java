/**
 * A deterministic discrete-event simulation of a week of a GPU pool: simulated demand and Vast.ai
 * behaviour, a virtual clock, and the platform's own autoscaler policy beside the usual
 * alternatives. Run {@link io.gpufleet.benchmarks.autoscale.WeekSimulation}.
 */
@NullMarked
package io.gpufleet.benchmarks.autoscale;

import org.jspecify.annotations.NullMarked;
