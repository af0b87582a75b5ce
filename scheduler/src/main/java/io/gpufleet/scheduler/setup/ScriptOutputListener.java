package io.gpufleet.scheduler.setup;

/**
 * Receives a script's output line by line as it arrives (without the line end). Called on the SSH
 * client's I/O threads, in order per stream: implementations must be quick and not block.
 */
@FunctionalInterface
public interface ScriptOutputListener {

  /** Which of the remote process's streams a line came from. */
  enum Stream {
    STDOUT,
    STDERR
  }

  void onLine(Stream stream, String line);
}
