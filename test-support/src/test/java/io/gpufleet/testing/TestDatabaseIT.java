package io.gpufleet.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gpufleet.testing.TestDatabase.DatabaseSource;
import io.gpufleet.testing.TestDatabase.DatabaseSource.Kind;
import io.gpufleet.testing.TestDatabase.ServerAccess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

class TestDatabaseIT {

  @Test
  void theSharedDatabaseIsARealPostgresqlOfItsOwn() throws SQLException {
    JdbcCoordinates shared = TestDatabase.shared();

    assertThat(shared.jdbcUrl()).contains("/gpufleet_test_");
    assertThat(query(shared, "select version()")).startsWith("PostgreSQL");
    assertThat(TestDatabase.shared()).isEqualTo(shared);
  }

  @Test
  void aNewDatabaseIsEmptyAndApartFromTheShared() throws SQLException {
    JdbcCoordinates shared = TestDatabase.shared();
    execute(shared, "create table if not exists only_in_shared (id int)");

    JdbcCoordinates fresh = TestDatabase.newDatabase();

    assertThat(fresh.jdbcUrl()).isNotEqualTo(shared.jdbcUrl());
    assertThat(
            query(
                fresh,
                "select count(*) from information_schema.tables where table_schema = 'public'"))
        .isEqualTo("0");
  }

  @Test
  void anExistingServerGivenByUrlGetsADatabaseOfItsOwn() throws Exception {
    try (EmbeddedPostgres existing = EmbeddedPostgres.builder().start()) {
      DatabaseSource source =
          new DatabaseSource(
              Kind.EXTERNAL, existing.getJdbcUrl("postgres", "postgres"), "postgres", "");

      JdbcCoordinates created = ServerAccess.start(source).createDatabase();

      assertThat(created.jdbcUrl())
          .startsWith("jdbc:postgresql://localhost:" + existing.getPort() + "/gpufleet_test_");
      assertThat(query(created, "select current_database()")).startsWith("gpufleet_test_");
    }
  }

  @Test
  void testcontainersGivesAWorkingServerWhereDockerRuns() throws SQLException {
    // Docker is not on every machine; the two tests above cover the fixture without it.
    assumeTrue(DockerClientFactory.instance().isDockerAvailable(), "no Docker engine here");

    JdbcCoordinates created =
        ServerAccess.start(new DatabaseSource(Kind.TESTCONTAINERS, "", "", "")).createDatabase();

    assertThat(query(created, "select version()")).startsWith("PostgreSQL 17");
  }

  private static String query(JdbcCoordinates db, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void execute(JdbcCoordinates db, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
