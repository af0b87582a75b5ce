package io.gpufleet.api.ratelimits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.BatchingWriter;
import io.gpufleet.api.system.BatchingWriter.Item;
import io.gpufleet.api.system.ErrorCodes;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The bands' counts, one row per user and kind in {@code rate_limit_counters}, so that a limit
 * holds across replicas. A take locks its row for the length of a transaction; concurrent takes of
 * this replica are gathered by one thread ({@link BatchingWriter}) and done in one transaction of
 * three statements (lock and read the rows, write them back, commit) whatever their number and
 * their users. With a transaction per take, as bucket4j's PostgreSQL backend does, the request and
 * generation bands were two-thirds of PostgreSQL's statements per submit.
 */
final class BandCounters implements AutoCloseable {

  /** The most takes one transaction does; more wait for the next. */
  static final int MAX_BATCH = 256;

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private final JdbcTemplate jdbc;
  private final Clock clock;
  private final BatchingWriter<Take, Taken> writer;

  /** Rows this replica knows exist, so that a batch need not insert them first. */
  private final Cache<String, Boolean> created =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofHours(1)).build();

  /** One action to count against the bands of row {@code id}. */
  private record Take(String id, long[] windowsMillis, int[] limits) {}

  /** Whether the action was counted, and the windows as they stand after it. */
  record Taken(boolean allowed, BandWindows windows, long nowMillis) {}

  BandCounters(DataSource dataSource, Clock clock) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.clock = clock;
    this.writer =
        new BatchingWriter<>(
            "rate-limit-counters",
            MAX_BATCH,
            PATIENCE,
            batch -> jdbc.execute((ConnectionCallback<Void>) c -> count(c, batch)),
            BandCounters::busy);
  }

  /**
   * Counts one action against every band of the row {@code id} (windows and limits in band order),
   * or none when one of them is spent.
   */
  Taken take(String id, long[] windowsMillis, int[] limits) {
    return writer.write(new Take(id, windowsMillis, limits));
  }

  /** The row's windows as of now, read without a lock and without counting anything. */
  Taken read(String id, long[] windowsMillis) {
    List<long[]> stored =
        jdbc.query(
            "SELECT state FROM rate_limit_counters WHERE id = ?",
            (rs, i) -> longs(rs.getArray(1)),
            id);
    BandWindows windows =
        stored.isEmpty()
            ? BandWindows.fresh(windowsMillis.length)
            : BandWindows.parse(stored.get(0), windowsMillis.length);
    long now = clock.millis();
    windows.roll(windowsMillis, now);
    return new Taken(true, windows, now);
  }

  @Override
  public void close() {
    writer.close();
  }

  private static ApiException busy() {
    return new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        ErrorCodes.DATABASE_BUSY,
        "The rate limits could not be counted in time; nothing was done, retry shortly");
  }

  /**
   * The batch in one transaction: its rows locked in key order (so that two replicas' batches
   * cannot deadlock), its takes counted in arrival order, the rows written back.
   */
  private @Nullable Void count(Connection connection, List<Item<Take, Taken>> batch)
      throws SQLException {
    TreeSet<String> ids = new TreeSet<>();
    batch.forEach(t -> ids.add(t.input().id()));
    List<String> unknown = ids.stream().filter(id -> created.getIfPresent(id) == null).toList();
    if (!unknown.isEmpty()) {
      // committed on their own, empty: the locking read below then finds every row, and no
      // batch holds a row it created while it waits for another's lock
      insertMissing(connection, unknown);
      unknown.forEach(id -> created.put(id, Boolean.TRUE));
    }
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      Map<String, long[]> stored = lockAndRead(connection, ids);
      if (stored.size() < ids.size()) {
        // a row went (the table was emptied by hand): create it, then lock it too
        List<String> gone = ids.stream().filter(id -> !stored.containsKey(id)).toList();
        insertMissing(connection, gone);
        stored.putAll(lockAndRead(connection, new TreeSet<>(gone)));
      }
      long now = clock.millis();
      Map<String, BandWindows> rows = new LinkedHashMap<>();
      Map<Item<Take, Taken>, Taken> outcomes = new HashMap<>();
      for (Item<Take, Taken> item : batch) {
        Take take = item.input();
        int bands = take.limits().length;
        BandWindows windows =
            rows.computeIfAbsent(
                take.id(), id -> BandWindows.parse(stored.getOrDefault(id, new long[0]), bands));
        boolean allowed = windows.take(take.windowsMillis(), take.limits(), now);
        outcomes.put(item, new Taken(allowed, windows.copy(), now));
      }
      write(connection, rows);
      connection.commit();
      outcomes.forEach((item, taken) -> item.outcome().complete(taken));
      return null;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private static void insertMissing(Connection connection, List<String> ids) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO rate_limit_counters (id) SELECT id FROM unnest(?::text[]) AS u(id)"
                + " ORDER BY id ON CONFLICT (id) DO NOTHING")) {
      insert.setArray(1, connection.createArrayOf("text", ids.toArray()));
      insert.executeUpdate();
    }
  }

  private static Map<String, long[]> lockAndRead(Connection connection, TreeSet<String> ids)
      throws SQLException {
    Map<String, long[]> stored = new HashMap<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT id, state FROM rate_limit_counters WHERE id = ANY (?::text[])"
                + " ORDER BY id FOR UPDATE")) {
      select.setArray(1, connection.createArrayOf("text", ids.toArray()));
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          stored.put(rs.getString(1), longs(rs.getArray(2)));
        }
      }
    }
    return stored;
  }

  private static void write(Connection connection, Map<String, BandWindows> rows)
      throws SQLException {
    String[] ids = rows.keySet().toArray(String[]::new);
    String[] states = new String[ids.length];
    for (int i = 0; i < ids.length; i++) {
      StringBuilder state = new StringBuilder("{");
      long[] flat = rows.get(ids[i]).stored();
      for (int j = 0; j < flat.length; j++) {
        state.append(j == 0 ? "" : ",").append(flat[j]);
      }
      states[i] = state.append('}').toString();
    }
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE rate_limit_counters c SET state = v.state::bigint[]"
                + " FROM unnest(?::text[], ?::text[]) AS v(id, state) WHERE c.id = v.id")) {
      update.setArray(1, connection.createArrayOf("text", ids));
      update.setArray(2, connection.createArrayOf("text", states));
      update.executeUpdate();
    }
  }

  private static long[] longs(Array array) throws SQLException {
    Object[] values = (Object[]) array.getArray();
    long[] longs = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      longs[i] = ((Number) values[i]).longValue();
    }
    return longs;
  }
}
