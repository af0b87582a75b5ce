package io.gpufleet.persistence.workflows;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A workflow as stored: the API-format graph and, as JSON text, what the import learned from it.
 * The application owns the JSON shapes; this entity only keeps them.
 */
@Entity
@Table(name = "workflows")
public class StoredWorkflow {

  @Id private UUID id;

  @Column(nullable = false, length = 200)
  private String name;

  private @Nullable String description;

  @Column(nullable = false)
  private String graph;

  @Column(nullable = false)
  private String inputs;

  @Column(nullable = false)
  private String shortcuts;

  @Column(name = "node_classes", nullable = false)
  private String nodeClasses;

  @Column(nullable = false)
  private String models;

  @Column(name = "is_default", nullable = false)
  private boolean isDefault;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  @Version private long version;

  protected StoredWorkflow() {}

  public StoredWorkflow(String name, @Nullable String description, Content content, Instant now) {
    this.id = UUID.randomUUID();
    this.createdAt = now;
    rename(name, description, now);
    replace(content, now);
  }

  public void rename(String newName, @Nullable String newDescription, Instant now) {
    this.name = newName;
    this.description = newDescription;
    this.updatedAt = now;
  }

  public void replace(Content content, Instant now) {
    this.graph = content.graph();
    this.inputs = content.inputs();
    this.shortcuts = content.shortcuts();
    this.nodeClasses = content.nodeClasses();
    this.models = content.models();
    this.updatedAt = now;
  }

  public void markDefault(boolean value, Instant now) {
    this.isDefault = value;
    this.updatedAt = now;
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

  public Content content() {
    return new Content(graph, inputs, shortcuts, nodeClasses, models);
  }

  public boolean isDefault() {
    return isDefault;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getUpdatedAt() {
    return updatedAt;
  }

  /** The JSON documents of a workflow, written together. */
  public record Content(
      String graph, String inputs, String shortcuts, String nodeClasses, String models) {}
}
