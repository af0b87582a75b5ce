package io.gpufleet.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.persistence.users.ApiKey;
import io.gpufleet.persistence.users.ApiKeyRepository;
import io.gpufleet.persistence.users.Role;
import io.gpufleet.persistence.users.UserAccount;
import io.gpufleet.persistence.users.UserRepository;
import io.gpufleet.testing.TestDatabase;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Flyway builds the schema on a real PostgreSQL and Hibernate's {@code validate} accepts it. */
@SpringBootTest(classes = PersistenceTestApplication.class)
class SchemaIT {

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabase.shared().springProperties().forEach((k, v) -> registry.add(k, () -> v));
  }

  @Autowired JdbcTemplate jdbc;
  @Autowired UserRepository users;
  @Autowired ApiKeyRepository apiKeys;

  @Test
  void runsOnRealPostgresql() {
    String version = jdbc.queryForObject("select version()", String.class);
    assertThat(version).startsWith("PostgreSQL");
  }

  @Test
  void flywayCreatesQuartzTablesSoBootNeverHasTo() {
    List<String> tables =
        jdbc.queryForList(
            "select lower(table_name) from information_schema.tables where table_schema = 'public'"
                + " and table_name ilike 'qrtz%'",
            String.class);
    assertThat(tables)
        .contains(
            "qrtz_job_details",
            "qrtz_triggers",
            "qrtz_cron_triggers",
            "qrtz_locks",
            "qrtz_scheduler_state",
            "qrtz_fired_triggers");
  }

  @Test
  void usernamesAreUniqueWhateverTheirCase() {
    Instant now = Instant.parse("2026-11-22T10:00:00Z");
    users.saveAndFlush(new UserAccount("Alice-" + now.getNano(), Role.USER, null, now));
    assertThatThrownBy(
            () ->
                users.saveAndFlush(new UserAccount("alice-" + now.getNano(), Role.USER, null, now)))
        .isInstanceOf(DataIntegrityViolationException.class);
    assertThat(users.findByUsernameIgnoreCase("ALICE-" + now.getNano())).isPresent();
  }

  @Test
  void apiKeysAreFoundByTheirHashWithTheirUser() {
    Instant now = Instant.parse("2026-11-22T10:00:00Z");
    UserAccount bob = users.saveAndFlush(new UserAccount("bob-keys", Role.ADMIN, null, now));
    String hash = "a".repeat(64);
    apiKeys.saveAndFlush(new ApiKey(bob, "ci", "gf_abcd1234", hash, now, null));

    ApiKey found = apiKeys.findByKeyHash(hash).orElseThrow();
    assertThat(found.getUser().getUsername()).isEqualTo("bob-keys");
    assertThat(found.isActiveAt(now)).isTrue();
    found.revoke(now.plusSeconds(1));
    assertThat(found.isActiveAt(now.plusSeconds(2))).isFalse();
  }
}
