package io.gpufleet.api.ratelimits;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
class RateLimitWebConfiguration implements WebMvcConfigurer {

  private final RequestRateLimitInterceptor interceptor;

  RateLimitWebConfiguration(RequestRateLimitInterceptor interceptor) {
    this.interceptor = interceptor;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry
        .addInterceptor(interceptor)
        .addPathPatterns("/api/v1/**")
        .excludePathPatterns("/api/v1/health", "/api/v1/auth/**");
  }
}
