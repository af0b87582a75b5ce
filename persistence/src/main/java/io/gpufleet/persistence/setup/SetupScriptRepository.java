package io.gpufleet.persistence.setup;

import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

public interface SetupScriptRepository extends JpaRepository<SetupScript, UUID> {

  List<SetupScript> findAllByOrderByNameAsc();

  @Query("select s from SetupScript s where lower(s.name) = lower(?1)")
  Optional<SetupScript> findByNameIgnoreCase(String name);

  Optional<SetupScript> findByBuiltinKey(String builtinKey);

  /** The script, its row locked until the transaction ends: saves of one script go one by one. */
  @Lock(LockModeType.PESSIMISTIC_WRITE)
  @Query("select s from SetupScript s where s.id = ?1")
  Optional<SetupScript> findForUpdate(UUID id);

  /** Whether a server that is not destroyed is set up with the script. */
  @Query(
      "select count(s) > 0 from Server s where s.setup.scriptId = ?1"
          + " and s.status <> io.gpufleet.persistence.servers.ServerStatus.DESTROYED")
  boolean isUsedByAServer(UUID scriptId);

  /**
   * Adds a builtin script unless one with its key (or its name) exists: two replicas starting at
   * once both call this, and one row results. Returns the rows inserted.
   */
  @Modifying
  @Transactional
  @Query(
      nativeQuery = true,
      value =
          "insert into setup_scripts (id, name, description, content, version, kind, builtin,"
              + " builtin_key, created_at, updated_at)"
              + " values (:id, :name, :description, :content, 1, :kind, true, :key, :now, :now)"
              + " on conflict do nothing")
  int insertBuiltinIfAbsent(
      UUID id,
      String key,
      String name,
      @Nullable String description,
      String content,
      String kind,
      Instant now);
}
