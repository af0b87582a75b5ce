package io.gpufleet.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.testing.TestDatabase.DatabaseSource;
import io.gpufleet.testing.TestDatabase.DatabaseSource.Kind;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DatabaseSourceTest {

  @Test
  void embeddedIsTheDefault() {
    assertThat(DatabaseSource.detect(Map.of(), new Properties()).kind()).isEqualTo(Kind.EMBEDDED);
  }

  @Test
  void testcontainersIsChosenBySystemProperty() {
    Properties system = new Properties();
    system.setProperty("gpufleet.test.db", "Testcontainers");
    assertThat(DatabaseSource.detect(Map.of(), system).kind()).isEqualTo(Kind.TESTCONTAINERS);
  }

  @Test
  void anExistingServerWinsOverEverythingElse() {
    Properties system = new Properties();
    system.setProperty("gpufleet.test.db", "testcontainers");
    DatabaseSource source =
        DatabaseSource.detect(
            Map.of(
                "GPUFLEET_TEST_DB_URL", "jdbc:postgresql://db:5432/postgres",
                "GPUFLEET_TEST_DB_USER", "ci",
                "GPUFLEET_TEST_DB_PASSWORD", "s3cret"),
            system);

    assertThat(source.kind()).isEqualTo(Kind.EXTERNAL);
    assertThat(source.url()).isEqualTo("jdbc:postgresql://db:5432/postgres");
    assertThat(source.username()).isEqualTo("ci");
    assertThat(source.toString()).doesNotContain("s3cret");
  }

  @Test
  void anUnknownChoiceIsAClearError() {
    Properties system = new Properties();
    system.setProperty("gpufleet.test.db", "h2");
    assertThatThrownBy(() -> DatabaseSource.detect(Map.of(), system))
        .hasMessageContaining("'embedded' or 'testcontainers'");
  }

  @Test
  void theDatabaseNameIsReplacedKeepingHostAndParameters() {
    assertThat(
            JdbcCoordinates.withDatabase(
                "jdbc:postgresql://localhost:5432/postgres?sslmode=disable", "t1"))
        .isEqualTo("jdbc:postgresql://localhost:5432/t1?sslmode=disable");
    assertThat(JdbcCoordinates.withDatabase("jdbc:postgresql://h:1", "t2"))
        .isEqualTo("jdbc:postgresql://h:1/t2");
  }
}
