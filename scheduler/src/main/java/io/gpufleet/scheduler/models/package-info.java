/**
 * Model files on servers: what each server holds ({@link
 * io.gpufleet.scheduler.models.ModelInventory}), downloads by URL over SSH with progress, limits
 * and the outbound policy of model downloads against server-side request forgery ({@link
 * io.gpufleet.scheduler.outbound.OutboundPolicies#models()}).
 */
@NullMarked
package io.gpufleet.scheduler.models;

import org.jspecify.annotations.NullMarked;
