package io.gpufleet.simulator.ollama;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The models on disk and the ones loaded in memory, each loaded one with its expiry. */
final class ModelStore {

  /** A model in memory until {@code expiresAt} ({@link Instant#MAX}: until told otherwise). */
  record Loaded(OllamaModelSpec model, Instant expiresAt) {}

  private final Map<String, OllamaModelSpec> installed = new LinkedHashMap<>();
  private final Map<String, Loaded> loaded = new LinkedHashMap<>();
  private final Map<String, Instant> modifiedAt = new LinkedHashMap<>();
  private final Clock clock;

  ModelStore(List<OllamaModelSpec> models, Clock clock) {
    this.clock = clock;
    Instant now = clock.instant();
    for (OllamaModelSpec model : models) {
      installed.put(model.name(), model);
      modifiedAt.put(model.name(), now);
    }
  }

  synchronized Optional<OllamaModelSpec> find(String name) {
    return Optional.ofNullable(installed.get(OllamaModelSpec.withTag(name)));
  }

  synchronized List<OllamaModelSpec> installed() {
    return List.copyOf(installed.values());
  }

  synchronized Instant modifiedAt(String name) {
    return modifiedAt.getOrDefault(name, clock.instant());
  }

  synchronized void add(OllamaModelSpec model) {
    installed.put(model.name(), model);
    modifiedAt.put(model.name(), clock.instant());
  }

  synchronized boolean remove(String name) {
    String tagged = OllamaModelSpec.withTag(name);
    loaded.remove(tagged);
    modifiedAt.remove(tagged);
    return installed.remove(tagged) != null;
  }

  /** Whether the model is in memory now (expired ones are forgotten first). */
  synchronized boolean isLoaded(String name) {
    expire();
    return loaded.containsKey(name);
  }

  /**
   * Loads (or keeps loaded) the model for {@code keepAlive} from now; negative means forever, zero
   * unloads it.
   */
  synchronized void keep(OllamaModelSpec model, Duration keepAlive) {
    if (keepAlive.isZero()) {
      loaded.remove(model.name());
      return;
    }
    Instant until = keepAlive.isNegative() ? Instant.MAX : clock.instant().plus(keepAlive);
    loaded.put(model.name(), new Loaded(model, until));
  }

  synchronized List<Loaded> loaded() {
    expire();
    return new ArrayList<>(loaded.values());
  }

  synchronized void unloadAll() {
    loaded.clear();
  }

  private void expire() {
    Instant now = clock.instant();
    loaded.values().removeIf(l -> !l.expiresAt().isAfter(now));
  }
}
