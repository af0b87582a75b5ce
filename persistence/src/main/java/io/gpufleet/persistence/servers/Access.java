package io.gpufleet.persistence.servers;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import org.jspecify.annotations.Nullable;

/**
 * How the platform gets into a server beyond its addresses, as an admin gave it when registering
 * the server by URL; all absent for a rented one.
 *
 * @param comfyTokenEncrypted a bearer token for a ComfyUI behind an auth proxy, encrypted at rest
 * @param sshUser the SSH user; absent means the configured default
 * @param startCommand shell command run over SSH to start the server's ComfyUI box
 * @param stopCommand shell command run over SSH to stop it
 */
@Embeddable
public record Access(
    @Column(name = "comfy_token_enc") @Nullable String comfyTokenEncrypted,
    @Column(name = "ssh_user", length = 64) @Nullable String sshUser,
    @Column(name = "start_command") @Nullable String startCommand,
    @Column(name = "stop_command") @Nullable String stopCommand) {

  public static final Access NONE = new Access(null, null, null, null);
}
