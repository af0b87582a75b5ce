package io.gpufleet.scheduler.setup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs scripts on servers over SSH: {@code bash -s} with the script on stdin, output passed on line
 * by line as it arrives, the exit status as the result. One shared SSH client; one session per run,
 * so that cancelling a run is closing its connection, which makes the server end the remote process
 * group.
 *
 * <p>Host keys are not checked: rented instances come and go with new host keys and no channel to
 * learn them from beforehand. The platform's key is what is authenticated.
 */
public final class SshScriptRunner implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SshScriptRunner.class);
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Duration connectTimeout;
  private final Duration authTimeout;
  private final Duration maxRunDuration;
  private final SshClient client;
  private final ExecutorService executor;
  private final Set<ScriptRun> active = ConcurrentHashMap.newKeySet();

  private SshScriptRunner(Builder builder) {
    this.connectTimeout = builder.connectTimeout;
    this.authTimeout = builder.authTimeout;
    this.maxRunDuration = builder.maxRunDuration;
    this.client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
    client.start();
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "ssh-script-run-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts running {@code script} on {@code target}; returns at once. */
  public ScriptRun start(SshTarget target, String script, ScriptOutputListener listener) {
    return start(target, script, Map.of(), listener);
  }

  /**
   * Starts running {@code script} with {@code env} exported first. The variables travel inside the
   * script, since servers accept few variables through SSH itself.
   */
  public ScriptRun start(
      SshTarget target, String script, Map<String, String> env, ScriptOutputListener listener) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(listener, "listener");
    String text = withEnvironment(env, script);
    ScriptRun run = new ScriptRun();
    active.add(run);
    executor.execute(
        () -> {
          try {
            run.complete(execute(target, text, listener, run));
          } catch (SshRunException e) {
            run.fail(e);
          } catch (RuntimeException e) {
            run.fail(new SshRunException.ChannelFailed("script run on " + target + " failed", e));
          } finally {
            active.remove(run);
          }
        });
    return run;
  }

  /** Runs {@code script} on {@code target} and waits for its end. */
  public ScriptResult run(SshTarget target, String script, ScriptOutputListener listener)
      throws InterruptedException {
    return start(target, script, listener).await();
  }

  private ScriptResult execute(
      SshTarget target, String script, ScriptOutputListener listener, ScriptRun run) {
    ClientSession session = connect(target, run);
    if (session == null) {
      return ScriptResult.of(ScriptResult.Outcome.CANCELLED);
    }
    LineSplitter stdout = new LineSplitter(ScriptOutputListener.Stream.STDOUT, listener);
    LineSplitter stderr = new LineSplitter(ScriptOutputListener.Stream.STDERR, listener);
    try (session) {
      authenticate(target, session, run);
      try (ChannelExec channel = session.createExecChannel("bash -s")) {
        channel.setOut(stdout);
        channel.setErr(stderr);
        channel.open().verify(connectTimeout);
        try (OutputStream in = channel.getInvertedIn()) {
          in.write(script.getBytes(StandardCharsets.UTF_8));
        }
        Set<ClientChannelEvent> events =
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), maxRunDuration);
        if (run.isCancelled()) {
          return ScriptResult.of(ScriptResult.Outcome.CANCELLED);
        }
        if (events.contains(ClientChannelEvent.TIMEOUT)) {
          log.warn("script on {} ran past {}; ending it", target, maxRunDuration);
          return ScriptResult.of(ScriptResult.Outcome.TIMED_OUT);
        }
        Integer status = channel.getExitStatus();
        return status == null
            ? ScriptResult.of(ScriptResult.Outcome.DISCONNECTED)
            : ScriptResult.exited(status);
      }
    } catch (IOException e) {
      if (run.isCancelled()) {
        return ScriptResult.of(ScriptResult.Outcome.CANCELLED);
      }
      throw new SshRunException.ChannelFailed("cannot run a script on " + target, e);
    } finally {
      stdout.close();
      stderr.close();
    }
  }

  private @Nullable ClientSession connect(SshTarget target, ScriptRun run) {
    try {
      ConnectFuture future = client.connect(target.user(), target.host(), target.port());
      if (!run.connecting(future)) {
        future.cancel();
        return null;
      }
      ClientSession session = future.verify(connectTimeout).getSession();
      return run.opened(session) ? session : null;
    } catch (IOException | RuntimeException e) {
      if (run.isCancelled()) {
        return null;
      }
      throw new SshRunException.ConnectFailed(
          "cannot connect to " + target + " within " + connectTimeout, e);
    }
  }

  private void authenticate(SshTarget target, ClientSession session, ScriptRun run)
      throws IOException {
    session.addPublicKeyIdentity(target.keyPair());
    try {
      session.auth().verify(authTimeout);
    } catch (IOException e) {
      if (run.isCancelled()) {
        throw e;
      }
      throw new SshRunException.AuthenticationFailed(
          target
              + " refused the key "
              + PlatformKeys.fingerprint(target.keyPair().getPublic())
              + " (is it attached to the instance?)",
          e);
    }
  }

  static String withEnvironment(Map<String, String> env, String script) {
    if (env.isEmpty()) {
      return script;
    }
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, String> variable : new LinkedHashMap<>(env).entrySet()) {
      if (!ENV_NAME.matcher(variable.getKey()).matches()) {
        throw new IllegalArgumentException("not a variable name: " + variable.getKey());
      }
      text.append("export ")
          .append(variable.getKey())
          .append("='")
          .append(variable.getValue().replace("'", "'\\''"))
          .append("'\n");
    }
    return text.append(script).toString();
  }

  /** Cancels the runs under way and stops the client. */
  @Override
  public void close() {
    active.forEach(ScriptRun::cancel);
    executor.shutdown();
    client.stop();
  }

  /** Options of a {@link SshScriptRunner}; every one has a default. */
  public static final class Builder {
    private Duration connectTimeout = Duration.ofSeconds(20);
    private Duration authTimeout = Duration.ofSeconds(20);
    private Duration maxRunDuration = Duration.ofHours(2);

    private Builder() {}

    /** How long to wait for the TCP connection and the SSH handshake (default 20 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** How long to wait for the server to accept the key (default 20 s). */
    public Builder authTimeout(Duration timeout) {
      this.authTimeout = positive(timeout, "authTimeout");
      return this;
    }

    /** The longest a script may run before it is ended as timed out (default 2 h). */
    public Builder maxRunDuration(Duration duration) {
      this.maxRunDuration = positive(duration, "maxRunDuration");
      return this;
    }

    public SshScriptRunner build() {
      return new SshScriptRunner(this);
    }

    private static Duration positive(Duration value, String name) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }
  }
}
