/** The seam between the lifecycle and the clouds: rent, start, stop, destroy, describe. */
@NullMarked
package io.gpufleet.scheduler.providers;

import org.jspecify.annotations.NullMarked;
