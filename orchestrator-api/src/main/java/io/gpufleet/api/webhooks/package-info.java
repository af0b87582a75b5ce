/**
 * Webhooks: finished generations posted, signed with HMAC-SHA256, to the URL their caller gave.
 * Jobs and attempts live in the database so that any replica sends each once, retried with doubling
 * backoff; callers read their deliveries and their signing secret.
 */
@ApplicationModule(allowedDependencies = {"events", "generations", "system", "users"})
@NullMarked
package io.gpufleet.api.webhooks;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
