/** The admin API over the fleet: offers, servers, schedules and ComfyUI operations. */
@NullMarked
package io.gpufleet.api.servers;

import org.jspecify.annotations.NullMarked;
