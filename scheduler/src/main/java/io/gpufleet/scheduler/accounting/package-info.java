/** What the fleet costs: billing intervals from state changes, spend for any period, a budget. */
@NullMarked
package io.gpufleet.scheduler.accounting;

import org.jspecify.annotations.NullMarked;
