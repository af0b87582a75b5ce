package io.gpufleet.persistence.models;

import java.util.EnumSet;
import java.util.Set;

/** Where a model download is. */
public enum DownloadStatus {
  QUEUED,
  DOWNLOADING,
  VERIFYING,
  COMPLETED,
  FAILED,
  CANCELLED;

  /** The statuses of a download that still runs (or waits to), and counts against the limit. */
  public static final Set<DownloadStatus> ACTIVE = EnumSet.of(QUEUED, DOWNLOADING, VERIFYING);

  public boolean isActive() {
    return ACTIVE.contains(this);
  }
}
