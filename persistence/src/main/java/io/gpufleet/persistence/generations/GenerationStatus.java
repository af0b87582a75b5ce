package io.gpufleet.persistence.generations;

/** Where a generation is. Only QUEUED and RUNNING can change; the others are final. */
public enum GenerationStatus {
  QUEUED,
  RUNNING,
  COMPLETED,
  FAILED,
  CANCELLED;

  public boolean isFinal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }
}
