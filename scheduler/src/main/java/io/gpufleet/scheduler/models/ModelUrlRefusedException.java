package io.gpufleet.scheduler.models;

/** A model URL the platform will not fetch; the message says why. */
public final class ModelUrlRefusedException extends RuntimeException {

  private final String url;

  public ModelUrlRefusedException(String url, String reason) {
    super(reason);
    this.url = url;
  }

  /** The URL refused (one hop of a redirect chain, maybe not the one asked for). */
  public String url() {
    return url;
  }
}
