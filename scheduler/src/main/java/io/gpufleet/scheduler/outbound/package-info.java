/**
 * The one policy for every call the platform makes to an address a user gave: webhooks, registered
 * servers (connection test, registration, every later call), model downloads. Denied address
 * ranges, scheme and port rules, an allowlist per use from configuration, the address checked being
 * the address connected to (DNS rebinding), and every redirect checked again ({@link
 * io.gpufleet.scheduler.outbound.OutboundPolicy}).
 */
@NullMarked
package io.gpufleet.scheduler.outbound;

import org.jspecify.annotations.NullMarked;
