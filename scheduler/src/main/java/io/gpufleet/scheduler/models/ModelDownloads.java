package io.gpufleet.scheduler.models;

import io.gpufleet.persistence.models.DownloadStatus;
import io.gpufleet.persistence.models.ModelDownload;
import io.gpufleet.persistence.models.ModelDownloadRepository;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.servers.ServerNotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Model downloads onto servers: checked ({@link ModelPreflight}), admitted under the limits in one
 * transaction (the server's row lock serializes its concurrent count, the user's row lock their
 * daily bytes), then carried out by a {@link DownloadWorker} on the download executor.
 */
@Service
public class ModelDownloads {

  private static final Pattern FILENAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,199}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  private final ModelDownloadRepository downloads;
  private final ServerRepository servers;
  private final ModelPreflight preflight;
  private final ModelInventory inventory;
  private final DownloadWorker worker;
  private final ModelSettings settings;
  private final Executor executor;
  private final Clock clock;
  private final TransactionTemplate ownTransaction;

  ModelDownloads(
      ModelDownloadRepository downloads,
      ServerRepository servers,
      ModelPreflight preflight,
      ModelInventory inventory,
      DownloadWorker worker,
      ModelSettings settings,
      @Qualifier("modelDownloadExecutor") Executor executor,
      Clock clock,
      PlatformTransactionManager transactions) {
    this.downloads = downloads;
    this.servers = servers;
    this.preflight = preflight;
    this.inventory = inventory;
    this.worker = worker;
    this.settings = settings;
    this.executor = executor;
    this.clock = clock;
    this.ownTransaction = new TransactionTemplate(transactions);
    ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  /** What {@link #ensure} did on each server. */
  public record Ensured(List<ModelDownload> started, List<Skipped> skipped) {}

  /** A server {@link #ensure} started nothing on, and why. */
  public record Skipped(UUID serverId, String reason) {}

  /**
   * Starts downloading a model onto a server; returns the QUEUED download at once.
   *
   * @throws ModelUrlRefusedException if the URL (or a redirect of it) may not be fetched
   * @throws ModelDownloadException if the request is invalid, the server is not running, or a limit
   *     is reached
   */
  public ModelDownload start(UUID serverId, UUID userId, DownloadRequest request) {
    Valid valid = validate(request);
    Server server = running(serverId);
    ModelPreflight.Result checked = preflight.run(request.url());
    String filename = filename(valid, checked);
    return admit(server.getId(), userId, request.url(), valid, filename, checked);
  }

  /**
   * Makes sure a model is on the given servers (all running, set-up servers if null): starts a
   * download on each one that does not have it yet.
   */
  public Ensured ensure(UUID userId, DownloadRequest request, @Nullable List<UUID> serverIds) {
    Valid valid = validate(request);
    List<Server> targets = new ArrayList<>();
    if (serverIds == null) {
      servers.findByStatusIn(List.of(ServerStatus.RUNNING)).stream()
          .filter(s -> s.getSetup().done())
          .filter(ServerShell::reachable)
          .forEach(targets::add);
    } else {
      for (UUID id : serverIds) {
        targets.add(servers.findById(id).orElseThrow(() -> new ServerNotFoundException(id)));
      }
    }
    ModelPreflight.Result checked = preflight.run(request.url());
    String filename = filename(valid, checked);
    List<ModelDownload> started = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    for (Server server : targets) {
      if (!ServerShell.reachable(server)) {
        skipped.add(new Skipped(server.getId(), "the server is " + server.getStatus()));
        continue;
      }
      if (present(server.getId(), valid.folder(), filename)) {
        skipped.add(new Skipped(server.getId(), "it has " + valid.folder() + "/" + filename));
        continue;
      }
      try {
        started.add(admit(server.getId(), userId, request.url(), valid, filename, checked));
      } catch (ModelDownloadException e) {
        skipped.add(new Skipped(server.getId(), e.getMessage()));
      }
    }
    return new Ensured(started, skipped);
  }

  public ModelDownload get(UUID id) {
    return downloads
        .findById(id)
        .orElseThrow(
            () ->
                new ModelDownloadException(
                    ModelDownloadException.Kind.NOT_FOUND, "No model download " + id));
  }

  public List<ModelDownload> forServer(UUID serverId) {
    return downloads.findByServerIdOrderByCreatedAtDesc(serverId);
  }

  /**
   * Cancels a download still active (its partial file is removed); a download that ended is
   * returned as it is.
   */
  public ModelDownload cancel(UUID id) {
    get(id);
    if (downloads.finish(id, DownloadStatus.CANCELLED, null, now(), DownloadStatus.ACTIVE) > 0) {
      // a download run by another replica sees its row ended at its next progress write
      worker.cancelLocal(id);
    }
    return get(id);
  }

  private boolean present(UUID serverId, String folder, String filename) {
    if (inventory.has(serverId, folder, filename)) {
      return true;
    }
    return downloads.findByServerIdOrderByCreatedAtDesc(serverId).stream()
        .anyMatch(
            d ->
                d.getStatus().isActive()
                    && d.getFolder().equals(folder)
                    && d.getFilename().equals(filename));
  }

  private ModelDownload admit(
      UUID serverId,
      UUID userId,
      String url,
      Valid valid,
      String filename,
      ModelPreflight.Result checked) {
    ModelDownload created =
        Objects.requireNonNull(
            ownTransaction.execute(
                status -> {
                  Server server =
                      servers
                          .lockById(serverId)
                          .orElseThrow(() -> new ServerNotFoundException(serverId));
                  if (!ServerShell.reachable(server)) {
                    throw notRunning(server);
                  }
                  long active =
                      downloads.countByServerIdAndStatusIn(serverId, DownloadStatus.ACTIVE);
                  if (active >= settings.maxConcurrentPerServer()) {
                    throw new ModelDownloadException(
                        ModelDownloadException.Kind.CONCURRENT_LIMIT,
                        "Server "
                            + server.getName()
                            + " already runs "
                            + active
                            + " downloads (at most "
                            + settings.maxConcurrentPerServer()
                            + ")");
                  }
                  downloads.lockUser(userId);
                  long budget = settings.dailyBytesPerUser().toBytes();
                  long used = downloads.bytesSince(userId, startOfDay());
                  long wanted = checked.totalBytes() == null ? 0 : checked.totalBytes();
                  if (used >= budget || used + wanted > budget) {
                    throw new ModelDownloadException(
                        ModelDownloadException.Kind.DAILY_BUDGET,
                        "Today's downloads of this user come to "
                            + used
                            + " bytes; "
                            + (wanted > 0 ? wanted + " more would exceed " : "the limit is ")
                            + budget
                            + " bytes per day");
                  }
                  ModelDownload row =
                      new ModelDownload(
                          serverId,
                          userId,
                          url,
                          checked.finalUrl().toString(),
                          checked.address().getHostAddress(),
                          valid.folder(),
                          filename,
                          valid.sha256(),
                          checked.totalBytes(),
                          now());
                  downloads.save(row);
                  UUID id = row.getId();
                  TransactionSynchronizationManager.registerSynchronization(
                      new TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                          executor.execute(() -> worker.execute(id));
                        }
                      });
                  return row;
                }));
    return get(created.getId());
  }

  private Server running(UUID serverId) {
    Server server =
        servers.findById(serverId).orElseThrow(() -> new ServerNotFoundException(serverId));
    if (!ServerShell.reachable(server)) {
      throw notRunning(server);
    }
    return server;
  }

  private static ModelDownloadException notRunning(Server server) {
    return new ModelDownloadException(
        ModelDownloadException.Kind.SERVER_NOT_RUNNING,
        "Server " + server.getName() + " is " + server.getStatus() + "; nothing can be downloaded");
  }

  private record Valid(String folder, @Nullable String filename, @Nullable String sha256) {}

  private Valid validate(DownloadRequest request) {
    if (request.url() == null || request.url().isBlank()) {
      throw invalid("url", "must not be blank");
    }
    if (request.folder() == null || !settings.folders().contains(request.folder())) {
      throw invalid("folder", "must be one of " + settings.folders());
    }
    String filename = request.filename();
    if (filename != null && !validName(filename)) {
      throw invalid("filename", "must be a plain file name (letters, digits, . _ + -)");
    }
    String sha256 = request.sha256();
    if (sha256 != null && !SHA256.matcher(sha256).matches()) {
      throw invalid("sha256", "must be 64 hexadecimal digits");
    }
    return new Valid(
        request.folder(), filename, sha256 == null ? null : sha256.toLowerCase(Locale.ROOT));
  }

  private static String filename(Valid valid, ModelPreflight.Result checked) {
    if (valid.filename() != null) {
      return valid.filename();
    }
    String suggested = checked.suggestedName();
    if (suggested == null || !validName(suggested)) {
      throw invalid("filename", "the URL suggests no usable file name; give one");
    }
    return suggested;
  }

  private static boolean validName(String name) {
    return FILENAME.matcher(name).matches() && !name.endsWith(".part") && !name.contains("..");
  }

  private static ModelDownloadException invalid(String field, String message) {
    return new ModelDownloadException(ModelDownloadException.Kind.INVALID, field, message);
  }

  private Instant startOfDay() {
    return now().atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  private Instant now() {
    return Instant.now(clock);
  }
}
