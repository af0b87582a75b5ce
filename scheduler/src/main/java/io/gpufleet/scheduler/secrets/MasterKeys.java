package io.gpufleet.scheduler.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the master key: configured, or else read from (or made once into) a file. */
final class MasterKeys {

  private static final Logger log = LoggerFactory.getLogger(MasterKeys.class);

  private MasterKeys() {}

  static byte[] load(SecretsSettings settings) {
    String configured = settings.secrets().masterKey();
    if (configured != null && !configured.isBlank()) {
      return decode(configured.strip(), "gpufleet.secrets.master-key");
    }
    Path file = settings.masterKeyFile();
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      log.warn(
          "Using the master key in {}. Set GPUFLEET_SECRETS_MASTER_KEY (base64 of 32 random bytes)"
              + " for a deployment with more than one replica: each would otherwise make its own key"
              + " and be unable to read the others' secrets.",
          file.toAbsolutePath());
      return decode(Files.readString(file, StandardCharsets.US_ASCII).strip(), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the master key file " + file, e);
    }
  }

  /** Where {@link #load} takes the key from, in words an operator can act on. */
  static String source(SecretsSettings settings) {
    String configured = settings.secrets().masterKey();
    return configured != null && !configured.isBlank()
        ? "GPUFLEET_SECRETS_MASTER_KEY"
        : "the key file " + settings.masterKeyFile().toAbsolutePath().normalize();
  }

  /**
   * Writes a new key readable by the owner only. The key is written whole to a temporary file and
   * then linked into place, which fails if the file exists: of two processes starting at once, one
   * key wins and neither reads a half-written file.
   */
  private static void create(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp =
        file.getFileSystem().supportedFileAttributeViews().contains("posix")
            ? Files.createTempFile(
                dir,
                "master",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
            : Files.createTempFile(dir, "master", ".tmp");
    try {
      Files.writeString(
          temp,
          Base64.getEncoder().encodeToString(SecretBox.newKey()) + "\n",
          StandardCharsets.US_ASCII);
      Files.createLink(file, temp);
      log.warn("Generated a new master key in {}", file.toAbsolutePath());
    } catch (FileAlreadyExistsException e) {
      // another process made it first: use theirs
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static byte[] decode(String base64, String source) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("the master key in " + source + " is not base64", e);
    }
  }
}
