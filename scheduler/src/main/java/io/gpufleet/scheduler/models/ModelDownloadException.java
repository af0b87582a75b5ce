package io.gpufleet.scheduler.models;

/** A download that cannot be started or changed; {@link #kind()} says why. */
public final class ModelDownloadException extends RuntimeException {

  /** Why. */
  public enum Kind {
    /** The server already runs as many downloads as allowed. */
    CONCURRENT_LIMIT,
    /** The user's bytes for the day would be exceeded. */
    DAILY_BUDGET,
    /** The server is not running (or has no SSH endpoint). */
    SERVER_NOT_RUNNING,
    /** A field of the request is wrong: folder, filename or checksum. */
    INVALID,
    /** No such download. */
    NOT_FOUND
  }

  private final Kind kind;
  private final String field;

  public ModelDownloadException(Kind kind, String message) {
    this(kind, "", message);
  }

  public ModelDownloadException(Kind kind, String field, String message) {
    super(message);
    this.kind = kind;
    this.field = field;
  }

  public Kind kind() {
    return kind;
  }

  /** The request field at fault, for {@link Kind#INVALID}; empty otherwise. */
  public String field() {
    return field;
  }
}
