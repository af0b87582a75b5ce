package io.gpufleet.scheduler.servers;

import io.gpufleet.persistence.servers.ServerEngine;
import io.gpufleet.persistence.servers.ServerSpec;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A server to create: a name, a provider, and either a spec to search offers with or an offer id.
 *
 * @param setupScriptId the script its setup runs; absent means the default script
 * @param autoSetup run setup as soon as the machine runs
 * @param engine what it runs; an Ollama server's default setup script installs Ollama
 */
public record NewServer(
    String name,
    String provider,
    ServerSpec spec,
    @Nullable Long offerId,
    @Nullable UUID setupScriptId,
    boolean autoSetup,
    @Nullable Integer idleStopMinutes,
    ServerEngine engine) {

  /** A ComfyUI server. */
  public NewServer(
      String name,
      String provider,
      ServerSpec spec,
      @Nullable Long offerId,
      @Nullable UUID setupScriptId,
      boolean autoSetup,
      @Nullable Integer idleStopMinutes) {
    this(
        name,
        provider,
        spec,
        offerId,
        setupScriptId,
        autoSetup,
        idleStopMinutes,
        ServerEngine.COMFYUI);
  }
}
