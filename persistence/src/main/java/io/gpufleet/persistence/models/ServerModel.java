package io.gpufleet.persistence.models;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A model file a server was last seen to hold. Written only by {@link ServerModelRepository}. */
@Entity
@Table(name = "server_models")
@IdClass(ServerModel.Key.class)
public class ServerModel {

  @Id
  @Column(name = "server_id", insertable = false, updatable = false)
  private UUID serverId;

  @Id
  @Column(insertable = false, updatable = false)
  private String folder;

  @Id
  @Column(insertable = false, updatable = false)
  private String name;

  @Column(name = "size_bytes", insertable = false, updatable = false)
  private @Nullable Long sizeBytes;

  @Column(name = "seen_at", insertable = false, updatable = false)
  private Instant seenAt;

  @SuppressWarnings("NullAway") // for JPA
  protected ServerModel() {}

  public UUID getServerId() {
    return serverId;
  }

  public String getFolder() {
    return folder;
  }

  public String getName() {
    return name;
  }

  public @Nullable Long getSizeBytes() {
    return sizeBytes;
  }

  public Instant getSeenAt() {
    return seenAt;
  }

  /** The composite key. */
  @SuppressWarnings("NullAway") // for JPA
  public static class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    private UUID serverId;
    private String folder;
    private String name;

    protected Key() {}

    public Key(UUID serverId, String folder, String name) {
      this.serverId = serverId;
      this.folder = folder;
      this.name = name;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Key k
          && k.serverId.equals(serverId)
          && k.folder.equals(folder)
          && k.name.equals(name);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(serverId, folder, name);
    }
  }
}
