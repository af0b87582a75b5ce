/** The recurring jobs of the fleet, in Quartz's clustered store so each runs once per tick. */
@NullMarked
package io.gpufleet.scheduler.jobs;

import org.jspecify.annotations.NullMarked;
