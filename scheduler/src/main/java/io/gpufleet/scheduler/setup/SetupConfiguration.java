package io.gpufleet.scheduler.setup;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class SetupConfiguration {

  @Bean(destroyMethod = "close")
  SshScriptRunner sshScriptRunner(SetupSettings settings) {
    return SshScriptRunner.builder()
        .connectTimeout(settings.connectTimeout())
        .authTimeout(settings.connectTimeout())
        .maxRunDuration(settings.maxRunDuration())
        .build();
  }
}
