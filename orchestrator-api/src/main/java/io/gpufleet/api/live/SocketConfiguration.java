package io.gpufleet.api.live;

import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.users.UserAccount;
import io.gpufleet.persistence.users.UserRepository;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * {@code /api/v1/ws}. The security chain lets the handshake through (a ticket is not a credential
 * it knows) but still authenticates API keys and console sessions; this interceptor then insists on
 * one of those or on a valid ticket. Browsers' cross-origin handshakes are refused by Spring's
 * default same-origin check, so a console cookie cannot be ridden from another site.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class SocketConfiguration implements WebSocketConfigurer {

  static final String PATH = "/api/v1/ws";

  private final GenerationSocketHandler handler;
  private final SocketTickets tickets;
  private final UserRepository users;

  SocketConfiguration(
      GenerationSocketHandler handler, SocketTickets tickets, UserRepository users) {
    this.handler = handler;
    this.tickets = tickets;
    this.users = users;
  }

  @Override
  public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
    registry.addHandler(handler, PATH).addInterceptors(new Authenticate());
  }

  private final class Authenticate implements HandshakeInterceptor {

    @Override
    public boolean beforeHandshake(
        ServerHttpRequest request,
        ServerHttpResponse response,
        WebSocketHandler wsHandler,
        Map<String, Object> attributes) {
      Optional<AuthenticatedUser> user = fromSecurityContext().or(() -> fromTicket(request));
      if (user.isEmpty()) {
        response.setStatusCode(HttpStatus.UNAUTHORIZED);
        return false;
      }
      attributes.put(GenerationSocketHandler.USER, user.get());
      return true;
    }

    @Override
    public void afterHandshake(
        ServerHttpRequest request,
        ServerHttpResponse response,
        WebSocketHandler wsHandler,
        @Nullable Exception exception) {}
  }

  private static Optional<AuthenticatedUser> fromSecurityContext() {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth != null && auth.getPrincipal() instanceof AuthenticatedUser) {
      return Optional.of((AuthenticatedUser) auth.getPrincipal());
    }
    return Optional.empty();
  }

  private Optional<AuthenticatedUser> fromTicket(ServerHttpRequest request) {
    if (!(request instanceof ServletServerHttpRequest)) {
      return Optional.empty();
    }
    String ticket = ((ServletServerHttpRequest) request).getServletRequest().getParameter("ticket");
    if (ticket == null || ticket.isBlank()) {
      return Optional.empty();
    }
    return tickets
        .redeem(ticket)
        .flatMap(users::findById)
        .filter(UserAccount::isEnabled)
        .map(AuthenticatedUser::of);
  }
}
