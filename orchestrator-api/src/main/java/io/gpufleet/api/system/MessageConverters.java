package io.gpufleet.api.system;

import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;

/**
 * The API answers JSON (and files); it does not answer YAML. Spring registers a YAML converter
 * because Jackson 2's YAML module is on the class path (for the OpenAPI document's own writer), and
 * every JSON answer then asked it whether it could write the body: a probe that builds a serializer
 * provider each time, 6 % of the submit path's CPU in a profile.
 */
@Configuration(proxyBeanMethods = false)
class MessageConverters {

  @Bean
  ServerHttpMessageConvertersCustomizer noYamlAnswers() {
    return converters ->
        converters.configureMessageConvertersList(
            list ->
                list.removeIf(
                    c -> c.getSupportedMediaTypes().contains(MediaType.APPLICATION_YAML)));
  }
}
