package io.gpufleet.scheduler.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts short secrets with AES-256-GCM under the master key. The text form is base64 of a
 * version byte, a random 96-bit nonce and the ciphertext with its 128-bit tag, so a changed byte or
 * a wrong key is detected rather than decrypted into garbage.
 */
public final class SecretBox {

  private static final byte FORMAT = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final String CIPHER = "AES/GCM/NoPadding";

  private final SecretKey key;
  private final String keySource;
  private final SecureRandom random = new SecureRandom();

  /** A box for a 256-bit key. */
  public SecretBox(byte[] masterKey) {
    this(masterKey, "the configured key");
  }

  /**
   * A box for a 256-bit key, and where that key came from (named in errors, so that an operator can
   * tell which setting differs).
   */
  public SecretBox(byte[] masterKey, String keySource) {
    this.keySource = keySource;
    if (masterKey.length != 32) {
      throw new IllegalArgumentException(
          "the master key must be 256 bits (32 bytes), not " + masterKey.length + " bytes");
    }
    this.key = new SecretKeySpec(masterKey.clone(), "AES");
  }

  /** A new random 256-bit key. */
  public static byte[] newKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  /** The secret, encrypted, as base64 text. */
  public String encrypt(String plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance(CIPHER);
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(new byte[] {FORMAT});
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      ByteBuffer out = ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length);
      out.put(FORMAT).put(nonce).put(sealed);
      return Base64.getEncoder().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * The secret back from {@link #encrypt} output.
   *
   * @throws SecretBoxException if the text was changed or was sealed under another key
   */
  public String decrypt(String sealedText) {
    byte[] sealed;
    try {
      sealed = Base64.getDecoder().decode(sealedText);
    } catch (IllegalArgumentException e) {
      throw new SecretBoxException("not an encrypted secret (bad base64)", e);
    }
    if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != FORMAT) {
      throw new SecretBoxException("not an encrypted secret of a known format", null);
    }
    try {
      Cipher cipher = Cipher.getInstance(CIPHER);
      cipher.init(
          Cipher.DECRYPT_MODE,
          key,
          new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES)));
      cipher.updateAAD(new byte[] {FORMAT});
      byte[] plain = cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new SecretBoxException(
          "a stored secret was sealed under another master key than this process's ("
              + keySource
              + "), or was changed",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  @Override
  public String toString() {
    return "SecretBox[AES-256-GCM]";
  }
}
