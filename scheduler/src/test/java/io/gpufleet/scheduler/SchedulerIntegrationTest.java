package io.gpufleet.scheduler;

import io.gpufleet.testing.TestDatabase;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The base of the scheduler's integration tests: the scheduler's beans with Quartz's clustered JDBC
 * store on the shared test PostgreSQL. Subclasses keep this configuration unchanged so that one
 * Spring context serves them all.
 */
@SpringBootTest(classes = SchedulerTestApplication.class)
public abstract class SchedulerIntegrationTest {

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabase.shared().springProperties().forEach((k, v) -> registry.add(k, () -> v));
  }
}
