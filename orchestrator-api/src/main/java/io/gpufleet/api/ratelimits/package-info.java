/** Per-user rate limits in bands (per minute, hour, day) that hold across replicas. */
@NullMarked
package io.gpufleet.api.ratelimits;

import org.jspecify.annotations.NullMarked;
