/**
 * Chat with a language model through a provider profile: one answer as JSON, or tokens as they come
 * over SSE; rate limited per user like generations, with the tokens and their cost recorded.
 */
@ApplicationModule(allowedDependencies = {"fleet", "providers", "ratelimits", "system", "users"})
@NullMarked
package io.gpufleet.api.chat;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
