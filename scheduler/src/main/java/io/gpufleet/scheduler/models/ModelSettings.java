package io.gpufleet.scheduler.models;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Model downloads ({@code gpufleet.models.*}); where from is the outbound policy's ({@code
 * gpufleet.outbound.models.*}).
 *
 * @param maxConcurrentPerServer downloads active at once on one server; more are refused
 * @param dailyBytesPerUser what one user may download per UTC day, over all servers
 * @param folders the model folders downloads may go to
 * @param maxRedirects redirects followed (each one checked) before a URL is refused
 * @param preflightTimeout for each HEAD of the preflight
 * @param progressInterval the least time between two progress writes of a download
 * @param maxDownloadThreads downloads carried out at once by this replica
 * @param inventoryMaxAge how long a server's cached inventory is trusted by {@link ModelInventory}
 */
@ConfigurationProperties("gpufleet.models")
public record ModelSettings(
    @DefaultValue("5") int maxConcurrentPerServer,
    @DefaultValue("100GB") DataSize dailyBytesPerUser,
    @DefaultValue({"checkpoints", "loras", "vae", "controlnet", "upscale_models", "embeddings"})
        List<String> folders,
    @DefaultValue("5") int maxRedirects,
    @DefaultValue("15s") Duration preflightTimeout,
    @DefaultValue("500ms") Duration progressInterval,
    @DefaultValue("16") int maxDownloadThreads,
    @DefaultValue("30s") Duration inventoryMaxAge) {

  public ModelSettings {
    if (maxConcurrentPerServer < 1) {
      throw new IllegalArgumentException("maxConcurrentPerServer must be at least 1");
    }
    if (maxDownloadThreads < 1) {
      throw new IllegalArgumentException("maxDownloadThreads must be at least 1");
    }
    folders = List.copyOf(folders);
  }
}
