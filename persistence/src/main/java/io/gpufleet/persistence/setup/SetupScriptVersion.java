package io.gpufleet.persistence.setup;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** One version of a setup script's content, as saved: by whom and when. Never changed. */
@Entity
@Table(name = "setup_script_versions")
public class SetupScriptVersion {

  @Id private UUID id;

  @Column(name = "script_id", nullable = false, updatable = false)
  private UUID scriptId;

  @Column(nullable = false, updatable = false)
  private int version;

  @Column(nullable = false, updatable = false)
  private String content;

  @Column(name = "author_id", updatable = false)
  private @Nullable UUID authorId;

  @Column(name = "author_name", nullable = false, length = 100, updatable = false)
  private String authorName;

  @Column(name = "saved_at", nullable = false, updatable = false)
  private Instant savedAt;

  @SuppressWarnings("NullAway") // for JPA
  protected SetupScriptVersion() {}

  public SetupScriptVersion(
      SetupScript script, @Nullable UUID authorId, String authorName, Instant savedAt) {
    this.id = UUID.randomUUID();
    this.scriptId = script.getId();
    this.version = script.getVersion();
    this.content = script.getContent();
    this.authorId = authorId;
    this.authorName = authorName;
    this.savedAt = savedAt;
  }

  public UUID getId() {
    return id;
  }

  public UUID getScriptId() {
    return scriptId;
  }

  public int getVersion() {
    return version;
  }

  public String getContent() {
    return content;
  }

  /** The user who saved it; null for the platform, or for versions older than the history. */
  public @Nullable UUID getAuthorId() {
    return authorId;
  }

  public String getAuthorName() {
    return authorName;
  }

  public Instant getSavedAt() {
    return savedAt;
  }

  @Override
  public String toString() {
    return "SetupScriptVersion[" + scriptId + " v" + version + " by " + authorName + "]";
  }
}
