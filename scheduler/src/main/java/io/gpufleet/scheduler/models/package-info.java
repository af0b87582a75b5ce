/**
 * Model files on servers: what each server holds ({@link
 * io.gpufleet.scheduler.models.ModelInventory}), downloads by URL over SSH with progress, limits
 * and a URL policy against server-side request forgery ({@link
 * io.gpufleet.scheduler.models.ModelUrlPolicy}).
 */
@NullMarked
package io.gpufleet.scheduler.models;

import org.jspecify.annotations.NullMarked;
