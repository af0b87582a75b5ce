package io.gpufleet.scheduler.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.persistence.setup.PlatformKey;
import io.gpufleet.persistence.setup.PlatformKeyRepository;
import io.gpufleet.scheduler.SchedulerIntegrationTest;
import io.gpufleet.scheduler.secrets.SecretBox;
import io.gpufleet.scheduler.secrets.SecretBoxException;
import io.gpufleet.scheduler.servers.PlatformPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

class PlatformKeyStoreIT extends SchedulerIntegrationTest {

  @Autowired PlatformKeyStore store;
  @Autowired PlatformPublicKey publicKey;
  @Autowired PlatformKeyRepository keys;
  @Autowired SecretBox box;
  @Autowired Clock clock;
  @Autowired PlatformTransactionManager transactions;
  @Autowired JdbcTemplate jdbc;

  @Test
  void theKeyIsMadeOnceAndItsPrivateHalfIsNotStoredInClear() {
    List<String> stored =
        jdbc.queryForList("select private_key_enc from platform_keys", String.class);

    assertThat(stored).hasSize(1);
    String pem = box.decrypt(stored.get(0));
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
    // no part of the key's own base64 (a fixed "MII" would also match random ciphertext)
    String keyBase64 = pem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    assertThat(stored.get(0))
        .doesNotContain("PRIVATE KEY")
        .doesNotContain(keyBase64.substring(0, 24))
        .doesNotContain(keyBase64.substring(keyBase64.length() - 24));
  }

  @Test
  void theReconcilerGetsThePublicKeyInAuthorizedKeysForm() {
    assertThat(publicKey).isSameAs(store);
    assertThat(publicKey.openSsh()).startsWith("ssh-rsa ").endsWith(" gpufleet-platform");
    assertThat(keys.findById(PlatformKey.SSH).orElseThrow().getFingerprint())
        .isEqualTo(store.fingerprint());
  }

  @Test
  void aRestartedStoreLoadsTheSameKey() {
    PlatformKeyStore restarted = new PlatformKeyStore(keys, box, clock, transactions);

    assertThat(restarted.keyPair().getPublic()).isEqualTo(store.keyPair().getPublic());
    assertThat(restarted.keyPair().getPrivate()).isEqualTo(store.keyPair().getPrivate());
    assertThat(restarted.openSsh()).isEqualTo(store.openSsh());
  }

  @Test
  void aSecondReplicaThatLosesTheRaceKeepsTheStoredKey() {
    var other = PlatformKeys.generate();

    int inserted =
        keys.insertIfAbsent(
            PlatformKey.SSH,
            PlatformKeys.authorizedKey(other.getPublic(), "x"),
            PlatformKeys.fingerprint(other.getPublic()),
            box.encrypt(new String(PlatformKeys.toPem(other))),
            Instant.now(clock));

    assertThat(inserted).isZero();
    assertThat(new PlatformKeyStore(keys, box, clock, transactions).openSsh())
        .isEqualTo(store.openSsh());
  }

  @Test
  void aStoreWithAnotherMasterKeyCannotReadTheKey() {
    PlatformKeyStore wrongKey =
        new PlatformKeyStore(keys, new SecretBox(SecretBox.newKey()), clock, transactions);

    assertThatThrownBy(wrongKey::keyPair).isInstanceOf(SecretBoxException.class);
  }
}
