/**
 * Ollama servers as fleet members: what each has on disk and in memory (probed into {@code
 * server_ollama_models}), the choice of a server for a model ({@link
 * io.gpufleet.api.ollama.OllamaFleet}, which fleet profiles route chat and text tasks through), and
 * the admin calls that list, load, unload and pull a server's models.
 */
@ApplicationModule(allowedDependencies = {"providers", "system"})
@NullMarked
package io.gpufleet.api.ollama;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
