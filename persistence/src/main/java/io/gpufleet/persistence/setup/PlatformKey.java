package io.gpufleet.persistence.setup;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The platform's SSH key pair; the private key only ever stored encrypted. */
@Entity
@Table(name = "platform_keys")
public class PlatformKey {

  /** The one key the platform uses for SSH. */
  public static final String SSH = "ssh";

  @Id
  @Column(length = 32)
  private String name;

  @Column(name = "public_key", nullable = false, updatable = false)
  private String publicKey;

  @Column(nullable = false, length = 128, updatable = false)
  private String fingerprint;

  @Column(name = "private_key_enc", nullable = false, updatable = false)
  private String privateKeyEncrypted;

  @Column(name = "created_at", nullable = false, updatable = false)
  private Instant createdAt;

  @SuppressWarnings("NullAway") // for JPA
  protected PlatformKey() {}

  public String getName() {
    return name;
  }

  /** In OpenSSH {@code authorized_keys} form. */
  public String getPublicKey() {
    return publicKey;
  }

  public String getFingerprint() {
    return fingerprint;
  }

  public String getPrivateKeyEncrypted() {
    return privateKeyEncrypted;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  @Override
  public String toString() {
    return "PlatformKey[" + name + ", " + fingerprint + "]";
  }
}
