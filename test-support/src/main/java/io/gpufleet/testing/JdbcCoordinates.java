package io.gpufleet.testing;

import java.util.Map;

/** How to reach one PostgreSQL database. */
public record JdbcCoordinates(String jdbcUrl, String username, String password) {

  /** {@code jdbc:postgresql://host:port/db?x=y} with its database name replaced. */
  static String withDatabase(String jdbcUrl, String database) {
    String prefix = "jdbc:postgresql://";
    if (!jdbcUrl.startsWith(prefix)) {
      throw new IllegalArgumentException("Not a PostgreSQL JDBC URL: " + jdbcUrl);
    }
    int queryAt = jdbcUrl.indexOf('?');
    String query = queryAt < 0 ? "" : jdbcUrl.substring(queryAt);
    String base = queryAt < 0 ? jdbcUrl : jdbcUrl.substring(0, queryAt);
    int slash = base.indexOf('/', prefix.length());
    String hostPart = slash < 0 ? base : base.substring(0, slash);
    return hostPart + "/" + database + query;
  }

  /** Spring Boot's datasource properties for this database. */
  public Map<String, String> springProperties() {
    return Map.of(
        "spring.datasource.url", jdbcUrl,
        "spring.datasource.username", username,
        "spring.datasource.password", password);
  }

  @Override
  public String toString() {
    return "JdbcCoordinates[" + jdbcUrl + ", user=" + username + "]";
  }
}
