package io.gpufleet.api.comfy;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.catalina.connector.Connector;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code gpufleet.comfy.port}: a second Tomcat connector on which the endpoint answers at the root,
 * so that a client configured with {@code http://host:8188} works unchanged. A filter ahead of
 * everything (security included) sees each request of that port as its {@code /comfy} twin; the v1
 * API and the console are not served there.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("gpufleet.comfy.port")
class ComfyPortConfiguration {

  /** The connector, and the port it listens on once started (a random one when set to 0). */
  static final class ComfyPort {
    private final Connector connector;

    ComfyPort(int port) {
      this.connector = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
      this.connector.setPort(port);
    }

    int localPort() {
      return connector.getLocalPort();
    }
  }

  @Bean
  ComfyPort comfyPort(ComfyProperties settings) {
    Integer port = settings.port();
    return new ComfyPort(port == null ? 0 : port);
  }

  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> comfyConnector(ComfyPort port) {
    return factory -> factory.addAdditionalConnectors(port.connector);
  }

  @Bean
  FilterRegistrationBean<OncePerRequestFilter> comfyPortPaths(ComfyPort port) {
    FilterRegistrationBean<OncePerRequestFilter> registration =
        new FilterRegistrationBean<>(new RootAsComfy(port));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  /** On the ComfyUI port, {@code /prompt} is {@code /comfy/prompt}, and so on. */
  private static final class RootAsComfy extends OncePerRequestFilter {
    private final ComfyPort port;

    RootAsComfy(ComfyPort port) {
      this.port = port;
    }

    @Override
    protected void doFilterInternal(
        HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
      if (request.getLocalPort() != port.localPort()) {
        chain.doFilter(request, response);
        return;
      }
      chain.doFilter(new Prefixed(request), response);
    }
  }

  private static final class Prefixed extends HttpServletRequestWrapper {
    private static final String PREFIX = "/comfy";

    Prefixed(HttpServletRequest request) {
      super(request);
    }

    @Override
    public String getRequestURI() {
      HttpServletRequest r = (HttpServletRequest) getRequest();
      return r.getContextPath() + PREFIX + r.getRequestURI().substring(r.getContextPath().length());
    }

    @Override
    public StringBuffer getRequestURL() {
      HttpServletRequest r = (HttpServletRequest) getRequest();
      String url = r.getRequestURL().toString();
      String uri = r.getRequestURI();
      return new StringBuffer(url.substring(0, url.length() - uri.length()) + getRequestURI());
    }

    @Override
    public String getServletPath() {
      return PREFIX + super.getServletPath();
    }
  }
}
