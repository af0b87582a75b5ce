/** A plain Java client of the Vast.ai REST API: offers, rentals, instances, and its failures. */
@NullMarked
package io.gpufleet.vast;

import org.jspecify.annotations.NullMarked;
