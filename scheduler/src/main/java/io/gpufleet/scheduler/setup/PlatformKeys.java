package io.gpufleet.scheduler.setup;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * The platform's SSH key: RSA 3072, which every OpenSSH server and Apache MINA SSHD accept without
 * extra providers. The private key is kept as PKCS#8 PEM, which also carries what is needed to
 * rebuild the public key, so one stored blob is enough.
 */
public final class PlatformKeys {

  private static final int RSA_BITS = 3072;
  private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PEM_END = "-----END PRIVATE KEY-----";

  private PlatformKeys() {}

  /** A new RSA 3072 key pair. */
  public static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(RSA_BITS);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA key generation is not available", e);
    }
  }

  /**
   * The public key as one {@code authorized_keys} line, e.g. {@code ssh-rsa AAAA... comment}: the
   * form Vast.ai's attach-key API takes.
   */
  public static String authorizedKey(PublicKey key, String comment) {
    String entry = PublicKeyEntry.toString(key);
    String cleanComment = comment.strip().replaceAll("\\s+", "-");
    return cleanComment.isEmpty() ? entry : entry + " " + cleanComment;
  }

  /** The OpenSSH fingerprint, {@code SHA256:...}: safe to log. */
  public static String fingerprint(PublicKey key) {
    return KeyUtils.getFingerPrint(key);
  }

  /** The private key as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), ASCII bytes. */
  public static byte[] toPem(KeyPair keyPair) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(keyPair.getPrivate().getEncoded());
    return (PEM_BEGIN + "\n" + body + "\n" + PEM_END + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The key pair back from {@link #toPem} output.
   *
   * @throws IllegalArgumentException if the bytes are not a PKCS#8 PEM RSA private key
   */
  public static KeyPair fromPem(byte[] pem) {
    String text = new String(pem, StandardCharsets.US_ASCII).strip();
    if (!text.startsWith(PEM_BEGIN) || !text.endsWith(PEM_END)) {
      throw new IllegalArgumentException("not a PKCS#8 PEM private key");
    }
    String body = text.substring(PEM_BEGIN.length(), text.length() - PEM_END.length());
    try {
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      PrivateKey privateKey =
          rsa.generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(body)));
      if (!(privateKey instanceof RSAPrivateCrtKey)) {
        throw new IllegalArgumentException("the RSA key lacks its public part");
      }
      RSAPrivateCrtKey crt = (RSAPrivateCrtKey) privateKey;
      PublicKey publicKey =
          rsa.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
      return new KeyPair(publicKey, privateKey);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a readable RSA private key", e);
    }
  }
}
