package io.gpufleet.api.users;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request that carries an API key ({@code Authorization: Bearer …}, {@code
 * X-API-Key}, or {@code ?token=} on the few paths of {@link #QUERY_TOKEN_PATHS}). A key that is
 * present but wrong, revoked or expired ends the request with 401: it never falls back to anonymous
 * access.
 */
final class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

  static final String TOKEN_PARAMETER = "token";

  /** The ComfyUI-compatible socket and image paths (io.gpufleet.api.comfy), with ComfyUI's /api. */
  static final Set<String> QUERY_TOKEN_PATHS =
      Set.of("/comfy/ws", "/comfy/api/ws", "/comfy/view", "/comfy/api/view");

  private final ApiKeyCache keys;
  private final AuthenticationEntryPoint entryPoint;

  ApiKeyAuthenticationFilter(ApiKeyCache keys, AuthenticationEntryPoint entryPoint) {
    this.keys = keys;
    this.entryPoint = entryPoint;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String key = presentedKey(request);
    if (key == null) {
      chain.doFilter(request, response);
      return;
    }
    Optional<AuthenticatedUser> user = authenticate(key);
    if (user.isEmpty()) {
      SecurityContextHolder.clearContext();
      entryPoint.commence(
          request, response, new BadCredentialsException("The API key is not valid"));
      return;
    }
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(
        UsernamePasswordAuthenticationToken.authenticated(
            user.get(), null, user.get().authorities()));
    SecurityContextHolder.setContext(context);
    try {
      chain.doFilter(request, response);
    } finally {
      SecurityContextHolder.clearContext();
    }
  }

  private Optional<AuthenticatedUser> authenticate(String key) {
    return keys.authenticate(ApiKeyCodec.hash(key));
  }

  static @Nullable String presentedKey(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String key = header.substring(7).strip();
      return key.isEmpty() ? null : key;
    }
    String apiKey = request.getHeader("X-API-Key");
    if (apiKey != null && !apiKey.isBlank()) {
      return apiKey.strip();
    }
    if (acceptsQueryToken(request)) {
      String token = request.getParameter(TOKEN_PARAMETER);
      return token == null || token.isBlank() ? null : token.strip();
    }
    return null;
  }

  /**
   * ComfyUI front-ends cannot set headers on a WebSocket or an {@code <img src>}: there, and only
   * there, the key may come as {@code ?token=}. Nothing logs query strings (problems log the path;
   * Spring masks request details), so the key stays out of the logs.
   */
  static boolean acceptsQueryToken(HttpServletRequest request) {
    if (!"GET".equals(request.getMethod())) {
      return false;
    }
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return QUERY_TOKEN_PATHS.contains(path);
  }
}
