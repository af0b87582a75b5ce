package io.gpufleet.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.GpuFleetApplication;
import io.gpufleet.persistence.users.UserAccount;
import io.gpufleet.persistence.users.UserRepository;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The README's first command on a fresh machine: no datasource configured, so the platform runs its
 * own PostgreSQL under the data directory, and a restart finds everything where it was.
 */
class EmbeddedDatabaseRestartIT {

  @TempDir Path dataDir;

  @Test
  void aRestartKeepsTheDataAndTheFirstAdminsPassword() {
    String firstHash;
    try (ConfigurableApplicationContext first = start("first-password")) {
      assertThat(first.getBeanProvider(EmbeddedPostgres.class).getIfAvailable()).isNotNull();
      firstHash = admin(first).getPasswordHash();
    }
    assertThat(Files.isDirectory(dataDir.resolve("postgres"))).isTrue();

    try (ConfigurableApplicationContext second = start("another-password")) {
      UserAccount admin = admin(second);
      PasswordEncoder passwords = second.getBean(PasswordEncoder.class);
      assertThat(admin.getPasswordHash()).isEqualTo(firstHash);
      assertThat(passwords.matches("first-password", admin.getPasswordHash())).isTrue();
      assertThat(passwords.matches("another-password", admin.getPasswordHash())).isFalse();
    }
  }

  private ConfigurableApplicationContext start(String adminPassword) {
    return new SpringApplicationBuilder(GpuFleetApplication.class)
        .run(
            "--server.port=0",
            "--gpufleet.data-dir=" + dataDir,
            "--gpufleet.admin.user=first",
            "--gpufleet.admin.password=" + adminPassword,
            // Quartz keeps its data sources in a JVM-wide registry by scheduler name: a context of
            // its own must not replace (and, closing, break) the shared test context's
            "--spring.quartz.scheduler-name=restart-test",
            "--spring.quartz.properties.org.quartz.scheduler.instanceName=restart-test");
  }

  private static UserAccount admin(ConfigurableApplicationContext context) {
    return context.getBean(UserRepository.class).findByUsernameIgnoreCase("first").orElseThrow();
  }
}
