/**
 * Everything that happens to a server over time: provisioning, start and stop through its provider,
 * Quartz schedules, setup runs over SSH, health probes, idle stop and draining.
 */
@NullMarked
package io.gpufleet.scheduler;

import org.jspecify.annotations.NullMarked;
