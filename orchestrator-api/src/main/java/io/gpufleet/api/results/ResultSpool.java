package io.gpufleet.api.results;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Outputs come off their server into this replica's spool ({@code <data>/spool/<generation>/}),
 * then go to the result store. When the store cannot take them they stay in the spool, with a
 * manifest naming the attempt, and are uploaded again with a doubling backoff (also after a
 * restart) until the store takes them; then {@link OutputsStored} is published and the generation
 * completes. Nothing is deleted from the spool before the store has it.
 */
@Component
public class ResultSpool implements MeterBinder {

  static final String SPOOL = "spool";
  private static final String MANIFEST = "manifest.json";
  private static final Logger log = LoggerFactory.getLogger(ResultSpool.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final ResultStores stores;
  private final ResultProperties settings;
  private final ApplicationEventPublisher events;

  /** Spooled outputs by generation: what the gauge shows. */
  private final Map<UUID, Integer> waiting = new ConcurrentHashMap<>();

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "result-spool");
            t.setDaemon(true);
            return t;
          });

  ResultSpool(ResultStores stores, ResultProperties settings, ApplicationEventPublisher events) {
    this.stores = stores;
    this.settings = settings;
    this.events = events;
  }

  /** What an attempt's manifest records: its prompt and its outputs as they are now. */
  record Manifest(UUID generation, UUID prompt, List<StoredOutput> outputs) {}

  /** The outputs as recorded, and how many of them still wait in the spool. */
  public record Outcome(List<StoredOutput> outputs, int pending) {
    public boolean stored() {
      return pending == 0;
    }
  }

  /** Streams a file into a place; the answer is its content type. */
  @FunctionalInterface
  public interface Fetch {
    String into(Path target);
  }

  /**
   * Takes output {@code index} off its server into the generation's spool folder, named {@code
   * <index>.<ext>} after its content type (or, when the server said only octet-stream, after the
   * name the node gave it).
   */
  public StoredOutput take(
      UUID generation, int index, @Nullable String nodeId, String sourceName, Fetch fetch) {
    try {
      Path dir = Files.createDirectories(folder(generation));
      Path part = dir.resolve(index + ".part");
      String type = MediaTypes.normalize(fetch.into(part), sourceName);
      String name = index + "." + ResultStore.extension(type);
      Files.move(part, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      return new StoredOutput(index, name, type, nodeId, Files.size(dir.resolve(name)), SPOOL);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Stores the spooled outputs of an attempt. Those the store took leave the spool; if any stay,
   * the manifest records the attempt and they are retried until stored.
   */
  public Outcome store(UUID generation, UUID prompt, List<StoredOutput> spooled) {
    List<StoredOutput> outputs = upload(generation, spooled);
    int pending = (int) outputs.stream().filter(StoredOutput::spooled).count();
    if (pending == 0) {
      clear(generation);
    } else {
      writeManifest(new Manifest(generation, prompt, outputs));
      waiting.put(generation, pending);
      log.warn(
          "The result store did not take {} output(s) of generation {}; they wait in the spool",
          pending,
          generation);
      schedule(generation, settings.retryInitial());
    }
    return new Outcome(outputs, pending);
  }

  /** Spooled outputs on this replica. */
  public int pendingOutputs() {
    return waiting.values().stream().mapToInt(Integer::intValue).sum();
  }

  private List<StoredOutput> upload(UUID generation, List<StoredOutput> outputs) {
    ResultStore store = stores.primary();
    List<StoredOutput> after = new ArrayList<>();
    for (StoredOutput o : outputs) {
      if (!o.spooled()) {
        after.add(o);
        continue;
      }
      Path file = stores.spool().path(generation, o.file());
      try {
        ResultStore.Stored stored = store.put(generation, o.file(), file, o.contentType());
        after.add(o.in(store.kind(), stored.size()));
        Files.deleteIfExists(file);
      } catch (ResultStore.StoreUnavailable e) {
        log.debug("Output {} of {} stays in the spool: {}", o.index(), generation, e.getMessage());
        after.add(o);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return after;
  }

  private void retry(UUID generation, Duration waited) {
    Manifest manifest = readManifest(generation);
    if (manifest == null) {
      waiting.remove(generation);
      return;
    }
    List<StoredOutput> outputs = upload(generation, manifest.outputs());
    int pending = (int) outputs.stream().filter(StoredOutput::spooled).count();
    if (pending > 0) {
      writeManifest(new Manifest(generation, manifest.prompt(), outputs));
      waiting.put(generation, pending);
      Duration next = waited.multipliedBy(2);
      schedule(generation, next.compareTo(settings.retryMax()) > 0 ? settings.retryMax() : next);
      return;
    }
    log.info("The spooled outputs of generation {} are stored", generation);
    try {
      events.publishEvent(new OutputsStored(generation, manifest.prompt(), outputs));
    } finally {
      clear(generation);
    }
  }

  private void schedule(UUID generation, Duration after) {
    if (timer.isShutdown()) {
      return;
    }
    timer.schedule(
        () -> {
          try {
            retry(generation, after);
          } catch (RuntimeException e) {
            log.warn("Uploading the spool of {} failed: {}", generation, e.toString());
            schedule(generation, settings.retryMax());
          }
        },
        after.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** After a restart: every manifest left in the spool is retried. */
  @EventListener(ApplicationReadyEvent.class)
  void resume() {
    Path root = stores.spool().root();
    if (!Files.isDirectory(root)) {
      return;
    }
    try (var dirs = Files.list(root)) {
      dirs.filter(d -> Files.isRegularFile(d.resolve(MANIFEST)))
          .forEach(
              d -> {
                UUID generation = UUID.fromString(d.getFileName().toString());
                Manifest m = readManifest(generation);
                if (m != null) {
                  waiting.put(
                      generation, (int) m.outputs().stream().filter(StoredOutput::spooled).count());
                  schedule(generation, settings.retryInitial());
                }
              });
    } catch (IOException | IllegalArgumentException e) {
      log.warn("Could not read the spool at {}: {}", root, e.toString());
    }
  }

  private Path folder(UUID generation) {
    return stores.spool().root().resolve(generation.toString());
  }

  private void writeManifest(Manifest manifest) {
    try {
      Path dir = Files.createDirectories(folder(manifest.generation()));
      Path tmp = Files.createTempFile(dir, "manifest", ".tmp");
      Files.writeString(tmp, JSON.writeValueAsString(manifest));
      Files.move(
          tmp,
          dir.resolve(MANIFEST),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private @Nullable Manifest readManifest(UUID generation) {
    Path file = folder(generation).resolve(MANIFEST);
    try {
      return Files.exists(file) ? JSON.readValue(file.toFile(), Manifest.class) : null;
    } catch (RuntimeException e) {
      log.warn("Unreadable spool manifest {}: {}", file, e.toString());
      return null;
    }
  }

  /** The attempt's spool folder goes once everything in it is stored. */
  private void clear(UUID generation) {
    waiting.remove(generation);
    Path dir = folder(generation);
    try {
      if (Files.isDirectory(dir)) {
        try (var files = Files.list(dir)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            Files.deleteIfExists(f);
          }
        }
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      log.warn("Could not clear the spool of {}: {}", generation, e.toString());
    }
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("gpufleet.results.pending", this, ResultSpool::pendingOutputs)
        .description("Outputs waiting in this replica's spool for the result store")
        .register(registry);
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
  }
}
