/**
 * Power schedules: per server, a wall-clock start and stop time in an IANA timezone on chosen
 * weekdays, kept as a row and as Quartz cron triggers in the clustered JDBC store. {@link
 * io.gpufleet.scheduler.schedules.ScheduleService} is the face; {@link
 * io.gpufleet.scheduler.schedules.ScheduledPowerActions} is what the lifecycle code implements.
 */
@NullMarked
package io.gpufleet.scheduler.schedules;

import org.jspecify.annotations.NullMarked;
