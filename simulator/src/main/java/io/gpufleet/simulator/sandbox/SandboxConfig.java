package io.gpufleet.simulator.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link SandboxFleet}.
 *
 * @param vastPort the Vast.ai API's port; 0 picks a free one
 * @param loadingDelay how long a rented or started instance takes to run
 * @param toolTimeFactor how long the shimmed tools of setup scripts take: 1 is like the real tools,
 *     0 is instant
 * @param stepsPerSecond the simulated GPU's sampling speed
 * @param workRoot where instance sandboxes live; null for the temp directory
 */
public record SandboxConfig(
    int vastPort,
    Duration loadingDelay,
    double toolTimeFactor,
    double stepsPerSecond,
    String gpuName,
    int gpuMemoryMib,
    @Nullable Path workRoot) {

  public static SandboxConfig defaults() {
    return new SandboxConfig(
        0, Duration.ofSeconds(3), 0.02, 20, "NVIDIA GeForce RTX 4090", 24564, null);
  }

  public SandboxConfig withVastPort(int port) {
    return new SandboxConfig(
        port, loadingDelay, toolTimeFactor, stepsPerSecond, gpuName, gpuMemoryMib, workRoot);
  }

  public SandboxConfig withLoadingDelay(Duration delay) {
    return new SandboxConfig(
        vastPort, delay, toolTimeFactor, stepsPerSecond, gpuName, gpuMemoryMib, workRoot);
  }

  public SandboxConfig withToolTimeFactor(double factor) {
    return new SandboxConfig(
        vastPort, loadingDelay, factor, stepsPerSecond, gpuName, gpuMemoryMib, workRoot);
  }

  public SandboxConfig withStepsPerSecond(double speed) {
    return new SandboxConfig(
        vastPort, loadingDelay, toolTimeFactor, speed, gpuName, gpuMemoryMib, workRoot);
  }

  public SandboxConfig withWorkRoot(@Nullable Path root) {
    return new SandboxConfig(
        vastPort, loadingDelay, toolTimeFactor, stepsPerSecond, gpuName, gpuMemoryMib, root);
  }
}
