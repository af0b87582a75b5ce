package io.gpufleet.api.users;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.ErrorCodes;
import io.gpufleet.persistence.users.UserRepository;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Console sessions: an admin logs in with a password and gets a session cookie; every later
 * state-changing request from the browser carries the CSRF token from the {@code XSRF-TOKEN}
 * cookie. Logout is handled by Spring Security at {@code POST /api/v1/auth/logout}.
 */
@RestController
class AuthController {

  static final String BAD_CREDENTIALS = "BAD_CREDENTIALS";
  static final String LOGIN_THROTTLED = "LOGIN_THROTTLED";

  private final AuthenticationManager authentication;
  private final SecurityContextRepository contexts;
  private final UserRepository users;
  private final LoginThrottle throttle;

  AuthController(
      AuthenticationManager authentication,
      SecurityContextRepository contexts,
      UserRepository users,
      LoginThrottle throttle) {
    this.authentication = authentication;
    this.contexts = contexts;
    this.users = users;
    this.throttle = throttle;
  }

  /**
   * Logs in, unless this username or this client address failed too often lately ({@code 429
   * LOGIN_THROTTLED} with {@code Retry-After}, whether or not the user exists). A wrong password
   * and an unknown user get the same answer after the same work (the password is checked against a
   * dummy hash).
   */
  @PostMapping("/api/v1/auth/login")
  MeController.Me login(
      @Valid @RequestBody Login login, HttpServletRequest request, HttpServletResponse response) {
    LoginThrottle.Attempt attempt = throttle.begin(login.username(), request.getRemoteAddr());
    if (attempt.held()) {
      long seconds = Math.max(1, (attempt.retryAfter().orElseThrow().toMillis() + 999) / 1000);
      response.setHeader("Retry-After", Long.toString(seconds));
      throw new ApiException(
              HttpStatus.TOO_MANY_REQUESTS,
              LOGIN_THROTTLED,
              "Too many failed logins; try again in " + seconds + " s")
          .with("retryAfterSeconds", seconds);
    }
    try {
      authentication.authenticate(
          UsernamePasswordAuthenticationToken.unauthenticated(login.username(), login.password()));
    } catch (AuthenticationException e) {
      throw new ApiException(
          HttpStatus.UNAUTHORIZED, BAD_CREDENTIALS, "Wrong username or password");
    }
    throttle.succeeded(login.username(), attempt);
    AuthenticatedUser user =
        AuthenticatedUser.of(users.findByUsernameIgnoreCase(login.username()).orElseThrow());
    if (!user.isAdmin()) {
      throw new ApiException(
          HttpStatus.FORBIDDEN,
          ErrorCodes.FORBIDDEN,
          "The console is for admins; API users authenticate with an API key");
    }
    // a new session id at login, so a session fixed before it is worth nothing
    if (request.getSession(false) != null) {
      request.changeSessionId();
    }
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(
        UsernamePasswordAuthenticationToken.authenticated(user, null, user.authorities()));
    SecurityContextHolder.setContext(context);
    contexts.saveContext(context, request, response);
    return MeController.Me.of(user);
  }

  record Login(
      @NotBlank @Size(max = 64) String username, @NotBlank @Size(max = 128) String password) {

    @Override
    public String toString() {
      return "Login[" + username + "]";
    }
  }
}
