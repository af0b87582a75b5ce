package io.gpufleet.api.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.scheduler.outbound.HostResolver;
import io.gpufleet.scheduler.outbound.OutboundPolicies;
import io.gpufleet.scheduler.outbound.OutboundPolicy;
import io.gpufleet.scheduler.outbound.OutboundSettings;
import io.gpufleet.scheduler.outbound.OwnEndpoints;
import io.gpufleet.scheduler.outbound.UrlNotAllowedException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * The outbound policy as the shipped configuration makes it (the tests' own configuration allows
 * 127.0.0.1; production does not): no loopback, link-local or metadata address for any use.
 */
class OutboundDefaultsTest {

  private static OutboundPolicies shipped() throws IOException {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
    environment
        .getPropertySources()
        .remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
    new YamlPropertySourceLoader()
        .load("shipped", new ClassPathResource("application.yaml"))
        .forEach(source -> environment.getPropertySources().addLast(source));
    OutboundSettings settings =
        new Binder(
                ConfigurationPropertySources.get(environment),
                new PropertySourcesPlaceholdersResolver(environment))
            .bindOrCreate("gpufleet.outbound", OutboundSettings.class);
    HostResolver noDns =
        host -> {
          throw new java.net.UnknownHostException(host);
        };
    return new OutboundPolicies(settings, noDns, OwnEndpoints.NONE);
  }

  @Test
  void theShippedConfigurationRefusesLoopbackLinkLocalAndMetadataForEveryUse() throws Exception {
    OutboundPolicies policies = shipped();
    for (OutboundPolicy policy : List.of(policies.webhooks(), policies.servers())) {
      for (String url :
          List.of(
              "http://127.0.0.1:8188/",
              "http://[::1]/",
              "http://169.254.169.254/latest/meta-data/",
              "http://metadata.google.internal/")) {
        assertThatThrownBy(() -> policy.check(url))
            .as(policy.rules().use() + " " + url)
            .isInstanceOf(UrlNotAllowedException.class);
      }
    }
    assertThat(policies.models().rules().allowedHosts())
        .isEqualTo(OutboundSettings.DEFAULT_MODEL_HOSTS);
    assertThat(policies.webhooks().rules().allowedCidrs()).isEmpty();
    assertThat(policies.servers().rules().allowedCidrs()).isEmpty();
  }
}
