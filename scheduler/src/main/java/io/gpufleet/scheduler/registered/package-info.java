/** Servers that exist already, registered by their ComfyUI URL (provider {@code static}). */
@NullMarked
package io.gpufleet.scheduler.registered;

import org.jspecify.annotations.NullMarked;
