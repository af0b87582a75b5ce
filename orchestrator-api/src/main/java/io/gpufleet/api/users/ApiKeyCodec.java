package io.gpufleet.api.users;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * What an API key looks like: {@code gf_} and 40 random base-62 characters. Keys carry enough
 * entropy that a plain SHA-256 is the right hash: it lets a request's key be found by its hash in
 * one indexed lookup, which a salted password hash could not.
 */
public final class ApiKeyCodec {

  private static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final String PREFIX = "gf_";
  private static final int RANDOM_LENGTH = 40;
  private static final int SHOWN_LENGTH = PREFIX.length() + 8;

  /** Keys given from outside (GPUFLEET_ADMIN_API_KEY) must be at least this long. */
  public static final int MIN_LENGTH = 24;

  private final SecureRandom random = new SecureRandom();

  public String newKey() {
    StringBuilder key = new StringBuilder(PREFIX);
    for (int i = 0; i < RANDOM_LENGTH; i++) {
      key.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return key.toString();
  }

  public static String hash(String key) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JVM has SHA-256", e);
    }
  }

  /** The part of a key that lists may show: enough to recognise it, too little to use it. */
  public static String visiblePrefix(String key) {
    return key.substring(0, Math.min(SHOWN_LENGTH, key.length() / 3));
  }

  public static String masked(String prefix) {
    return prefix + "…";
  }
}
