package io.gpufleet.scheduler.setup;

import io.gpufleet.persistence.setup.ServerExecutionRepository.OutputSlice;

/**
 * A piece of a run's output, for reading it as it grows. Offsets are absolute, in characters
 * (Unicode code points) since the run began, so a reader asks again from {@link #next()}.
 *
 * @param text the output from {@code from} on; starts with a note when the requested part was cut
 *     to keep the stored output under its cap
 * @param from the offset asked for
 * @param next where the output stored so far ends
 * @param truncated whether output before the stored tail was cut and is part of the request
 */
public record OutputPage(String text, long from, long next, boolean truncated) {

  static OutputPage of(OutputSlice slice, long from) {
    long start = Math.max(0, from);
    if (start >= slice.getTotal()) {
      return new OutputPage("", from, slice.getTotal(), false);
    }
    if (start < slice.getDropped()) {
      return new OutputPage(
          "[... "
              + slice.getDropped()
              + " earlier characters of output were cut ...]\n"
              + slice.getText(),
          from,
          slice.getTotal(),
          true);
    }
    return new OutputPage(slice.getText(), from, slice.getTotal(), false);
  }
}
