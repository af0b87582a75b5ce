package io.gpufleet.scheduler.vast;

import java.time.Duration;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Vast.ai account and how servers are rented there ({@code gpufleet.vast.*}, environment {@code
 * GPUFLEET_VAST_*}). Without an API key the application runs in sandbox mode.
 *
 * @param apiKey the account's key; never logged
 * @param baseUrl the Vast.ai API
 * @param image the container image servers are rented with; ComfyUI is installed by setup
 * @param runtype Vast's launch mode; direct SSH so that setup runs reach the container
 * @param maxAttempts attempts per idempotent call, the first included
 * @param initialBackoff the first wait before a call is tried again; it doubles
 * @param timeout the longest silence within one answer of Vast.ai before the call fails (a rent
 *     whose answer is lost so is looked for by its label, never rented again)
 */
@ConfigurationProperties("gpufleet.vast")
public record VastSettings(
    @Nullable String apiKey,
    @DefaultValue("https://console.vast.ai") String baseUrl,
    @DefaultValue("pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime") String image,
    @DefaultValue("ssh_direc ssh_proxy") String runtype,
    @DefaultValue("4") int maxAttempts,
    @DefaultValue("1s") Duration initialBackoff,
    @DefaultValue("60s") Duration timeout) {

  /** The HTTP client of Vast.ai calls, with {@link #timeout}. */
  public OkHttpClient httpClient() {
    return new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(timeout)
        .callTimeout(timeout.multipliedBy(2))
        .build();
  }

  public boolean sandbox() {
    return apiKey == null || apiKey.isBlank();
  }

  @Override
  public String toString() {
    return "VastSettings[" + baseUrl + ", key=" + (sandbox() ? "none" : "******") + "]";
  }
}
