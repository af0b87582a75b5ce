package io.gpufleet.cluster;

import io.gpufleet.simulator.ssh.SshSimulator;
import io.gpufleet.simulator.ssh.SshSimulatorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * A registered box's SSH endpoint (the SSH simulator) that lets the platform in with its own key,
 * as an admin who put the platform's public key into {@code authorized_keys} does. Its commands and
 * scripts write to files in the box's home, which are what the suite counts: a line per run.
 */
final class SshBox implements AutoCloseable {

  private final SshSimulator ssh;

  private SshBox(SshSimulator ssh) {
    this.ssh = ssh;
  }

  /** {@code platformKey}: the platform's public key as OpenSSH writes it (one line). */
  static SshBox start(String platformKey, Path workRoot) {
    try {
      Files.createDirectories(workRoot);
      PublicKey key =
          PublicKeyEntry.parsePublicKeyEntry(platformKey.strip())
              .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
      return new SshBox(
          SshSimulator.start(
              SshSimulatorConfig.builder().authorizedKey(key).workRoot(workRoot).build()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Not an OpenSSH public key: " + platformKey, e);
    }
  }

  /** The {@code ssh} part of a registered server. */
  String sshJson() {
    return "{\"host\":\"" + ssh.host() + "\",\"port\":" + ssh.port() + ",\"user\":\"root\"}";
  }

  /** The lines of a file in the box's home ({@code $HOME/name}); none when it is not there. */
  List<String> lines(String name) {
    Path file = ssh.sandboxDir().resolve("root").resolve(name);
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    ssh.close();
  }
}
