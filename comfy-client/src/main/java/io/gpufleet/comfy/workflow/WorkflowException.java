package io.gpufleet.comfy.workflow;

/** A workflow that cannot be read, converted or edited as asked. */
public final class WorkflowException extends IllegalArgumentException {
  public WorkflowException(String message) {
    super(message);
  }
}
