package io.gpufleet.simulator.sandbox;

/**
 * What a model download looks like in the sandbox, which has no internet: every allowed host
 * resolves to one documentation address, every file is {@link #SIZE_BYTES} long (zeros), and the
 * SSH endpoint's {@code curl} writes it in ten steps of 0.2 s.
 */
public final class SandboxDownloads {

  /** The size of every downloaded file (8 MiB), as the sandbox's curl writes it. */
  public static final long SIZE_BYTES = 8L * 1024 * 1024;

  /** A public documentation address (TEST-NET-3) the sandbox's model hosts resolve to. */
  public static final String ADDRESS = "203.0.113.7";

  private SandboxDownloads() {}
}
