package io.gpufleet.persistence.setup;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A script that installs or resets ComfyUI on a server; builtins come with the platform. */
@Entity
@Table(name = "setup_scripts")
public class SetupScript {

  @Id private UUID id;

  @Column(nullable = false, length = 100)
  private String name;

  private @Nullable String description;

  @Column(nullable = false)
  private String content;

  /** Incremented on every change of the content. */
  @Column(nullable = false)
  private int version;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  private ScriptKind kind;

  @Column(nullable = false)
  private boolean builtin;

  @Column(name = "builtin_key", length = 64, updatable = false)
  private @Nullable String builtinKey;

  @Column(name = "created_at", nullable = false, updatable = false)
  private Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  @SuppressWarnings("NullAway") // for JPA
  protected SetupScript() {}

  public SetupScript(
      String name, @Nullable String description, String content, ScriptKind kind, Instant now) {
    this.id = UUID.randomUUID();
    this.name = name;
    this.description = description;
    this.content = content;
    this.kind = kind;
    this.version = 1;
    this.createdAt = now;
    this.updatedAt = now;
  }

  /** Changes the script; the version goes up only when the content changes. */
  public void edit(
      String newName,
      @Nullable String newDescription,
      String newContent,
      ScriptKind newKind,
      Instant now) {
    if (!Objects.equals(content, newContent)) {
      version++;
    }
    name = newName;
    description = newDescription;
    content = newContent;
    kind = newKind;
    updatedAt = now;
  }

  public UUID getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public @Nullable String getDescription() {
    return description;
  }

  public String getContent() {
    return content;
  }

  public int getVersion() {
    return version;
  }

  public ScriptKind getKind() {
    return kind;
  }

  public boolean isBuiltin() {
    return builtin;
  }

  /** Which bundled script a builtin row came from. */
  public @Nullable String getBuiltinKey() {
    return builtinKey;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getUpdatedAt() {
    return updatedAt;
  }

  @Override
  public String toString() {
    return "SetupScript[" + id + ", " + name + " v" + version + "]";
  }
}
