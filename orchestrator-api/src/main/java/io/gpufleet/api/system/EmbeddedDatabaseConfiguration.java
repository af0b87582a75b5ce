package io.gpufleet.api.system;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * With no {@code spring.datasource.url}, the platform brings its own PostgreSQL: a real server
 * started from a Maven artifact, whose data lives in {@code <data dir>/postgres} so that a restart
 * keeps it ({@link EmbeddedDatabase}). Kept apart from everything that uses the {@code DataSource}
 * (see PITFALLS.md).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoDatasourceUrl.class)
class EmbeddedDatabaseConfiguration {

  @Bean(destroyMethod = "close")
  EmbeddedDatabase embeddedDatabase(GpuFleetProperties properties) throws IOException {
    return EmbeddedDatabase.start(
        properties.dataDir().resolve("postgres").toAbsolutePath().normalize(),
        properties.embeddedDatabase().port());
  }

  /** The server itself, for whoever reports on it; stopped by its {@link EmbeddedDatabase}. */
  @Bean(destroyMethod = "")
  EmbeddedPostgres embeddedPostgres(EmbeddedDatabase database) {
    return database.postgres();
  }

  @Bean
  DataSource dataSource(EmbeddedPostgres postgres) {
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
    dataSource.setUsername("postgres");
    dataSource.setPoolName("gpufleet-embedded");
    dataSource.setMaximumPoolSize(20);
    return dataSource;
  }

  static final class NoDatasourceUrl implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return !StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"));
    }
  }
}
