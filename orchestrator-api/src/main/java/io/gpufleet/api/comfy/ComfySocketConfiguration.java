package io.gpufleet.api.comfy;

import io.gpufleet.api.users.AuthenticatedUser;
import java.util.Map;
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
 * {@code /comfy/ws} and {@code /comfy/api/ws}. The security chain has authenticated the handshake
 * (a bearer key, {@code ?token=}, or a console session); this takes the caller and the client id
 * from it. Cross-origin handshakes are refused (Spring's default), so a console cookie cannot be
 * ridden from another site.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class ComfySocketConfiguration implements WebSocketConfigurer {

  private static final int MAX_CLIENT_ID = 256;

  private final ComfySocketHandler handler;

  ComfySocketConfiguration(ComfySocketHandler handler) {
    this.handler = handler;
  }

  @Override
  public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
    registry.addHandler(handler, "/comfy/ws", "/comfy/api/ws").addInterceptors(new Identify());
  }

  private static final class Identify implements HandshakeInterceptor {

    @Override
    public boolean beforeHandshake(
        ServerHttpRequest request,
        ServerHttpResponse response,
        WebSocketHandler wsHandler,
        Map<String, Object> attributes) {
      Authentication auth = SecurityContextHolder.getContext().getAuthentication();
      if (auth == null || !(auth.getPrincipal() instanceof AuthenticatedUser)) {
        response.setStatusCode(HttpStatus.UNAUTHORIZED);
        return false;
      }
      String clientId = null;
      if (request instanceof ServletServerHttpRequest) {
        clientId =
            ((ServletServerHttpRequest) request).getServletRequest().getParameter("clientId");
      }
      if (clientId == null || clientId.isBlank()) {
        clientId = ComfySocketHandler.newClientId();
      } else if (clientId.length() > MAX_CLIENT_ID) {
        response.setStatusCode(HttpStatus.BAD_REQUEST);
        return false;
      }
      attributes.put(ComfySocketHandler.USER, auth.getPrincipal());
      attributes.put(ComfySocketHandler.CLIENT_ID, clientId);
      return true;
    }

    @Override
    public void afterHandshake(
        ServerHttpRequest request,
        ServerHttpResponse response,
        WebSocketHandler wsHandler,
        @Nullable Exception exception) {}
  }
}
