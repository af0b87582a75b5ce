package io.gpufleet.scheduler.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeysTest {

  @TempDir Path dataDir;

  @Test
  void aConfiguredKeyIsUsedAndNoFileIsMade() {
    byte[] key = SecretBox.newKey();

    byte[] loaded =
        MasterKeys.load(
            new SecretsSettings(
                dataDir, new SecretsSettings.Secrets(Base64.getEncoder().encodeToString(key))));

    assertThat(loaded).isEqualTo(key);
    assertThat(dataDir.resolve("master.key")).doesNotExist();
  }

  @Test
  void withoutAConfiguredKeyOneIsMadeOnceInAnOwnerOnlyFile() throws Exception {
    SecretsSettings settings =
        new SecretsSettings(dataDir.resolve("nested"), new SecretsSettings.Secrets(null));

    byte[] first = MasterKeys.load(settings);
    byte[] second = MasterKeys.load(settings);

    assertThat(first).hasSize(32).isEqualTo(second);
    Path file = settings.masterKeyFile();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void aConfiguredKeyThatIsNotBase64IsRefused() {
    SecretsSettings settings =
        new SecretsSettings(dataDir, new SecretsSettings.Secrets("not base64!"));

    assertThatThrownBy(() -> MasterKeys.load(settings))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("gpufleet.secrets.master-key");
  }

  @Test
  void settingsDoNotShowTheKey() {
    assertThat(new SecretsSettings(dataDir, new SecretsSettings.Secrets("c2VjcmV0")).toString())
        .doesNotContain("c2VjcmV0");
  }
}
