package io.gpufleet.api.system;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every server setting of the embedded PostgreSQL of the run mode, in this one place.
 *
 * <p>The embedded default keeps the real data of a small installation (servers, keys, generations,
 * history), so it runs durably: a {@code 202} means the generation is on disk. The embedded library
 * starts PostgreSQL as a throw-away test database ({@code -F}, i.e. fsync off, and {@code
 * synchronous_commit=off}); the settings below come after those on the server's command line and
 * win, so {@code SHOW fsync} answers {@code on}. Only sizes that suit one small machine are tuned;
 * everything else is PostgreSQL's default. (Tests use the library's fast settings on purpose: see
 * {@code io.gpufleet.testing.TestDatabase}.)
 */
final class EmbeddedPostgresSettings {

  private EmbeddedPostgresSettings() {}

  /** The settings, in the order they are passed as {@code -c name=value}. */
  static Map<String, String> durable() {
    Map<String, String> settings = new LinkedHashMap<>();
    // durability: never traded for speed in the run mode
    settings.put("fsync", "on");
    settings.put("synchronous_commit", "on");
    settings.put("full_page_writes", "on");
    // one replica's pools (API, Quartz, rate limits, the event listener) need far fewer than the
    // library's 300; each connection reserves memory
    settings.put("max_connections", "60");
    // PostgreSQL's default cache; enough for a fleet's rows on a machine that also runs the JVM
    settings.put("shared_buffers", "128MB");
    // a small data directory: checkpoints rather than an unbounded WAL
    settings.put("max_wal_size", "512MB");
    settings.put("min_wal_size", "64MB");
    settings.put("timezone", "UTC");
    return settings;
  }
}
