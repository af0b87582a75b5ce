package io.gpufleet.scheduler.secrets;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the master key comes from ({@code gpufleet.*}).
 *
 * @param dataDir the platform's data directory; holds {@code master.key} when no key is configured
 * @param secrets the master key, if configured
 */
@ConfigurationProperties("gpufleet")
public record SecretsSettings(@DefaultValue("./data") Path dataDir, @DefaultValue Secrets secrets) {

  /**
   * @param masterKey base64 of 32 random bytes ({@code GPUFLEET_SECRETS_MASTER_KEY}); absent means
   *     a key kept in a file of the data directory, which only suits a single replica
   */
  public record Secrets(@Nullable String masterKey) {
    @Override
    public String toString() {
      return "Secrets[masterKey=" + (masterKey == null ? "<none>" : "****") + "]";
    }
  }

  /** The file that holds a generated master key. */
  public Path masterKeyFile() {
    return dataDir.resolve("master.key");
  }
}
