package io.gpufleet.scheduler.setup;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How setup runs are carried out ({@code gpufleet.setup.*}).
 *
 * @param maxConcurrentRuns runs carried out at once by this replica; more wait as QUEUED
 * @param flushInterval how often buffered output is appended to the run's row
 * @param flushSize buffered output that is appended at once, without waiting for the interval
 * @param outputCap the output kept per run, in characters (the tail is kept)
 * @param comfyReadyAttempts how many times ComfyUI is asked to answer after a successful setup
 * @param comfyReadyInterval the pause between those attempts
 * @param connectTimeout for the SSH connection, and again for the login
 * @param maxRunDuration a run still going after this is ended and FAILED
 * @param heartbeatInterval how often a replica tells that its runs are alive, and looks for cancels
 *     asked through another replica
 * @param abandonedAfter an active run without a heartbeat for this long is FAILED as interrupted
 * @param defaultUser the SSH user of a server that names none
 * @param comfyPort the container port ComfyUI listens on ({@code COMFY_PORT} of the script)
 */
@ConfigurationProperties("gpufleet.setup")
public record SetupSettings(
    @DefaultValue("4") int maxConcurrentRuns,
    @DefaultValue("300ms") Duration flushInterval,
    @DefaultValue("64KB") DataSize flushSize,
    @DefaultValue("1MB") DataSize outputCap,
    @DefaultValue("10") int comfyReadyAttempts,
    @DefaultValue("3s") Duration comfyReadyInterval,
    @DefaultValue("20s") Duration connectTimeout,
    @DefaultValue("2h") Duration maxRunDuration,
    @DefaultValue("5s") Duration heartbeatInterval,
    @DefaultValue("60s") Duration abandonedAfter,
    @DefaultValue("root") String defaultUser,
    @DefaultValue("8188") int comfyPort) {

  public SetupSettings {
    if (maxConcurrentRuns < 1) {
      throw new IllegalArgumentException("maxConcurrentRuns must be at least 1");
    }
    if (comfyReadyAttempts < 1) {
      throw new IllegalArgumentException("comfyReadyAttempts must be at least 1");
    }
  }

  int outputCapChars() {
    return (int) Math.min(Integer.MAX_VALUE, outputCap.toBytes());
  }
}
