package io.gpufleet.api.dispatch;

import io.gpufleet.api.events.GenerationEvent;
import io.gpufleet.api.events.GenerationEventBus;
import io.gpufleet.api.results.OutputsStored;
import io.gpufleet.api.results.ResultSpool;
import io.gpufleet.api.results.StoredOutput;
import io.gpufleet.api.routing.ServerSpeeds;
import io.gpufleet.comfy.ComfyClient;
import io.gpufleet.comfy.ComfyEvent;
import io.gpufleet.comfy.ComfyException;
import io.gpufleet.comfy.HistoryEntry;
import io.gpufleet.comfy.OutputFile;
import io.gpufleet.comfy.QueueItem;
import io.gpufleet.comfy.QueueState;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.generations.GenerationStatus;
import io.gpufleet.persistence.servers.HealthState;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.comfy.ComfyClients;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Ends attempts: reads a finished prompt's history, copies its outputs into the result store and
 * completes the generation; turns ComfyUI errors and lost servers into a retry or a failure.
 */
@Component
class RunOutcomes {

  private static final Logger log = LoggerFactory.getLogger(RunOutcomes.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final GenerationRepository generations;
  private final ServerRepository servers;
  private final ComfyClients clients;
  private final GenerationTransitions transitions;
  private final ResultSpool spool;
  private final GenerationEventBus bus;
  private final ServerSpeeds speeds;
  private final ApplicationEventPublisher events;

  /**
   * Generations whose outputs this replica is copying now. A finished prompt is noticed by its
   * socket's events and by the monitor at once; two copies of one output into the same spool file
   * at the same time could interleave, and each would upload (and retry) it again.
   */
  private final Set<UUID> settling = ConcurrentHashMap.newKeySet();

  private final ExecutorService workers =
      Executors.newFixedThreadPool(
          4,
          r -> {
            Thread t = new Thread(r, "generation-outcomes");
            t.setDaemon(true);
            return t;
          });

  RunOutcomes(
      GenerationRepository generations,
      ServerRepository servers,
      ComfyClients clients,
      GenerationTransitions transitions,
      ResultSpool spool,
      GenerationEventBus bus,
      ServerSpeeds speeds,
      ApplicationEventPublisher events) {
    this.speeds = speeds;
    this.events = events;
    this.generations = generations;
    this.servers = servers;
    this.clients = clients;
    this.transitions = transitions;
    this.spool = spool;
    this.bus = bus;
  }

  /**
   * The checks of running generations, apart from {@link #workers}: a server that does not answer
   * holds these for its read timeout, while settling finished runs (the workers) goes on.
   */
  private final ExecutorService checks =
      Executors.newFixedThreadPool(
          4,
          r -> {
            Thread t = new Thread(r, "generation-checks");
            t.setDaemon(true);
            return t;
          });

  /**
   * Generations whose check is queued or running, and whether it was asked for again meanwhile: one
   * check at a time per generation, so two never settle (and spool) the same run at once.
   */
  private final Map<UUID, Boolean> checking = new ConcurrentHashMap<>();

  /**
   * The monitor's {@link #check}, off the dispatcher's thread: a hung server would otherwise hold
   * it (and with it dispatch to every other server) for as long as each call waits for its read
   * timeout.
   */
  void checkLater(Generation g) {
    request(g.getId(), checks);
  }

  /** A run ended (its server said so): settle it now. */
  void settleLater(UUID generation) {
    request(generation, workers);
  }

  /** A server's socket dropped or came back: look at every run submitted there. */
  void checkServerLater(UUID serverId) {
    workers.execute(
        () ->
            guarded(
                () ->
                    generations.findByStatus(GenerationStatus.RUNNING).stream()
                        .filter(
                            g ->
                                serverId.equals(g.getAttempt().serverId())
                                    && g.getAttempt().submitted())
                        .forEach(g -> request(g.getId(), workers))));
  }

  /** Queues a check of the generation, or marks the one queued or running to go again. */
  private void request(UUID id, ExecutorService pool) {
    while (true) {
      Boolean asked = checking.putIfAbsent(id, Boolean.FALSE);
      if (asked == null) {
        try {
          pool.execute(() -> drain(id));
        } catch (RejectedExecutionException e) {
          checking.remove(id); // shutting down
        }
        return;
      }
      if (checking.replace(id, asked, Boolean.TRUE)) {
        return;
      }
      // its check ended between the two reads: ask again
    }
  }

  private void drain(UUID id) {
    do {
      checking.replace(id, Boolean.FALSE);
      guarded(() -> generations.findById(id).ifPresent(this::check));
    } while (!checking.remove(id, Boolean.FALSE));
  }

  void executionError(UUID generation, UUID prompt, UUID serverId, ComfyEvent.ExecutionError e) {
    Long vram = servers.findById(serverId).map(s -> s.getLease().vramMb()).orElse(null);
    boolean oom = e.outOfMemory();
    end(
        generation,
        transitions.failed(
            generation,
            prompt,
            new Generation.Failure(
                e.nodeId(), e.nodeType(), e.exceptionType(), e.exceptionMessage()),
            oom,
            oom ? serverId : null,
            oom && vram != null ? vram + 1 : null));
  }

  /**
   * Looks at a running, submitted attempt on its server: finished (settle it), still queued or
   * running there (nothing to do), or gone with the server (lost).
   */
  void check(Generation g) {
    UUID prompt = g.getAttempt().promptId();
    UUID serverId = g.getAttempt().serverId();
    if (g.getStatus() != GenerationStatus.RUNNING || prompt == null || serverId == null) {
      return;
    }
    if (g.getOutputsPending() > 0) {
      return; // the run is over; its outputs wait in a spool for the store
    }
    Server server = servers.findById(serverId).orElse(null);
    if (server == null
        || server.getStatus() != ServerStatus.RUNNING
        || server.getHealth().state() == HealthState.UNREACHABLE
        || server.getAddresses().comfyUrl() == null) {
      lost(g, prompt, serverId, "the server stopped answering");
      return;
    }
    ComfyClient client = clients.forServer(server);
    try {
      // the queue first: a prompt that finishes between the two reads is then in the history
      QueueState queue = client.queue();
      boolean queued =
          Stream.concat(queue.running().stream(), queue.pending().stream())
              .map(QueueItem::promptId)
              .anyMatch(prompt.toString()::equalsIgnoreCase);
      if (queued) {
        return;
      }
      Optional<HistoryEntry> entry = client.history(prompt.toString());
      if (entry.isEmpty()) {
        lost(g, prompt, serverId, "the prompt vanished from the server (restarted?)");
      } else if (entry.get().succeeded()) {
        completeOnce(g.getId(), prompt, client, entry.get());
      } else if (entry.get().completed() || "error".equals(entry.get().statusStr())) {
        failFromHistory(g, prompt, serverId, entry.get());
      }
    } catch (ComfyException e) {
      log.info(
          "Could not check generation {} on {}: {}", g.getId(), server.getName(), e.getMessage());
    }
  }

  /** Copies the outputs once: not while another thread does, nor after it did. */
  private void completeOnce(UUID id, UUID prompt, ComfyClient client, HistoryEntry entry) {
    if (!settling.add(id)) {
      return;
    }
    try {
      // read again under the guard: the caller's copy may predate another thread's settling
      generations
          .findById(id)
          .filter(
              g ->
                  g.getStatus() == GenerationStatus.RUNNING
                      && g.getOutputsPending() == 0
                      && prompt.equals(g.getAttempt().promptId()))
          .ifPresent(g -> complete(g, prompt, client, entry));
    } finally {
      settling.remove(id);
    }
  }

  private void complete(Generation g, UUID prompt, ComfyClient client, HistoryEntry entry) {
    List<OutputFile> files = entry.allImages();
    boolean anySaved = files.stream().anyMatch(f -> "output".equals(f.type()));
    List<StoredOutput> spooled = new ArrayList<>();
    // by node, so that ComfyUI clients of /comfy see each output under the node that made it;
    // each file streams into the spool, and from there to the store
    for (Map.Entry<String, List<OutputFile>> node : entry.images().entrySet()) {
      for (OutputFile file : node.getValue()) {
        if (anySaved && !"output".equals(file.type())) {
          continue;
        }
        spooled.add(
            spool.take(
                g.getId(),
                spooled.size(),
                node.getKey(),
                file.filename(),
                target -> client.download(file, target)));
      }
    }
    UUID server = g.getAttempt().serverId();
    if (server != null) {
      events.publishEvent(new SlotFreed(g.getId()));
      RunSpeed.of(g, entry).ifPresent(rate -> speeds.record(server, rate));
    }
    ResultSpool.Outcome outcome = spool.store(g.getId(), prompt, spooled);
    transitions.activity(server);
    if (!outcome.stored()) {
      transitions.spooled(
          g.getId(), prompt, JSON.writeValueAsString(outcome.outputs()), outcome.pending());
      return;
    }
    completed(g.getId(), prompt, outcome.outputs());
  }

  /** The spool's retries stored the last output of an attempt: its generation completes. */
  @EventListener
  void outputsStored(OutputsStored stored) {
    completed(stored.generation(), stored.prompt(), stored.outputs());
  }

  private void completed(UUID generation, UUID prompt, List<StoredOutput> outputs) {
    if (transitions.complete(generation, prompt, JSON.writeValueAsString(outputs))) {
      bus.publish(GenerationEvent.status(generation, "COMPLETED"));
    }
  }

  private void failFromHistory(Generation g, UUID prompt, UUID serverId, HistoryEntry entry) {
    JsonNode error = null;
    boolean interrupted = false;
    for (HistoryEntry.Message m : entry.messages()) {
      if ("execution_error".equals(m.type())) {
        error = m.data();
      } else if ("execution_interrupted".equals(m.type())) {
        interrupted = true;
      }
    }
    Generation.Failure failure =
        error != null
            ? new Generation.Failure(
                error.path("node_id").asString(null),
                error.path("node_type").asString(null),
                error.path("exception_type").asString("ExecutionError"),
                error.path("exception_message").asString("ComfyUI reported an error"))
            : new Generation.Failure(
                null,
                null,
                interrupted ? "Interrupted" : "ExecutionError",
                interrupted
                    ? "The run was interrupted on the server"
                    : "ComfyUI reported an error");
    boolean oom = failure.type().contains("OutOfMemoryError");
    end(
        g.getId(),
        transitions.failed(g.getId(), prompt, failure, oom, oom ? serverId : null, null));
  }

  void lost(Generation g, UUID prompt, UUID serverId, String why) {
    if (g.getOutputsPending() > 0) {
      return; // it ended on its server; only the store is missing
    }
    end(
        g.getId(),
        transitions.failed(
            g.getId(),
            prompt,
            new Generation.Failure(null, null, "ServerLost", "Lost mid-run: " + why),
            true,
            serverId,
            null));
  }

  private void end(UUID generation, Optional<GenerationStatus> status) {
    generations
        .findById(generation)
        .ifPresent(g -> transitions.activity(g.getAttempt().serverId()));
    if (status.isPresent()) {
      events.publishEvent(new SlotFreed(generation));
    }
    status.ifPresent(s -> bus.publish(GenerationEvent.status(generation, s.name())));
  }

  private static void guarded(Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      log.warn("Settling a generation failed: {}", e.toString());
    }
  }

  @PreDestroy
  void stop() {
    checks.shutdownNow();
    workers.shutdownNow();
  }
}
