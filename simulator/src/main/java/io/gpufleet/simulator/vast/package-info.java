/**
 * A Vast.ai API simulator on a real socket: marketplace, rentals, instance lifecycle, errors and
 * faults on demand. Start it with {@link io.gpufleet.simulator.vast.VastSimulator#start}.
 */
@NullMarked
package io.gpufleet.simulator.vast;

import org.jspecify.annotations.NullMarked;
