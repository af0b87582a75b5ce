package io.gpufleet.persistence.users;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface ApiKeyRepository extends JpaRepository<ApiKey, UUID> {

  @Query("select k from ApiKey k join fetch k.user where k.keyHash = ?1")
  Optional<ApiKey> findByKeyHash(String keyHash);

  List<ApiKey> findByUserIdOrderByCreatedAtDesc(UUID userId);
}
