package io.gpufleet.api.system;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The platform's own settings, under {@code gpufleet.*} (environment: {@code GPUFLEET_*}).
 *
 * @param dataDir where the embedded database and stored results live
 * @param admin the first admin, created on a start with no admin in the database
 * @param embeddedDatabase the embedded PostgreSQL used when no datasource URL is configured
 * @param api limits of the HTTP API
 */
@ConfigurationProperties("gpufleet")
public record GpuFleetProperties(
    @DefaultValue("./data") Path dataDir,
    @DefaultValue Admin admin,
    @DefaultValue EmbeddedDatabase embeddedDatabase,
    @DefaultValue Api api) {

  /**
   * @param user the first admin's name
   * @param password its password; generated and printed once in the log when absent
   * @param apiKey an API key to register for that admin, for automation
   */
  public record Admin(
      @DefaultValue("admin") String user, @Nullable Secret password, @Nullable Secret apiKey) {}

  /**
   * @param maxBodySize the largest JSON request body accepted (uploads have their own limit)
   */
  public record Api(@DefaultValue("4MB") DataSize maxBodySize) {}

  /**
   * @param port the port of the embedded PostgreSQL; 0 picks a free one
   */
  public record EmbeddedDatabase(@DefaultValue("0") int port) {}
}
