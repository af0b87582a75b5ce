package io.gpufleet.api.sandbox;

import io.gpufleet.persistence.servers.Addresses;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerEngine;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.scheduler.registered.StaticProvider;
import io.gpufleet.scheduler.servers.NewRegisteredServer;
import io.gpufleet.scheduler.servers.ServerConflictException;
import io.gpufleet.scheduler.servers.ServerLifecycle;
import io.gpufleet.simulator.ollama.OllamaSimulator;
import java.math.BigDecimal;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The sandbox's Ollama simulator as a server of the fleet ({@value #NAME}, engine Ollama), so that
 * a fleet profile has somewhere to route. Its port changes at every start: a server that exists
 * already is pointed at this process's simulator (in a sandbox whose database several processes
 * share, the last one started serves the fleet's Ollama calls). Runs before the seed profiles.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class SandboxOllamaServer implements ApplicationRunner {

  static final String NAME = "sandbox-ollama";

  private static final Logger log = LoggerFactory.getLogger(SandboxOllamaServer.class);

  private final OllamaSimulator ollama;
  private final ServerRepository servers;
  private final ServerLifecycle lifecycle;
  private final TransactionTemplate transaction;
  private final Clock clock;

  SandboxOllamaServer(
      OllamaSimulator ollama,
      ServerRepository servers,
      ServerLifecycle lifecycle,
      TransactionTemplate transaction,
      Clock clock) {
    this.ollama = ollama;
    this.servers = servers;
    this.lifecycle = lifecycle;
    this.transaction = transaction;
    this.clock = clock;
  }

  @Override
  public void run(ApplicationArguments args) {
    try {
      registerOrRepoint();
    } catch (RuntimeException e) {
      // a convenience of the sandbox: failing it must not take the platform down with it (a
      // runner's exception ends the application); chat through the sandbox's own profile still
      // works
      log.warn("Sandbox: the simulated Ollama is not a fleet server this time: {}", e.toString());
    }
  }

  private void registerOrRepoint() {
    String url = ollama.baseUrl();
    boolean moved =
        Boolean.TRUE.equals(
            transaction.execute(
                status ->
                    servers
                        .findLiveByName(NAME)
                        .map(
                            server -> {
                              if (!url.equals(server.getAddresses().ollamaUrl())) {
                                pointAt(server, url);
                              }
                              return true;
                            })
                        .orElse(false)));
    if (moved) {
      return;
    }
    try {
      lifecycle.register(
          new NewRegisteredServer(
              NAME,
              StaticProvider.NAME,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              BigDecimal.ZERO,
              null,
              ServerEngine.OLLAMA,
              url));
      log.info("Sandbox: the simulated Ollama at {} is the fleet server '{}'", url, NAME);
    } catch (ServerConflictException e) {
      // another replica of the sandbox registered it in the meantime
      log.debug("Sandbox Ollama server not registered: {}", e.getMessage());
    }
  }

  private void pointAt(Server server, String url) {
    if (server.getEngine() != ServerEngine.OLLAMA) {
      log.warn("Sandbox: a server named '{}' exists and does not run Ollama", NAME);
      return;
    }
    // health unknown again: the probes judge the new address
    server.clearEndpoints(clock.instant());
    server.recordEndpoints(new Addresses(null, null, null, null, url), clock.instant());
    log.info("Sandbox: the fleet server '{}' now points at {}", NAME, url);
  }
}
