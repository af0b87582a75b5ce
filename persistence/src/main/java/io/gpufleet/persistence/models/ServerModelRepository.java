package io.gpufleet.persistence.models;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

/** The inventory cache; a refresh replaces a server's rows in one transaction. */
public interface ServerModelRepository extends JpaRepository<ServerModel, ServerModel.Key> {

  List<ServerModel> findByServerId(UUID serverId);

  List<ServerModel> findAllByOrderByFolderAscNameAsc();

  @Modifying
  @Query(nativeQuery = true, value = "delete from server_models where server_id = :serverId")
  int deleteByServer(UUID serverId);

  @Modifying
  @Query(
      nativeQuery = true,
      value =
          "insert into server_models (server_id, folder, name, size_bytes, seen_at)"
              + " values (:serverId, :folder, :name, :sizeBytes, :seenAt)"
              + " on conflict (server_id, folder, name) do update"
              + " set size_bytes = excluded.size_bytes, seen_at = excluded.seen_at")
  int upsert(UUID serverId, String folder, String name, @Nullable Long sizeBytes, Instant seenAt);
}
