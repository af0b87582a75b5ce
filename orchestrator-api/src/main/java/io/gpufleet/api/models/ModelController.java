package io.gpufleet.api.models;

import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.models.DownloadStatus;
import io.gpufleet.persistence.models.ModelDownload;
import io.gpufleet.persistence.models.ServerModel;
import io.gpufleet.scheduler.models.DownloadRequest;
import io.gpufleet.scheduler.models.ModelDownloads;
import io.gpufleet.scheduler.models.ModelInventory;
import io.gpufleet.scheduler.models.ServerModels;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Model files across the fleet: each server's models (read live), downloads by URL with progress,
 * cancel, the fleet inventory, and "make sure this model is on these servers".
 */
@RestController
@RequestMapping("/api/v1")
@PreAuthorize("hasRole('ADMIN')")
class ModelController {

  private final ModelDownloads downloads;
  private final ModelInventory inventory;

  ModelController(ModelDownloads downloads, ModelInventory inventory) {
    this.downloads = downloads;
    this.inventory = inventory;
  }

  /** The server's models by folder, read now from its ComfyUI and its disk. */
  @GetMapping("/servers/{id}/models")
  ServerModels serverModels(@PathVariable UUID id) throws InterruptedException {
    return inventory.refresh(id);
  }

  @GetMapping("/servers/{id}/models/downloads")
  List<DownloadView> serverDownloads(@PathVariable UUID id) {
    return downloads.forServer(id).stream().map(DownloadView::of).toList();
  }

  @PostMapping("/servers/{id}/models/downloads")
  ResponseEntity<DownloadView> download(
      @PathVariable UUID id,
      @Valid @RequestBody DownloadBody body,
      @AuthenticationPrincipal AuthenticatedUser actor) {
    DownloadView started = DownloadView.of(downloads.start(id, actor.id(), body.request()));
    return ResponseEntity.accepted()
        .location(URI.create("/api/v1/model-downloads/" + started.id()))
        .body(started);
  }

  @GetMapping("/model-downloads/{id}")
  DownloadView get(@PathVariable UUID id) {
    return DownloadView.of(downloads.get(id));
  }

  @DeleteMapping("/model-downloads/{id}")
  DownloadView cancel(@PathVariable UUID id) {
    return DownloadView.of(downloads.cancel(id));
  }

  /** The fleet's inventory as last seen: each model and the servers holding it. */
  @GetMapping("/models")
  List<FleetModel> fleet() {
    Map<String, FleetModel> byModel = new LinkedHashMap<>();
    for (ServerModel row : inventory.fleet()) {
      byModel
          .computeIfAbsent(
              row.getFolder() + "/" + row.getName(),
              key -> new FleetModel(row.getFolder(), row.getName(), new ArrayList<>()))
          .servers()
          .add(new Holder(row.getServerId(), row.getSizeBytes(), row.getSeenAt()));
    }
    return List.copyOf(byModel.values());
  }

  @PostMapping("/models/ensure")
  ResponseEntity<EnsureView> ensure(
      @Valid @RequestBody EnsureBody body, @AuthenticationPrincipal AuthenticatedUser actor) {
    ModelDownloads.Ensured ensured =
        downloads.ensure(
            actor.id(),
            new DownloadRequest(body.url(), body.folder(), body.filename(), body.sha256()),
            body.serverIds());
    return ResponseEntity.accepted()
        .body(
            new EnsureView(
                ensured.started().stream().map(DownloadView::of).toList(), ensured.skipped()));
  }

  record DownloadBody(
      @NotBlank @Size(max = 2048) String url,
      @NotBlank String folder,
      @Nullable String filename,
      @Nullable String sha256) {
    DownloadRequest request() {
      return new DownloadRequest(url, folder, filename, sha256);
    }
  }

  record EnsureBody(
      @NotBlank @Size(max = 2048) String url,
      @NotBlank String folder,
      @Nullable String filename,
      @Nullable String sha256,
      @Nullable List<UUID> serverIds) {}

  record EnsureView(List<DownloadView> started, List<ModelDownloads.Skipped> skipped) {}

  record FleetModel(String folder, String name, List<Holder> servers) {}

  record Holder(UUID serverId, @Nullable Long sizeBytes, Instant seenAt) {}

  record DownloadView(
      UUID id,
      UUID serverId,
      UUID userId,
      String url,
      @Nullable String finalUrl,
      String folder,
      String filename,
      @Nullable String sha256,
      DownloadStatus status,
      long bytes,
      @Nullable Long totalBytes,
      @Nullable Long bytesPerSecond,
      @Nullable Long etaSeconds,
      @Nullable String error,
      Instant createdAt,
      @Nullable Instant startedAt,
      @Nullable Instant finishedAt) {
    static DownloadView of(ModelDownload d) {
      return new DownloadView(
          d.getId(),
          d.getServerId(),
          d.getUserId(),
          d.getUrl(),
          d.getFinalUrl(),
          d.getFolder(),
          d.getFilename(),
          d.getSha256(),
          d.getStatus(),
          d.getBytes(),
          d.getTotalBytes(),
          d.getBytesPerSecond(),
          d.getEtaSeconds(),
          d.getError(),
          d.getCreatedAt(),
          d.getStartedAt(),
          d.getFinishedAt());
    }
  }
}
