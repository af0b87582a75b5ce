package io.gpufleet.scheduler.outbound;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The policies with the system resolver. The sandbox declares its own {@link HostResolver} (model
 * hosts without DNS) and {@link OwnEndpoints} (its simulators' loopback ports).
 */
@Configuration(proxyBeanMethods = false)
class OutboundConfiguration {

  @Bean
  HostResolver systemHostResolver() {
    return HostResolver.system();
  }

  @Bean
  OutboundPolicies outboundPolicies(
      OutboundSettings settings, HostResolver resolver, ObjectProvider<OwnEndpoints> own) {
    return new OutboundPolicies(settings, resolver, own.getIfAvailable(() -> OwnEndpoints.NONE));
  }
}
