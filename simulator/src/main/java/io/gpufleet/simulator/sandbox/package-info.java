/**
 * A whole simulated fleet: the Vast.ai simulator whose instances get a real SSH endpoint and, once
 * a setup script starts it, a ComfyUI simulator. The sandbox mode of the application runs on this.
 */
@NullMarked
package io.gpufleet.simulator.sandbox;

import org.jspecify.annotations.NullMarked;
