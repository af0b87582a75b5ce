/** Health probes of every running server, and a circuit breaker per server. */
@NullMarked
package io.gpufleet.scheduler.health;

import org.jspecify.annotations.NullMarked;
