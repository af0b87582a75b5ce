/** The GPU Fleet application: REST API, security, rate limits, the generation pipeline. */
@NullMarked
package io.gpufleet.api;

import org.jspecify.annotations.NullMarked;
