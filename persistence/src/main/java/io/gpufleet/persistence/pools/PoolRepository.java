package io.gpufleet.persistence.pools;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface PoolRepository extends JpaRepository<Pool, UUID> {

  List<Pool> findByEnabledTrueOrderByName();

  Page<Pool> findAllBy(Pageable page);

  @Query("select p from Pool p where lower(p.name) = lower(?1)")
  Optional<Pool> findByName(String name);

  /** The pool a server belongs to, if any. */
  @Query("select p from Pool p join p.serverIds s where s = ?1")
  Optional<Pool> findByServer(UUID serverId);
}
