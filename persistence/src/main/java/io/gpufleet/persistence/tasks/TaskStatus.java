package io.gpufleet.persistence.tasks;

/** Where a task is. Only PENDING and RUNNING can change; the others are final. */
public enum TaskStatus {
  PENDING,
  RUNNING,
  COMPLETED,
  FAILED,
  CANCELLED;

  public boolean isFinal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }
}
