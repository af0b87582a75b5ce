package io.gpufleet.api.users;

import io.gpufleet.api.system.ErrorCodes;
import io.gpufleet.api.system.ProblemWriter;
import jakarta.servlet.DispatcherType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AccountStatusUserDetailsChecker;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.userdetails.UserDetailsChecker;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.logout.HttpStatusReturningLogoutSuccessHandler;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfException;

/**
 * Two ways in, each its own filter chain: API keys on every request (stateless, no CSRF since
 * browsers cannot forge the header), and console sessions for admins (cookie + CSRF token). Only
 * {@code /api/v1/health} and the actuator's health and info are public.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
class SecurityConfiguration {

  /** The console's static files are public (its login page must load); its data is not. */
  static final String[] PUBLIC = {
    "/api/v1/health",
    "/actuator/health/**",
    "/actuator/info",
    "/api/v1/auth/login",
    "/",
    "/console",
    "/console/**",
    "/webjars/**",
    "/favicon.ico"
  };

  /** Everything about the fleet and its users; checked before a request body is even read. */
  static final String[] ADMIN_ONLY = {
    "/api/v1/users/**",
    "/api/v1/api-keys/**",
    "/api/v1/offers/**",
    "/api/v1/servers/**",
    "/api/v1/pools/**",
    "/api/v1/setup-scripts/**",
    "/api/v1/executions/**",
    "/api/v1/models/**",
    "/api/v1/model-downloads/**",
    "/api/v1/fleet/**",
    "/api/v1/profiles/**",
    "/api/v1/results/**"
  };

  @Bean
  PasswordEncoder passwordEncoder() {
    return PasswordEncoderFactories.createDelegatingPasswordEncoder();
  }

  @Bean
  AuthenticationManager authenticationManager(UserDetailsService users, PasswordEncoder passwords) {
    DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users);
    provider.setPasswordEncoder(passwords);
    // the password first, then whether the account may log in: a disabled account answers after
    // the same work as any other (an unknown user is checked against a dummy hash by the provider)
    UserDetailsChecker accountChecks = new AccountStatusUserDetailsChecker();
    provider.setPreAuthenticationChecks(user -> {});
    provider.setPostAuthenticationChecks(accountChecks);
    return new ProviderManager(provider);
  }

  @Bean
  SecurityContextRepository securityContextRepository() {
    return new HttpSessionSecurityContextRepository();
  }

  @Bean
  AuthenticationEntryPoint problemEntryPoint(ProblemWriter problems) {
    return (request, response, e) ->
        problems.write(
            response,
            HttpStatus.UNAUTHORIZED,
            ErrorCodes.UNAUTHENTICATED,
            e.getMessage() == null ? "Authentication is required" : e.getMessage(),
            request.getRequestURI());
  }

  @Bean
  AccessDeniedHandler problemAccessDenied(ProblemWriter problems) {
    return (request, response, e) ->
        problems.write(
            response,
            HttpStatus.FORBIDDEN,
            e instanceof CsrfException ? "CSRF_TOKEN_INVALID" : ErrorCodes.FORBIDDEN,
            e instanceof CsrfException
                ? "The CSRF token is missing or wrong; send the XSRF-TOKEN cookie's value in"
                    + " the X-XSRF-TOKEN header"
                : "Your role does not allow this",
            request.getRequestURI());
  }

  /**
   * Spring Security's own observations (a timer and a span per filter per request, and one per
   * authorization): nothing an operator reads, a tenth of the submit path's CPU. The property
   * {@code management.observations.enable.spring.security=false} only made them no-ops, still
   * wrapped around every filter; with this setting the chain is not wrapped at all. Requests stay
   * observed ({@code http.server.requests}).
   */
  @Bean
  SecurityObservationSettings securityObservations() {
    return SecurityObservationSettings.noObservations();
  }

  /**
   * Requests that carry an API key. Stateless: no session is looked up or made, no CSRF token is
   * made or set as a cookie (a browser cannot forge the header, so there is nothing for one to
   * protect), no request is saved for after a login. The same rules decide what the key may do.
   */
  @Bean
  @Order(1)
  SecurityFilterChain apiKeys(
      HttpSecurity http,
      ApiKeyCache apiKeys,
      AuthenticationEntryPoint entryPoint,
      AccessDeniedHandler accessDenied)
      throws Exception {
    http.securityMatcher(request -> ApiKeyAuthenticationFilter.presentedKey(request) != null)
        .csrf(csrf -> csrf.disable())
        .sessionManagement(
            session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .securityContext(
            context ->
                context.securityContextRepository(new RequestAttributeSecurityContextRepository()))
        .requestCache(cache -> cache.disable())
        .anonymous(anonymous -> anonymous.disable())
        .addFilterBefore(
            new ApiKeyAuthenticationFilter(apiKeys, entryPoint),
            AnonymousAuthenticationFilter.class);
    return both(http, entryPoint, accessDenied).build();
  }

  /** Console sessions, and requests with no credentials at all. */
  @Bean
  SecurityFilterChain api(
      HttpSecurity http,
      AuthenticationEntryPoint entryPoint,
      AccessDeniedHandler accessDenied,
      SecurityContextRepository contexts)
      throws Exception {
    http.csrf(
            csrf ->
                csrf.spa()
                    // no session, nothing a forged cross-site request could ride on: let the
                    // request reach authentication, which answers 401
                    .ignoringRequestMatchers(request -> request.getRequestedSessionId() == null)
                    .ignoringRequestMatchers("/api/v1/auth/login"))
        .securityContext(context -> context.securityContextRepository(contexts));
    return both(http, entryPoint, accessDenied).build();
  }

  /** What both chains do alike: no basic or form login, logout, problems, the rules. */
  private static HttpSecurity both(
      HttpSecurity http, AuthenticationEntryPoint entryPoint, AccessDeniedHandler accessDenied)
      throws Exception {
    return http.httpBasic(basic -> basic.disable())
        .formLogin(form -> form.disable())
        .logout(
            logout ->
                logout
                    .logoutUrl("/api/v1/auth/logout")
                    .logoutSuccessHandler(
                        new HttpStatusReturningLogoutSuccessHandler(HttpStatus.NO_CONTENT)))
        .exceptionHandling(
            e -> e.authenticationEntryPoint(entryPoint).accessDeniedHandler(accessDenied))
        .authorizeHttpRequests(SecurityConfiguration::rules);
  }

  /** What each path needs, for a key and a session alike. */
  private static void rules(
      AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry
          auth) {
    // the dispatch that finishes a streamed answer (SSE) continues a request that was authorized
    // when it began; API keys are not presented to it again
    auth.dispatcherTypeMatchers(DispatcherType.ASYNC)
        .permitAll()
        .requestMatchers(PUBLIC)
        .permitAll()
        .requestMatchers("/actuator/**")
        .hasRole("ADMIN")
        .requestMatchers(ADMIN_ONLY)
        .hasRole("ADMIN")
        // the handshake authenticates itself (key, session or one-time ticket): see
        // io.gpufleet.api.live.SocketConfiguration
        .requestMatchers(HttpMethod.GET, "/api/v1/ws")
        .permitAll()
        .anyRequest()
        .authenticated();
  }
}
