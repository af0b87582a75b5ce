package io.gpufleet.persistence.setup;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

public interface SetupScriptVersionRepository extends JpaRepository<SetupScriptVersion, UUID> {

  List<SetupScriptVersion> findByScriptIdOrderByVersionDesc(UUID scriptId);

  Optional<SetupScriptVersion> findByScriptIdAndVersion(UUID scriptId, int version);
}
