package io.gpufleet.api.system;

import io.gpufleet.scheduler.secrets.SecretBoxException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A replica whose master key differs from the one that sealed the stored secrets cannot start; this
 * says so in one line, with the setting to make equal, instead of a cipher's stack trace.
 */
class MasterKeyFailureAnalyzer extends AbstractFailureAnalyzer<SecretBoxException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, SecretBoxException cause) {
    return new FailureAnalysis(
        "GPU Fleet cannot read its stored secrets: " + cause.getMessage() + ".",
        "Set GPUFLEET_SECRETS_MASTER_KEY to the same value on every replica: the key that sealed"
            + " the secrets (a replica started without the setting keeps its key in"
            + " <data dir>/master.key).",
        cause);
  }
}
