package io.gpufleet.api;

import io.gpufleet.testing.TestDatabase;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The base of the application's integration tests: one application on a random port, on the shared
 * test PostgreSQL. Every subclass keeps this configuration unchanged so that Spring reuses one
 * context for all of them.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "gpufleet.admin.user=" + ApplicationTest.ADMIN_USER,
      "gpufleet.admin.password=" + ApplicationTest.ADMIN_PASSWORD,
      "gpufleet.admin.api-key=" + ApplicationTest.ADMIN_KEY,
      // the ComfyUI-compatible endpoint on a port of its own too (any free one)
      "gpufleet.comfy.port=0"
    })
public abstract class IntegrationTest extends ApplicationTest {

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabase.shared().springProperties().forEach((k, v) -> registry.add(k, () -> v));
  }
}
