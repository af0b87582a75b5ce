/**
 * Provider profiles: admins' named connections to Ollama, OpenAI, Gemini, Claude and ComfyUI, their
 * models and prices, connection tests, and the per-profile clients (built at run time, cached per
 * profile version) that chat uses.
 */
@ApplicationModule(allowedDependencies = {"system"})
@NullMarked
package io.gpufleet.api.providers;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
