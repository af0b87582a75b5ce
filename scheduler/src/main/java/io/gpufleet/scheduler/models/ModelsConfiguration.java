package io.gpufleet.scheduler.models;

import io.gpufleet.scheduler.outbound.OutboundPolicies;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The preflight under the outbound policy of model downloads, with the real HTTP probe. The sandbox
 * declares its own {@link UrlProbe} as a primary bean (it has no internet).
 */
@Configuration(proxyBeanMethods = false)
class ModelsConfiguration {

  @Bean
  UrlProbe httpUrlProbe(ModelSettings settings) {
    return new OkHttpUrlProbe(settings.preflightTimeout());
  }

  @Bean
  ModelPreflight modelPreflight(ModelSettings settings, OutboundPolicies policies, UrlProbe probe) {
    return new ModelPreflight(policies.models(), probe, settings.maxRedirects());
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
