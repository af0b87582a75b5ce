package io.gpufleet.scheduler.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

  private final SecretBox box = new SecretBox(SecretBox.newKey());

  @Test
  void aSecretComesBackAsItWent() {
    String sealed = box.encrypt("hf_token-ünïcode-✓");

    assertThat(box.decrypt(sealed)).isEqualTo("hf_token-ünïcode-✓");
    assertThat(sealed).doesNotContain("hf_token");
  }

  @Test
  void theSameSecretSealsDifferentlyEachTime() {
    assertThat(box.encrypt("same")).isNotEqualTo(box.encrypt("same"));
  }

  @Test
  void theBoxDoesNotShowItsKey() {
    assertThat(box.toString()).isEqualTo("SecretBox[AES-256-GCM]");
  }

  @Nested
  class Refusals {

    @Test
    void aChangedByteIsDetected() {
      byte[] sealed = Base64.getDecoder().decode(box.encrypt("secret"));
      sealed[sealed.length - 5] ^= 0x01;

      assertThatThrownBy(() -> box.decrypt(Base64.getEncoder().encodeToString(sealed)))
          .isInstanceOf(SecretBoxException.class)
          .hasMessageContaining("or was changed");
    }

    @Test
    void anotherKeyCannotOpenIt() {
      String sealed = box.encrypt("secret");

      assertThatThrownBy(
              () ->
                  new SecretBox(SecretBox.newKey(), "GPUFLEET_SECRETS_MASTER_KEY").decrypt(sealed))
          .isInstanceOf(SecretBoxException.class)
          .hasMessageContaining("sealed under another master key")
          .hasMessageContaining("(GPUFLEET_SECRETS_MASTER_KEY)");
    }

    @Test
    void textThatWasNeverSealedIsRefused() {
      assertThatThrownBy(() -> box.decrypt("not base64!")).isInstanceOf(SecretBoxException.class);
      assertThatThrownBy(() -> box.decrypt("AAAA")).isInstanceOf(SecretBoxException.class);
    }

    @Test
    void aKeyOfTheWrongSizeIsRefused() {
      assertThatThrownBy(() -> new SecretBox(new byte[16]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("256 bits");
    }
  }
}
