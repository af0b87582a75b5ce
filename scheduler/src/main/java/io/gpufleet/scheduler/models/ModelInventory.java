package io.gpufleet.scheduler.models;

import io.gpufleet.comfy.ComfyClient;
import io.gpufleet.persistence.models.ServerModel;
import io.gpufleet.persistence.models.ServerModelRepository;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.setup.ExecutionStatus;
import io.gpufleet.scheduler.comfy.ComfyClients;
import io.gpufleet.scheduler.servers.ServerNotFoundException;
import io.gpufleet.scheduler.setup.ExecutionEvents.ExecutionFinished;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Which server holds which model file. A refresh reads a server's ComfyUI (what it will load) and
 * its disk over SSH (with sizes), stores the result in {@code server_models} and publishes {@link
 * ModelInventoryChanged}. Reads ({@link #models}, {@link #has}) come from a per-process cache of
 * that table, trusted for {@link ModelSettings#inventoryMaxAge()}, so routing never waits on a
 * server.
 */
@Component
public class ModelInventory {

  private static final Logger log = LoggerFactory.getLogger(ModelInventory.class);
  static final String LIST_SCRIPT =
      "find \"${COMFY_DIR:-/workspace/ComfyUI}/models\" -mindepth 2 -maxdepth 2 -type f"
          + " -printf '%s %P\\n' 2>/dev/null\ntrue\n";

  private final ServerRepository servers;
  private final ServerModelRepository rows;
  private final ComfyClients comfy;
  private final ServerShell shell;
  private final ModelSettings settings;
  private final ApplicationEventPublisher events;
  private final Executor executor;
  private final Clock clock;
  private final TransactionTemplate ownTransaction;
  private final Map<UUID, Cached> cache = new ConcurrentHashMap<>();

  ModelInventory(
      ServerRepository servers,
      ServerModelRepository rows,
      ComfyClients comfy,
      ServerShell shell,
      ModelSettings settings,
      ApplicationEventPublisher events,
      @Qualifier("modelDownloadExecutor") Executor executor,
      Clock clock,
      PlatformTransactionManager transactions) {
    this.servers = servers;
    this.rows = rows;
    this.comfy = comfy;
    this.shell = shell;
    this.settings = settings;
    this.events = events;
    this.executor = executor;
    this.clock = clock;
    this.ownTransaction = new TransactionTemplate(transactions);
    ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  private record Cached(Instant loadedAt, Map<String, Set<String>> byFolder) {}

  /** The model files of {@code folder} the server was last seen to hold (empty if unknown). */
  public Set<String> models(UUID serverId, String folder) {
    return cached(serverId).byFolder().getOrDefault(folder, Set.of());
  }

  /** Whether the server was last seen to hold {@code folder/name}. */
  public boolean has(UUID serverId, String folder, String name) {
    return models(serverId, folder).contains(name);
  }

  /** The whole fleet's cached inventory, by folder and name. */
  public List<ServerModel> fleet() {
    return rows.findAllByOrderByFolderAscNameAsc();
  }

  /** What the server was last seen to hold, with sizes, from the cache table. */
  public ServerModels cachedListing(UUID serverId) {
    List<ServerModel> found = rows.findByServerId(serverId);
    Map<String, List<ServerModels.ModelFile>> folders = new TreeMap<>();
    Instant seen = Instant.EPOCH;
    for (ServerModel row : found) {
      folders
          .computeIfAbsent(row.getFolder(), f -> new ArrayList<>())
          .add(new ServerModels.ModelFile(row.getName(), row.getSizeBytes()));
      seen = row.getSeenAt().isAfter(seen) ? row.getSeenAt() : seen;
    }
    folders.values().forEach(l -> l.sort((a, b) -> a.name().compareTo(b.name())));
    return new ServerModels(serverId, seen, folders);
  }

  /**
   * Reads the server's models now, from its ComfyUI and its disk, and stores them.
   *
   * @throws ModelDownloadException if the server is not running
   */
  public ServerModels refresh(UUID serverId) throws InterruptedException {
    Server server =
        servers.findById(serverId).orElseThrow(() -> new ServerNotFoundException(serverId));
    if (!ServerShell.reachable(server)) {
      throw new ModelDownloadException(
          ModelDownloadException.Kind.SERVER_NOT_RUNNING,
          "Server "
              + server.getName()
              + " is "
              + server.getStatus()
              + "; its models cannot be read");
    }
    Map<String, Map<String, @Nullable Long>> found = new TreeMap<>();
    settings.folders().forEach(f -> found.put(f, new TreeMap<>()));
    boolean comfyAnswered = false;
    if (server.getAddresses().comfyUrl() != null) {
      try {
        ComfyClient client = comfy.forServer(server);
        for (String folder : settings.folders()) {
          for (String name : client.models(folder)) {
            found.get(folder).put(name, null);
          }
        }
        comfyAnswered = true;
      } catch (RuntimeException e) {
        log.info("ComfyUI of {} did not list its models: {}", server.getName(), e.getMessage());
      }
    }
    try {
      for (String line : shell.run(server, LIST_SCRIPT, Map.of())) {
        int space = line.indexOf(' ');
        int slash = line.indexOf('/', space + 1);
        if (space < 1 || slash < 0) {
          continue;
        }
        String folder = line.substring(space + 1, slash);
        String name = line.substring(slash + 1);
        if (!found.containsKey(folder) || name.endsWith(".part") || name.startsWith(".")) {
          continue;
        }
        try {
          found.get(folder).put(name, Long.parseLong(line.substring(0, space)));
        } catch (NumberFormatException e) {
          // not a line of find's; skip it
        }
      }
    } catch (RuntimeException e) {
      if (!comfyAnswered) {
        throw e;
      }
      log.info(
          "Could not list the model files of {} over SSH: {}", server.getName(), e.getMessage());
    }
    Instant now = Instant.now(clock);
    ownTransaction.executeWithoutResult(
        status -> {
          rows.deleteByServer(serverId);
          found.forEach(
              (folder, files) ->
                  files.forEach((name, size) -> rows.upsert(serverId, folder, name, size, now)));
        });
    cache.put(serverId, new Cached(now, toSets(found)));
    events.publishEvent(new ModelInventoryChanged(serverId));
    Map<String, List<ServerModels.ModelFile>> listing = new TreeMap<>();
    found.forEach(
        (folder, files) ->
            listing.put(
                folder,
                files.entrySet().stream()
                    .map(e -> new ServerModels.ModelFile(e.getKey(), e.getValue()))
                    .toList()));
    return new ServerModels(serverId, now, listing);
  }

  /** Refreshes in the background; failures are logged. */
  void refreshLater(UUID serverId) {
    executor.execute(
        () -> {
          try {
            refresh(serverId);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (RuntimeException e) {
            log.info("Could not refresh the models of server {}: {}", serverId, e.getMessage());
          }
        });
  }

  /** A setup run may have installed or removed models. */
  @EventListener
  void onSetupFinished(ExecutionFinished finished) {
    if (finished.status() == ExecutionStatus.SUCCEEDED) {
      refreshLater(finished.serverId());
    }
  }

  private Cached cached(UUID serverId) {
    Cached current = cache.get(serverId);
    Instant now = Instant.now(clock);
    if (current != null && !current.loadedAt().plus(settings.inventoryMaxAge()).isBefore(now)) {
      return current;
    }
    Map<String, Set<String>> byFolder =
        rows.findByServerId(serverId).stream()
            .collect(
                Collectors.groupingBy(
                    ServerModel::getFolder,
                    Collectors.mapping(ServerModel::getName, Collectors.toUnmodifiableSet())));
    Cached loaded = new Cached(now, Map.copyOf(byFolder));
    cache.put(serverId, loaded);
    return loaded;
  }

  private static Map<String, Set<String>> toSets(Map<String, Map<String, @Nullable Long>> found) {
    Map<String, Set<String>> sets = new TreeMap<>();
    found.forEach((folder, files) -> sets.put(folder, Set.copyOf(files.keySet())));
    return Map.copyOf(sets);
  }
}
