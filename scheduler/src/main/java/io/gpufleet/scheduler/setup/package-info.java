/**
 * Setup runs: scripts run on a server over SSH with their output streamed as it comes, steps read
 * from {@code ##STEP n/m title} markers, and the platform's SSH key.
 */
@NullMarked
package io.gpufleet.scheduler.setup;

import org.jspecify.annotations.NullMarked;
