package io.gpufleet.api.ollama;

import io.gpufleet.api.ollama.OllamaModels.ServerModel;
import io.gpufleet.api.providers.OllamaManagement;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerEngine;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.SchedulerSettings;
import io.gpufleet.scheduler.outbound.OutboundPolicies;
import io.gpufleet.scheduler.outbound.UrlNotAllowedException;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Reads {@code /api/tags} and {@code /api/ps} of every running Ollama server into {@code
 * server_ollama_models}, every probe interval (the health probes' own), so that routing knows which
 * server has a model and which has it loaded. Whether a server is healthy is the health prober's to
 * say; a server that does not answer here keeps what was last seen of it.
 */
@Component
class OllamaProber {

  private static final Logger log = LoggerFactory.getLogger(OllamaProber.class);

  private final ServerRepository servers;
  private final OllamaModels models;
  private final SchedulerSettings settings;
  private final OutboundPolicies outbound;
  private final Clock clock;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "ollama-prober");
            t.setDaemon(true);
            return t;
          });

  OllamaProber(
      ServerRepository servers,
      OllamaModels models,
      SchedulerSettings settings,
      OutboundPolicies outbound,
      Clock clock) {
    this.outbound = outbound;
    this.servers = servers;
    this.models = models;
    this.settings = settings;
    this.clock = clock;
  }

  @EventListener(ApplicationReadyEvent.class)
  void start() {
    long every = settings.probeInterval().toMillis();
    if (every > 0) {
      timer.scheduleWithFixedDelay(this::probeAllGuarded, every, every, TimeUnit.MILLISECONDS);
    }
  }

  private void probeAllGuarded() {
    try {
      probeAll();
    } catch (RuntimeException e) {
      log.warn("Probing the Ollama servers' models failed: {}", e.getMessage());
    }
  }

  void probeAll() {
    for (Server server : servers.findByStatusIn(List.of(ServerStatus.RUNNING))) {
      if (server.getEngine() != ServerEngine.OLLAMA
          || !server.getSetup().done()
          || server.getAddresses().ollamaUrl() == null) {
        continue;
      }
      try {
        probe(server);
      } catch (RuntimeException e) {
        log.debug("Ollama server {} did not tell its models: {}", server.getName(), e.toString());
      }
    }
  }

  /**
   * Reads the server's models now and stores them; the answer is what is stored.
   *
   * @throws RuntimeException as {@link OllamaManagement} throws it when the server does not answer
   */
  List<ServerModel> probe(Server server) {
    OllamaManagement ollama = client(server);
    List<OllamaManagement.LocalModel> tags = ollama.tags();
    List<OllamaManagement.LoadedModel> loaded = ollama.loaded();
    models.replace(server.getId(), tags, loaded, clock.instant());
    return models.of(server.getId());
  }

  /**
   * The client of the server's Ollama; a URL an admin gave is checked against the outbound policy
   * of servers first, at every call, as it was at registration.
   *
   * @throws UrlNotAllowedException if the policy refuses it now
   */
  OllamaManagement client(Server server) {
    String url = Objects.requireNonNull(server.getAddresses().ollamaUrl());
    if (OutboundPolicies.userGiven(server)) {
      outbound.servers().check(url);
    }
    return OllamaManagement.at(url, timeout());
  }

  /** Whether the platform may call the server's Ollama now (see {@link #client}). */
  boolean allowed(Server server) {
    try {
      client(server);
      return true;
    } catch (UrlNotAllowedException e) {
      log.warn("Ollama server {} is not called: {}", server.getName(), e.getMessage());
      return false;
    }
  }

  private Duration timeout() {
    return settings.probeTimeout();
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
  }
}
