/**
 * ComfyUI's own API over the whole fleet, under {@code /comfy} (and {@code /comfy/api}, and on a
 * port of its own at the root when {@code gpufleet.comfy.port} is set): {@code /prompt}, {@code
 * /ws}, {@code /history}, {@code /view}, {@code /queue}, {@code /interrupt}, {@code /upload/image},
 * {@code /object_info}, {@code /system_stats}, {@code /models}. Each prompt is a generation of the
 * caller, validated as ComfyUI validates it against what the healthy servers offer together; the
 * socket hears ComfyUI's messages translated from the generation's events. Nothing lower uses it.
 */
@ApplicationModule(
    allowedDependencies = {
      "events",
      "generations",
      "ratelimits",
      "results",
      "routing",
      "system",
      "uploads",
      "users"
    })
@NullMarked
package io.gpufleet.api.comfy;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
