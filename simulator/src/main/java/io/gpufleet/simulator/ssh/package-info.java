/**
 * A simulated SSH endpoint of a rented server: real SSH on loopback, commands run as real processes
 * in a sandbox directory whose {@code PATH} starts with shims for the tools a setup script calls,
 * and a hook that fires when the script starts ComfyUI.
 */
@NullMarked
package io.gpufleet.simulator.ssh;

import org.jspecify.annotations.NullMarked;
