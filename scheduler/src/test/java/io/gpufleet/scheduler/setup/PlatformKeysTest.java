package io.gpufleet.scheduler.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PlatformKeysTest {

  private static KeyPair keys;

  @BeforeAll
  static void generate() {
    keys = PlatformKeys.generate();
  }

  @Test
  void generatesRsa3072() {
    assertThat(keys.getPublic()).isInstanceOf(RSAPublicKey.class);
    assertThat(((RSAPublicKey) keys.getPublic()).getModulus().bitLength()).isEqualTo(3072);
  }

  @Test
  void authorizedKeyIsOneOpenSshLineThatParsesBackToTheKey() throws Exception {
    String line = PlatformKeys.authorizedKey(keys.getPublic(), "gpufleet platform");

    assertThat(line).startsWith("ssh-rsa AAAA").endsWith(" gpufleet-platform").doesNotContain("\n");
    PublicKey parsed =
        AuthorizedKeyEntry.parseAuthorizedKeyEntry(line)
            .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
    assertThat(KeyUtils.compareKeys(parsed, keys.getPublic())).isTrue();
  }

  @Test
  void pemRoundTripGivesAWorkingKeyPair() throws Exception {
    byte[] pem = PlatformKeys.toPem(keys);

    assertThat(new String(pem, StandardCharsets.US_ASCII))
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    KeyPair back = PlatformKeys.fromPem(pem);
    assertThat(back.getPrivate().getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    assertThat(KeyUtils.compareKeys(back.getPublic(), keys.getPublic())).isTrue();
    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
    Signature signer = Signature.getInstance("SHA256withRSA");
    signer.initSign(back.getPrivate());
    signer.update(data);
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(keys.getPublic());
    verifier.update(data);
    assertThat(verifier.verify(signer.sign())).isTrue();
  }

  @Test
  void fingerprintIsOpenSshSha256() {
    assertThat(PlatformKeys.fingerprint(keys.getPublic())).matches("SHA256:[A-Za-z0-9+/]{43}");
  }

  @Test
  void garbageIsNotAKey() {
    assertThatThrownBy(() -> PlatformKeys.fromPem("hello".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                PlatformKeys.fromPem(
                    "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
                        .getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
