package io.gpufleet.api.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.api.GpuFleetApplication;
import io.gpufleet.api.IntegrationTest;
import io.gpufleet.scheduler.secrets.SecretBox;
import io.gpufleet.testing.TestDatabase;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A second replica started with another master key than the one that sealed the stored secrets
 * stops at once, and says which setting to make equal.
 */
@ExtendWith(OutputCaptureExtension.class)
class MasterKeyMismatchIT extends IntegrationTest {

  @Test
  void aReplicaWithAnotherMasterKeyStopsWithOneClearLine(CapturedOutput output) {
    // the shared context (this class's) has sealed the platform's SSH key in the shared database
    List<String> args = new ArrayList<>();
    TestDatabase.shared().springProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
    args.add("--server.port=0");
    args.add(
        "--gpufleet.secrets.master-key=" + Base64.getEncoder().encodeToString(SecretBox.newKey()));
    args.add("--spring.quartz.scheduler-name=mismatch-test");
    args.add("--spring.quartz.properties.org.quartz.scheduler.instanceName=mismatch-test");

    assertThatThrownBy(
            () ->
                new SpringApplicationBuilder(GpuFleetApplication.class)
                    .run(args.toArray(String[]::new)))
        .hasStackTraceContaining("sealed under another master key");

    assertThat(output.getOut() + output.getErr())
        .contains(
            "GPU Fleet cannot read its stored secrets: a stored secret was sealed under another"
                + " master key than this process's (GPUFLEET_SECRETS_MASTER_KEY)")
        .contains("Set GPUFLEET_SECRETS_MASTER_KEY to the same value on every replica")
        .doesNotContain("AEADBadTagException");
  }
}
