package io.gpufleet.api.results;

import io.gpufleet.api.ApplicationTest;
import io.gpufleet.testing.JdbcCoordinates;
import io.gpufleet.testing.TestDatabase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The one extra application context of the test run: the platform with {@code
 * gpufleet.results.store=s3} on a real S3-compatible server (s3rver, one per JVM, kept for the run)
 * and short upload retries. It has a database of its own on the shared PostgreSQL and a data
 * directory of its own, so that it and the shared context ({@code IntegrationTest}) never dispatch,
 * store or spool each other's generations: they are two platforms, not two replicas of one. Every
 * S3 test extends this unchanged, so Spring reuses the context.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "gpufleet.admin.user=" + ApplicationTest.ADMIN_USER,
      "gpufleet.admin.password=" + ApplicationTest.ADMIN_PASSWORD,
      "gpufleet.admin.api-key=" + ApplicationTest.ADMIN_KEY,
      "gpufleet.comfy.port=0",
      "gpufleet.data-dir=target/test-data-s3",
      "gpufleet.results.store=s3",
      "gpufleet.results.s3.bucket=" + S3rver.BUCKET,
      "gpufleet.results.s3.prefix=platform/",
      "gpufleet.results.s3.path-style=true",
      "gpufleet.results.s3.access-key-id=" + S3rver.ACCESS_KEY,
      "gpufleet.results.s3.secret-access-key=" + S3rver.SECRET_KEY,
      // an outage in a test lasts seconds: retry soon, and often
      "gpufleet.results.retry-initial=200ms",
      "gpufleet.results.retry-max=1s",
      // Quartz keeps JVM-wide registries by scheduler name: the shared context has "gpufleet"
      "spring.quartz.scheduler-name=gpufleet-s3",
      "spring.quartz.properties.org.quartz.scheduler.instanceName=gpufleet-s3"
    })
abstract class S3ApplicationTest extends ApplicationTest {

  private static final Object LOCK = new Object();
  private static S3rver server;
  private static JdbcCoordinates database;

  @BeforeAll
  static void needsNode() {
    Assumptions.assumeTrue(
        S3rver.node().isPresent(),
        "node is not on the PATH: the S3 store's tests need it to run s3rver (.ci/run installs it)");
  }

  /** The run's s3rver, started on first use and stopped when the JVM ends. */
  static S3rver s3rver() {
    synchronized (LOCK) {
      if (server == null) {
        server = S3rver.start(S3rver.node().orElseThrow());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "s3rver-stop"));
      }
      return server;
    }
  }

  private static JdbcCoordinates database() {
    synchronized (LOCK) {
      if (database == null) {
        database = TestDatabase.newDatabase();
      }
      return database;
    }
  }

  @DynamicPropertySource
  static void s3AndDatabase(DynamicPropertyRegistry registry) {
    registry.add("gpufleet.results.s3.endpoint", () -> s3rver().endpoint().toString());
    database().springProperties().forEach((k, v) -> registry.add(k, () -> v));
  }
}
