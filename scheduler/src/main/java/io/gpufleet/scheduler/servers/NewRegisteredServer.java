package io.gpufleet.scheduler.servers;

import io.gpufleet.persistence.servers.ServerEngine;
import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * A server that exists already, registered by its ComfyUI URL (or, engine Ollama, its Ollama URL).
 *
 * @param encryptedToken a bearer token for an auth proxy in front of ComfyUI, already encrypted
 * @param startCommand run over SSH to start the box's ComfyUI; with {@code stopCommand}, makes the
 *     server startable and stoppable
 * @param pricePerHour what the admin says it costs, for honest cost figures (0 when absent)
 */
public record NewRegisteredServer(
    String name,
    String provider,
    @Nullable String comfyUrl,
    @Nullable String encryptedToken,
    @Nullable String sshHost,
    @Nullable Integer sshPort,
    @Nullable String sshUser,
    @Nullable String startCommand,
    @Nullable String stopCommand,
    BigDecimal pricePerHour,
    @Nullable Integer idleStopMinutes,
    ServerEngine engine,
    @Nullable String ollamaUrl) {

  /** A ComfyUI server. */
  public NewRegisteredServer(
      String name,
      String provider,
      String comfyUrl,
      @Nullable String encryptedToken,
      @Nullable String sshHost,
      @Nullable Integer sshPort,
      @Nullable String sshUser,
      @Nullable String startCommand,
      @Nullable String stopCommand,
      BigDecimal pricePerHour,
      @Nullable Integer idleStopMinutes) {
    this(
        name,
        provider,
        comfyUrl,
        encryptedToken,
        sshHost,
        sshPort,
        sshUser,
        startCommand,
        stopCommand,
        pricePerHour,
        idleStopMinutes,
        ServerEngine.COMFYUI,
        null);
  }

  @Override
  public String toString() {
    return "NewRegisteredServer["
        + name
        + ", "
        + (engine == ServerEngine.OLLAMA ? ollamaUrl : comfyUrl)
        + "]";
  }
}
