/** A ComfyUI simulator on real sockets: HTTP and WebSocket on one port. */
@org.jspecify.annotations.NullMarked
package io.gpufleet.simulator.comfy;
