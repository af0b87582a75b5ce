/** The admin API over the fleet: offers, servers, schedules and ComfyUI operations. */
@ApplicationModule(allowedDependencies = {"system"})
@NullMarked
package io.gpufleet.api.servers;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
