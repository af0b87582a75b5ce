package io.gpufleet.scheduler.servers;

/**
 * The public half of the platform's SSH key, installed on every machine once it runs so that setup
 * runs and model downloads can log in.
 */
public interface PlatformPublicKey {

  /** In OpenSSH {@code authorized_keys} form. */
  String openSsh();
}
