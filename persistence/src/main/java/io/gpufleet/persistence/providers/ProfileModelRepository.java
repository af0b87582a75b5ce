package io.gpufleet.persistence.providers;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

public interface ProfileModelRepository extends JpaRepository<ProfileModel, UUID> {

  List<ProfileModel> findByProfileIdOrderByModel(UUID profileId);

  List<ProfileModel> findByProfileIdInOrderByModel(Collection<UUID> profileIds);

  Optional<ProfileModel> findByProfileIdAndModel(UUID profileId, String model);
}
