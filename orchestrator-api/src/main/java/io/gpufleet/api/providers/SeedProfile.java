package io.gpufleet.api.providers;

import io.gpufleet.persistence.providers.ProviderKind;

/**
 * A profile the platform keeps in place at start (the sandbox's Ollama): created if missing, its
 * endpoint brought up to date otherwise (the sandbox's port changes between starts), its models
 * synced.
 */
public record SeedProfile(
    String name, ProviderKind provider, String endpoint, String defaultModel) {}
