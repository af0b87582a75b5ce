package io.gpufleet.scheduler.secrets;

import io.gpufleet.scheduler.comfy.ComfyClients;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class SecretsConfiguration {

  @Bean
  SecretBox secretBox(SecretsSettings settings) {
    return new SecretBox(MasterKeys.load(settings), MasterKeys.source(settings));
  }

  /** ComfyUI tokens of servers behind an auth proxy are stored sealed by the box. */
  @Bean
  ComfyClients.TokenDecrypter comfyTokenDecrypter(SecretBox box) {
    return encrypted -> encrypted == null ? null : box.decrypt(encrypted);
  }
}
