package io.gpufleet.api.providers;

import io.gpufleet.api.providers.ProfileViews.SyncResult;
import io.gpufleet.api.providers.ProfileViews.TestResult;
import io.gpufleet.persistence.providers.ProfileModel;
import io.gpufleet.persistence.providers.ProfileModelRepository;
import io.gpufleet.persistence.providers.ProviderProfile;
import io.gpufleet.persistence.providers.ProviderProfileRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Asks a provider what it is and offers: a connection test (latency, version, models) and a sync of
 * a profile's models with that list. No transaction is held while the provider answers.
 */
@Service
public class ProfileChecks {

  private static final Logger log = LoggerFactory.getLogger(ProfileChecks.class);

  private final ProviderProfileRepository profiles;
  private final ProfileModelRepository models;
  private final ProfileService service;
  private final ProviderConnections connections;
  private final TransactionTemplate transaction;
  private final Clock clock;

  ProfileChecks(
      ProviderProfileRepository profiles,
      ProfileModelRepository models,
      ProfileService service,
      ProviderConnections connections,
      TransactionTemplate transaction,
      Clock clock) {
    this.profiles = profiles;
    this.models = models;
    this.service = service;
    this.connections = connections;
    this.transaction = transaction;
    this.clock = clock;
  }

  /** Tests a saved profile and keeps the outcome on it. */
  public TestResult test(UUID id) {
    ProviderProfile profile = service.get(id);
    TestResult result = probe(connections.of(profile), connections.apiKey(profile));
    transaction.executeWithoutResult(
        status ->
            profiles
                .findById(id)
                .ifPresent(
                    p -> {
                      p.tested(result.connected(), result.error(), Instant.now(clock));
                      profiles.save(p);
                    }));
    return result;
  }

  /** Tests settings that are not saved. */
  TestResult test(ConnectionSpec spec) {
    return probe(connections.open(spec), spec.apiKey());
  }

  /**
   * Adds the models the provider offers that the profile lacks, and removes those a previous sync
   * found that the provider no longer offers (models an admin added or priced stay).
   */
  public SyncResult sync(UUID id) {
    ProviderProfile profile = service.get(id);
    ProviderConnection.Catalog catalog;
    try {
      catalog = connections.of(profile).catalog();
    } catch (RuntimeException e) {
      throw ProviderErrors.translate(e, profile.getProvider(), connections.apiKey(profile));
    }
    return transaction.execute(
        status -> {
          Map<String, ProfileModel> existing = new HashMap<>();
          models.findByProfileIdOrderByModel(id).forEach(m -> existing.put(m.getModel(), m));
          int added = 0;
          for (ProviderConnection.OfferedModel offered : catalog.models()) {
            if (existing.remove(offered.name()) == null) {
              ProfileModel model = new ProfileModel(id, offered.name(), true, Instant.now(clock));
              model.describe(null, offered.vision());
              models.save(model);
              added++;
            }
          }
          int removed = 0;
          for (ProfileModel stale : existing.values()) {
            if (stale.isSynced()) {
              models.delete(stale);
              removed++;
            }
          }
          List<String> names =
              models.findByProfileIdOrderByModel(id).stream().map(ProfileModel::getModel).toList();
          return new SyncResult(added, removed, names);
        });
  }

  /** The models an Ollama profile has in memory now ({@code /api/ps}). */
  public List<OllamaManagement.LoadedModel> loaded(UUID id) {
    ProviderProfile profile = service.get(id);
    try {
      return ollama(profile).loaded();
    } catch (RuntimeException e) {
      throw ProviderErrors.translate(e, profile.getProvider(), null);
    }
  }

  /** Loads a model into an Ollama profile's memory for {@code keepAlive}, or unloads it ("0"). */
  public void keepAlive(UUID id, String model, String keepAlive) {
    ProviderProfile profile = service.get(id);
    try {
      ollama(profile).keepAlive(model, keepAlive);
    } catch (RuntimeException e) {
      throw ProviderErrors.translate(e, profile.getProvider(), null);
    }
  }

  private OllamaManagement ollama(ProviderProfile profile) {
    if (connections.of(profile) instanceof OllamaConnection ollama) {
      return ollama.management();
    }
    throw new ProviderProblem(
        org.springframework.http.HttpStatus.CONFLICT,
        ProviderProblem.PROVIDER_UNSUPPORTED,
        "Loading and unloading models is for ollama profiles");
  }

  private TestResult probe(ProviderConnection connection, @Nullable String secret) {
    long started = System.nanoTime();
    try {
      ProviderConnection.Catalog catalog = connection.catalog();
      long latency = Duration.ofNanos(System.nanoTime() - started).toMillis();
      return new TestResult(
          true,
          latency,
          catalog.version(),
          catalog.models().stream().map(ProviderConnection.OfferedModel::name).toList(),
          null,
          null);
    } catch (RuntimeException e) {
      long latency = Duration.ofNanos(System.nanoTime() - started).toMillis();
      ProviderProblem problem = ProviderErrors.translate(e, connection.provider(), secret);
      log.info(
          "Connection test of {} failed: {}", connection.provider().id(), problem.getMessage());
      return new TestResult(false, latency, null, List.of(), problem.code(), problem.getMessage());
    }
  }
}
