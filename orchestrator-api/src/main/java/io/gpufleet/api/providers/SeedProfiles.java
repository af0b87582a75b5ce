package io.gpufleet.api.providers;

import io.gpufleet.api.providers.ProfileViews.CreateProfile;
import io.gpufleet.api.providers.ProfileViews.UpdateProfile;
import io.gpufleet.persistence.providers.ProviderProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/** Puts every {@link SeedProfile} in place once the application has started. */
@Component
class SeedProfiles implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(SeedProfiles.class);

  private final ObjectProvider<SeedProfile> seeds;
  private final ProfileService service;
  private final ProfileChecks checks;

  SeedProfiles(ObjectProvider<SeedProfile> seeds, ProfileService service, ProfileChecks checks) {
    this.seeds = seeds;
    this.service = service;
    this.checks = checks;
  }

  @Override
  public void run(ApplicationArguments args) {
    seeds.orderedStream().forEach(this::seed);
  }

  private void seed(SeedProfile seed) {
    ProviderProfile profile =
        service
            .findByName(seed.name())
            .map(
                existing ->
                    seed.endpoint().equals(existing.getEndpoint())
                        ? existing
                        : service.update(
                            existing.getId(),
                            new UpdateProfile(
                                null, null, seed.endpoint(), null, null, null, null, null)))
            .orElseGet(
                () ->
                    service.create(
                        new CreateProfile(
                            seed.name(),
                            seed.provider().id(),
                            "Made by the platform at start",
                            seed.endpoint(),
                            null,
                            seed.defaultModel(),
                            null,
                            null,
                            true,
                            null)));
    try {
      checks.sync(profile.getId());
      log.info("Provider profile '{}' points at {}", seed.name(), seed.endpoint());
    } catch (ProviderProblem e) {
      log.warn("Could not sync the models of profile '{}': {}", seed.name(), e.getMessage());
    }
  }
}
