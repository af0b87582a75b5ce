package io.gpufleet.scheduler.models;

import io.gpufleet.persistence.models.DownloadStatus;
import io.gpufleet.persistence.models.ModelDownload;
import io.gpufleet.persistence.models.ModelDownloadRepository;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.scheduler.setup.ScriptOutputListener;
import io.gpufleet.scheduler.setup.ScriptResult;
import io.gpufleet.scheduler.setup.ScriptRun;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Carries out one download on a download thread: a script on the server runs {@code curl} pinned to
 * the checked address in the background and prints the size of the {@code .part} file twice a
 * second; this thread writes progress to the row at most every {@link
 * ModelSettings#progressInterval()}. A row that was ended meanwhile (a cancel through any replica)
 * stops the script; a stopped download's {@code .part} is removed.
 */
@Component
class DownloadWorker {

  private static final Logger log = LoggerFactory.getLogger(DownloadWorker.class);

  static final String SCRIPT =
      """
      set -u
      dir="${COMFY_DIR:-/workspace/ComfyUI}/models/$MODEL_FOLDER"
      part="$dir/$MODEL_FILE.part"
      mkdir -p "$dir" || { echo "##ERROR cannot create $dir"; exit 10; }
      size() { stat -c %s "$part" 2>/dev/null || echo 0; }
      curl -fsSL --max-redirs 0 --proto =https --resolve "$MODEL_HOST:443:$MODEL_IP" \\
        -C - -o "$part" "$MODEL_URL" &
      pid=$!
      trap 'kill "$pid" 2>/dev/null; exit 143' TERM HUP INT
      while kill -0 "$pid" 2>/dev/null; do
        echo "##PROGRESS $(size)"
        sleep 0.5
      done
      wait "$pid"
      rc=$?
      echo "##PROGRESS $(size)"
      if [ "$rc" -ne 0 ]; then echo "##ERROR the download failed (curl exit code $rc)"; exit 20; fi
      if [ -n "$MODEL_SHA256" ]; then
        echo "##VERIFYING"
        sum="$(sha256sum "$part" | cut -d' ' -f1)"
        if [ "$sum" != "$MODEL_SHA256" ]; then
          rm -f "$part"
          echo "##ERROR sha256 mismatch: expected $MODEL_SHA256, got $sum"
          exit 21
        fi
      fi
      mv -f "$part" "$dir/$MODEL_FILE" || { echo "##ERROR cannot move the file into place"; exit 22; }
      echo "##DONE $(stat -c %s "$dir/$MODEL_FILE")"
      """;

  static final String CLEANUP =
      "rm -f \"${COMFY_DIR:-/workspace/ComfyUI}/models/$MODEL_FOLDER/$MODEL_FILE.part\"\n";

  private final ModelDownloadRepository downloads;
  private final ServerRepository servers;
  private final ServerShell shell;
  private final ModelInventory inventory;
  private final ModelSettings settings;
  private final Clock clock;
  private final Map<UUID, ScriptRun> running = new ConcurrentHashMap<>();

  DownloadWorker(
      ModelDownloadRepository downloads,
      ServerRepository servers,
      ServerShell shell,
      ModelInventory inventory,
      ModelSettings settings,
      Clock clock) {
    this.downloads = downloads;
    this.servers = servers;
    this.shell = shell;
    this.inventory = inventory;
    this.settings = settings;
    this.clock = clock;
  }

  /** What the script reported last; written by the SSH I/O threads, read by the worker. */
  private static final class Reported implements ScriptOutputListener {
    volatile long bytes;
    volatile boolean verifying;
    volatile @Nullable String error;
    volatile @Nullable String lastStderr;

    @Override
    public void onLine(Stream stream, String line) {
      if (stream == Stream.STDERR) {
        lastStderr = line;
      } else if (line.startsWith("##PROGRESS ")) {
        try {
          bytes = Long.parseLong(line.substring("##PROGRESS ".length()).trim());
        } catch (NumberFormatException e) {
          // a torn line; the next one comes within a second
        }
      } else if (line.startsWith("##VERIFYING")) {
        verifying = true;
      } else if (line.startsWith("##ERROR ")) {
        error = line.substring("##ERROR ".length());
      } else if (line.startsWith("##DONE ")) {
        try {
          bytes = Long.parseLong(line.substring("##DONE ".length()).trim());
        } catch (NumberFormatException e) {
          // keep the last progress
        }
      }
    }
  }

  /** Tells a download running in this process to stop (its row is already CANCELLED). */
  void cancelLocal(UUID downloadId) {
    ScriptRun run = running.get(downloadId);
    if (run != null) {
      run.cancel();
    }
  }

  void execute(UUID downloadId) {
    ModelDownload row = downloads.findById(downloadId).orElse(null);
    if (row == null || downloads.markStarted(downloadId, now()) == 0) {
      return; // cancelled while it waited
    }
    Server server = servers.findById(row.getServerId()).orElse(null);
    if (server == null || !ServerShell.reachable(server)) {
      end(row, DownloadStatus.FAILED, "The server is not running any more");
      return;
    }
    Map<String, String> env;
    try {
      env = environment(row);
    } catch (UnknownHostException | RuntimeException e) {
      end(row, DownloadStatus.FAILED, "No checked address to download from");
      return;
    }
    Reported reported = new Reported();
    boolean cancelled = false;
    ScriptResult result = null;
    String failure = null;
    try {
      ScriptRun run = shell.start(server, SCRIPT, env, reported);
      running.put(downloadId, run);
      Speed speed = new Speed(row.getTotalBytes());
      long lastWritten = -1;
      boolean lastVerifying = false;
      while (result == null) {
        try {
          result = run.result().get(settings.progressInterval().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          long bytes = reported.bytes;
          boolean verifying = reported.verifying;
          if (bytes != lastWritten || verifying != lastVerifying) {
            speed.sample(bytes, clock.millis());
            if (!write(downloadId, verifying, bytes, speed)) {
              cancelled = true;
              run.cancel();
            }
            lastWritten = bytes;
            lastVerifying = verifying;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ScriptRun run = running.get(downloadId);
      if (run != null) {
        run.cancel();
      }
      failure = "The platform shut down during the download";
    } catch (ExecutionException e) {
      failure = String.valueOf(Objects.requireNonNullElse(e.getCause(), e).getMessage());
    } catch (RuntimeException e) {
      failure = String.valueOf(e.getMessage());
    } finally {
      running.remove(downloadId);
    }
    if (result != null && result.succeeded() && !cancelled) {
      long bytes = reported.bytes;
      downloads.progress(
          downloadId, DownloadStatus.VERIFYING, bytes, bytes, null, 0L, DownloadStatus.ACTIVE);
      // the inventory (and with it routing) knows the model before anyone is told it is there
      try {
        inventory.refresh(row.getServerId());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        log.info(
            "Could not refresh the models of server {}: {}", row.getServerId(), e.getMessage());
        inventory.refreshLater(row.getServerId());
      }
      if (end(row, DownloadStatus.COMPLETED, null)) {
        log.info(
            "Model {}/{} downloaded onto server {}",
            row.getFolder(),
            row.getFilename(),
            row.getServerId());
      }
      return;
    }
    if (cancelled || (result != null && result.outcome() == ScriptResult.Outcome.CANCELLED)) {
      end(row, DownloadStatus.CANCELLED, null);
    } else {
      String error = reported.error;
      if (error == null && failure != null) {
        error = failure;
      }
      if (error == null && result != null) {
        error =
            "The download script ended: "
                + result.outcome()
                + (result.exitCode() == null ? "" : " " + result.exitCode())
                + (reported.lastStderr == null ? "" : " (" + reported.lastStderr + ")");
      }
      end(row, DownloadStatus.FAILED, error);
    }
    try {
      shell.run(server, CLEANUP, env);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.info("Could not remove the partial download {}: {}", downloadId, e.getMessage());
    }
  }

  private boolean write(UUID id, boolean verifying, long bytes, Speed speed) {
    return downloads.progress(
            id,
            verifying ? DownloadStatus.VERIFYING : DownloadStatus.DOWNLOADING,
            bytes,
            speed.total(bytes),
            speed.bytesPerSecond(),
            verifying ? null : speed.etaSeconds(bytes),
            DownloadStatus.ACTIVE)
        > 0;
  }

  private boolean end(ModelDownload row, DownloadStatus status, @Nullable String error) {
    return downloads.finish(row.getId(), status, error, now(), DownloadStatus.ACTIVE) > 0;
  }

  private static Map<String, String> environment(ModelDownload row) throws UnknownHostException {
    String finalUrl = Objects.requireNonNullElse(row.getFinalUrl(), row.getUrl());
    String host = Objects.requireNonNull(java.net.URI.create(finalUrl).getHost(), "host");
    // a literal: no lookup
    InetAddress address =
        InetAddress.getByName(Objects.requireNonNull(row.getAddress(), "address"));
    String ip =
        address instanceof Inet6Address
            ? "[" + address.getHostAddress() + "]"
            : address.getHostAddress();
    return Map.of(
        "MODEL_URL",
        finalUrl,
        "MODEL_HOST",
        host,
        "MODEL_IP",
        ip,
        "MODEL_FOLDER",
        row.getFolder(),
        "MODEL_FILE",
        row.getFilename(),
        "MODEL_SHA256",
        Objects.requireNonNullElse(row.getSha256(), ""));
  }

  /** Transfer speed, smoothed over the samples, and what it says about the rest. */
  static final class Speed {
    private final @Nullable Long total;
    private long lastBytes = -1;
    private long lastMillis;
    private @Nullable Double perSecond;

    Speed(@Nullable Long total) {
      this.total = total;
    }

    void sample(long bytes, long millis) {
      if (lastBytes >= 0 && millis > lastMillis && bytes >= lastBytes) {
        double now = (bytes - lastBytes) * 1000.0 / (millis - lastMillis);
        perSecond = perSecond == null ? now : 0.7 * perSecond + 0.3 * now;
      }
      lastBytes = bytes;
      lastMillis = millis;
    }

    @Nullable Long bytesPerSecond() {
      return perSecond == null ? null : Math.round(perSecond);
    }

    @Nullable Long total(long bytes) {
      return total == null ? null : Math.max(total, bytes);
    }

    @Nullable Long etaSeconds(long bytes) {
      if (total == null || perSecond == null || perSecond <= 0) {
        return null;
      }
      return (long) Math.ceil(Math.max(0, total - bytes) / perSecond);
    }
  }

  private Instant now() {
    return Instant.now(clock);
  }
}
