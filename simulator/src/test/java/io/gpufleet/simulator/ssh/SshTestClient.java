package io.gpufleet.simulator.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.EnumSet;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;

/** A minimal MINA client: one exec, the whole stdin up front, output collected. */
final class SshTestClient implements AutoCloseable {

  record Result(int exitCode, String stdout, String stderr) {}

  private final SshClient client = SshClient.setUpDefaultClient();

  SshTestClient() {
    client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
    client.start();
  }

  static KeyPair newKeyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  ClientSession login(SshSimulator simulator, KeyPair key) throws IOException {
    ClientSession session =
        client
            .connect(simulator.username(), simulator.host(), simulator.port())
            .verify(Duration.ofSeconds(10))
            .getSession();
    session.addPublicKeyIdentity(key);
    try {
      session.auth().verify(Duration.ofSeconds(10));
    } catch (IOException e) {
      session.close(true);
      throw e;
    }
    return session;
  }

  Result exec(SshSimulator simulator, KeyPair key, String command, String stdin)
      throws IOException {
    try (ClientSession session = login(simulator, key)) {
      return exec(session, command, stdin);
    }
  }

  Result exec(ClientSession session, String command, String stdin) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ChannelExec channel = session.createExecChannel(command)) {
      channel.setOut(out);
      channel.setErr(err);
      channel.open().verify(Duration.ofSeconds(10));
      try (OutputStream in = channel.getInvertedIn()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofMinutes(2));
      Integer status = channel.getExitStatus();
      return new Result(
          status == null ? -1 : status,
          out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() {
    client.stop();
  }
}
