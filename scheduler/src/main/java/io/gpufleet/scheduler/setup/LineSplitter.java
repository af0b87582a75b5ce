package io.gpufleet.scheduler.setup;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns one remote stream's bytes into lines for a {@link ScriptOutputListener}, as they come.
 * Splits on bytes, so a UTF-8 character cut between two packets is decoded whole. An overlong line
 * is passed on in pieces rather than held.
 */
final class LineSplitter extends OutputStream {

  static final int MAX_LINE_BYTES = 16 * 1024;

  private final ScriptOutputListener.Stream stream;
  private final ScriptOutputListener listener;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

  LineSplitter(ScriptOutputListener.Stream stream, ScriptOutputListener listener) {
    this.stream = stream;
    this.listener = listener;
  }

  @Override
  public synchronized void write(int b) {
    if (b == '\n') {
      emit();
      return;
    }
    line.write(b);
    if (line.size() >= MAX_LINE_BYTES) {
      emit();
    }
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      write(bytes[i]);
    }
  }

  /** Passes on a last line that had no line end. */
  @Override
  public synchronized void close() {
    if (line.size() > 0) {
      emit();
    }
  }

  private void emit() {
    byte[] bytes = line.toByteArray();
    line.reset();
    int length = bytes.length;
    if (length > 0 && bytes[length - 1] == '\r') {
      length--;
    }
    listener.onLine(stream, new String(bytes, 0, length, StandardCharsets.UTF_8));
  }
}
