/** One ComfyClient per server, over one shared HTTP client. */
@NullMarked
package io.gpufleet.scheduler.comfy;

import org.jspecify.annotations.NullMarked;
