package io.gpufleet.scheduler.setup;

import io.gpufleet.persistence.setup.PlatformKey;
import io.gpufleet.persistence.setup.PlatformKeyRepository;
import io.gpufleet.scheduler.secrets.SecretBox;
import io.gpufleet.scheduler.servers.PlatformPublicKey;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The platform's SSH key pair: made on the first start, kept in the database with the private key
 * sealed by the {@link SecretBox}, the same for every replica. Loaded once per process.
 */
@Component
public class PlatformKeyStore implements PlatformPublicKey, SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(PlatformKeyStore.class);
  private static final String COMMENT = "gpufleet-platform";

  private final PlatformKeyRepository keys;
  private final SecretBox box;
  private final Clock clock;
  private final TransactionTemplate ownTransaction;
  private volatile @Nullable Loaded loaded;

  PlatformKeyStore(
      PlatformKeyRepository keys,
      SecretBox box,
      Clock clock,
      PlatformTransactionManager transactions) {
    this.keys = keys;
    this.box = box;
    this.clock = clock;
    // never part of a caller's transaction: a key seen by this process must be committed
    this.ownTransaction = new TransactionTemplate(transactions);
    ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  @Override
  public void afterSingletonsInstantiated() {
    keyPair();
  }

  /** The key pair setup runs log in with. */
  public KeyPair keyPair() {
    return load().keyPair();
  }

  @Override
  public String openSsh() {
    return load().openSsh();
  }

  /** The public key's OpenSSH fingerprint, {@code SHA256:...}. */
  public String fingerprint() {
    return PlatformKeys.fingerprint(keyPair().getPublic());
  }

  private Loaded load() {
    Loaded current = loaded;
    if (current != null) {
      return current;
    }
    synchronized (this) {
      if (loaded == null) {
        loaded = Objects.requireNonNull(ownTransaction.execute(status -> loadOrCreate()));
      }
      return Objects.requireNonNull(loaded);
    }
  }

  private Loaded loadOrCreate() {
    PlatformKey row = keys.findById(PlatformKey.SSH).orElse(null);
    if (row == null) {
      KeyPair fresh = PlatformKeys.generate();
      String sealed = box.encrypt(new String(PlatformKeys.toPem(fresh), StandardCharsets.US_ASCII));
      int inserted =
          keys.insertIfAbsent(
              PlatformKey.SSH,
              PlatformKeys.authorizedKey(fresh.getPublic(), COMMENT),
              PlatformKeys.fingerprint(fresh.getPublic()),
              sealed,
              Instant.now(clock));
      if (inserted == 1) {
        log.info("Generated the platform SSH key {}", PlatformKeys.fingerprint(fresh.getPublic()));
      }
      // another replica may have inserted first: whatever is stored is the key
      row = keys.findById(PlatformKey.SSH).orElseThrow();
    }
    KeyPair pair =
        PlatformKeys.fromPem(
            box.decrypt(row.getPrivateKeyEncrypted()).getBytes(StandardCharsets.US_ASCII));
    return new Loaded(pair, row.getPublicKey());
  }

  private record Loaded(KeyPair keyPair, String openSsh) {
    @Override
    public String toString() {
      return "Loaded[" + PlatformKeys.fingerprint(keyPair.getPublic()) + "]";
    }
  }
}
