package io.gpufleet.persistence.users;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface ApiKeyRepository extends JpaRepository<ApiKey, UUID> {

  @Query("select k from ApiKey k join fetch k.user where k.keyHash = ?1")
  Optional<ApiKey> findByKeyHash(String keyHash);

  List<ApiKey> findByUserIdOrderByCreatedAtDesc(UUID userId);

  /** Records a use without loading the key; an earlier time never overwrites a later one. */
  @Modifying
  @Query(
      "update ApiKey k set k.lastUsedAt = ?2 where k.id = ?1"
          + " and (k.lastUsedAt is null or k.lastUsedAt < ?2)")
  int markUsed(UUID id, Instant at);
}
