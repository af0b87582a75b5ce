package io.gpufleet.scheduler.vast;

import io.gpufleet.vast.VastClient;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Vast.ai provider. Its {@link VastClient} is built from {@link VastSettings}, unless the
 * application supplies one (sandbox mode points it at the simulator).
 */
@Configuration(proxyBeanMethods = false)
class VastConfiguration {

  @Bean
  VastProvider vastProvider(
      ObjectProvider<VastClient> supplied, VastSettings settings, ObjectProvider<Clock> clock) {
    VastClient client = supplied.getIfAvailable();
    if (client == null) {
      if (settings.sandbox()) {
        throw new IllegalStateException(
            "No Vast.ai API key (GPUFLEET_VAST_API_KEY) and no sandbox client was configured");
      }
      client =
          VastClient.builder()
              .apiKey(settings.apiKey())
              .baseUrl(settings.baseUrl())
              .httpClient(settings.httpClient())
              .maxAttempts(settings.maxAttempts())
              .initialBackoff(settings.initialBackoff())
              .clock(clock.getIfAvailable(Clock::systemUTC))
              .build();
    }
    return new VastProvider(client, settings);
  }
}
