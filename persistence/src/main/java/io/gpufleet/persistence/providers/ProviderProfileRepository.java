package io.gpufleet.persistence.providers;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface ProviderProfileRepository extends JpaRepository<ProviderProfile, UUID> {

  @Query("select p from ProviderProfile p where lower(p.name) = lower(?1)")
  Optional<ProviderProfile> findByNameIgnoreCase(String name);

  Page<ProviderProfile> findByProvider(ProviderKind provider, Pageable pageable);

  List<ProviderProfile> findByProviderAndEnabledTrueOrderByCreatedAt(ProviderKind provider);

  List<ProviderProfile> findByEnabledTrueOrderByName();
}
