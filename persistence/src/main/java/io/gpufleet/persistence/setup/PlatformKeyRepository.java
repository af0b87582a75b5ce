package io.gpufleet.persistence.setup;

import java.time.Instant;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

public interface PlatformKeyRepository extends JpaRepository<PlatformKey, String> {

  /**
   * Stores a key unless one with the name exists: of two replicas generating one at once, the first
   * insert wins and both then read it back. Returns the rows inserted.
   */
  @Modifying
  @Transactional
  @Query(
      nativeQuery = true,
      value =
          "insert into platform_keys (name, public_key, fingerprint, private_key_enc, created_at)"
              + " values (:name, :publicKey, :fingerprint, :privateKeyEncrypted, :now)"
              + " on conflict (name) do nothing")
  int insertIfAbsent(
      String name, String publicKey, String fingerprint, String privateKeyEncrypted, Instant now);
}
