package io.gpufleet.scheduler.models;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The URL policy and preflight with the real resolver and HTTP probe. The sandbox declares its own
 * {@link HostResolver} and {@link UrlProbe} as primary beans (it has no internet).
 */
@Configuration(proxyBeanMethods = false)
class ModelsConfiguration {

  @Bean
  HostResolver systemHostResolver() {
    return HostResolver.system();
  }

  @Bean
  UrlProbe httpUrlProbe(ModelSettings settings) {
    return new OkHttpUrlProbe(settings.preflightTimeout());
  }

  @Bean
  ModelUrlPolicy modelUrlPolicy(ModelSettings settings, HostResolver resolver) {
    return new ModelUrlPolicy(settings.allowedHosts(), resolver);
  }

  @Bean
  ModelPreflight modelPreflight(ModelSettings settings, ModelUrlPolicy policy, UrlProbe probe) {
    return new ModelPreflight(policy, probe, settings.maxRedirects());
  }

  /** Downloads and inventory refreshes; each download holds a thread while it runs. */
  @Bean(destroyMethod = "shutdownNow")
  ExecutorService modelDownloadExecutor(ModelSettings settings) {
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            settings.maxDownloadThreads(),
            settings.maxDownloadThreads(),
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread thread = new Thread(task, "model-download-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }
}
