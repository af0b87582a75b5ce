package io.gpufleet.api.system;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document at {@code /v3/api-docs}, shown by Swagger UI at {@code /swagger-ui.html}.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

  @Bean
  OpenAPI gpuFleetOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("GPU Fleet API")
                .version("v1")
                .description(
                    "Servers on Vast.ai running ComfyUI, their setup and schedules, and the"
                        + " generations routed to them. Errors are RFC 9457 problem details with a"
                        + " stable `code`."))
        .components(
            new Components()
                .addSecuritySchemes(
                    "apiKey",
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description("An API key: Authorization: Bearer gf_…")))
        .addSecurityItem(new SecurityRequirement().addList("apiKey"));
  }
}
