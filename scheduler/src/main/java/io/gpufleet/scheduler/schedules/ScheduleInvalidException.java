package io.gpufleet.scheduler.schedules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A schedule that cannot be kept; {@link #fieldErrors()} says which field is wrong and why. */
public final class ScheduleInvalidException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final Map<String, String> fieldErrors;

  public ScheduleInvalidException(Map<String, String> fieldErrors) {
    super("Invalid schedule: " + fieldErrors);
    if (fieldErrors.isEmpty()) {
      throw new IllegalArgumentException("An invalid schedule needs at least one field error");
    }
    this.fieldErrors = Collections.unmodifiableMap(new LinkedHashMap<>(fieldErrors));
  }

  /** Field name (as in the API: {@code timezone}, {@code weekdays}, …) to message, in order. */
  public Map<String, String> fieldErrors() {
    return fieldErrors;
  }
}
