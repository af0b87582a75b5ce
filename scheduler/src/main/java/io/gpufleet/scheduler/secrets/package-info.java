/**
 * Secrets at rest: {@link io.gpufleet.scheduler.secrets.SecretBox} encrypts them with the master
 * key, which comes from the environment or, failing that, from a file made once.
 */
@NullMarked
package io.gpufleet.scheduler.secrets;

import org.jspecify.annotations.NullMarked;
