package io.gpufleet.persistence.workflows;

import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface StoredWorkflowRepository extends JpaRepository<StoredWorkflow, UUID> {

  @Query("select w from StoredWorkflow w where w.isDefault = true")
  Optional<StoredWorkflow> findDefault();

  @Query("select w from StoredWorkflow w where lower(w.name) = lower(?1)")
  Optional<StoredWorkflow> findByNameIgnoreCase(String name);
}
