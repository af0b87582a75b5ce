package io.gpufleet.persistence.servers;

import jakarta.persistence.LockModeType;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

public interface ServerRepository extends JpaRepository<Server, UUID> {

  List<Server> findByStatusNotOrderByCreatedAt(ServerStatus status);

  List<Server> findByStatusIn(Collection<ServerStatus> statuses);

  /**
   * The servers in one state. Routing reads the running ones several times a second: unlike a query
   * with a list parameter, Hibernate translates this one once.
   */
  List<Server> findAllByStatus(ServerStatus status);

  Page<Server> findByStatus(ServerStatus status, Pageable page);

  Page<Server> findByStatusNot(ServerStatus status, Pageable page);

  Optional<Server> findByLabel(String label);

  @Query("select s from Server s where lower(s.name) = lower(?1) and s.status <> 'DESTROYED'")
  Optional<Server> findLiveByName(String name);

  /** Locks the row for one transition, so two replicas never act on one server at once. */
  @Lock(LockModeType.PESSIMISTIC_WRITE)
  @Query("select s from Server s where s.id = ?1")
  Optional<Server> lockById(UUID id);
}
