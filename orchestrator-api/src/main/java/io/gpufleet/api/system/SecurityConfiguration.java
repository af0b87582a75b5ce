package io.gpufleet.api.system;

import io.gpufleet.api.users.ApiKeyAuthenticationFilter;
import io.gpufleet.persistence.users.ApiKeyRepository;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.transaction.support.TransactionTemplate;

/** Only {@code /api/v1/health} (and the actuator's health and info) are public. */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  @Bean
  PasswordEncoder passwordEncoder() {
    return PasswordEncoderFactories.createDelegatingPasswordEncoder();
  }

  @Bean
  AuthenticationEntryPoint problemEntryPoint(ProblemWriter problems) {
    return (request, response, e) ->
        problems.write(
            response,
            HttpStatus.UNAUTHORIZED,
            "UNAUTHENTICATED",
            e.getMessage() == null ? "Authentication is required" : e.getMessage(),
            request.getRequestURI());
  }

  @Bean
  AccessDeniedHandler problemAccessDenied(ProblemWriter problems) {
    return (request, response, e) ->
        problems.write(
            response,
            HttpStatus.FORBIDDEN,
            "FORBIDDEN",
            "Your role does not allow this",
            request.getRequestURI());
  }

  @Bean
  SecurityFilterChain api(
      HttpSecurity http,
      ApiKeyRepository apiKeys,
      TransactionTemplate transaction,
      AuthenticationEntryPoint entryPoint,
      AccessDeniedHandler accessDenied,
      Clock clock)
      throws Exception {
    http.csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .httpBasic(basic -> basic.disable())
        .formLogin(form -> form.disable())
        .exceptionHandling(
            e -> e.authenticationEntryPoint(entryPoint).accessDeniedHandler(accessDenied))
        .addFilterBefore(
            new ApiKeyAuthenticationFilter(apiKeys, transaction, entryPoint, clock),
            AnonymousAuthenticationFilter.class)
        .authorizeHttpRequests(
            auth ->
                auth.requestMatchers("/api/v1/health", "/actuator/health/**", "/actuator/info")
                    .permitAll()
                    .requestMatchers("/actuator/**")
                    .hasRole("ADMIN")
                    .anyRequest()
                    .authenticated());
    return http.build();
  }
}
