/** Servers rented on Vast.ai through vast-client. */
@NullMarked
package io.gpufleet.scheduler.vast;

import org.jspecify.annotations.NullMarked;
