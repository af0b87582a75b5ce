package io.gpufleet.persistence.servers;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import org.jspecify.annotations.Nullable;

/**
 * Where a server answers (its ComfyUI, or for an Ollama server its Ollama), as its provider last
 * reported (or the admin registered it).
 */
@Embeddable
public record Addresses(
    @Column(name = "public_ip", length = 64) @Nullable String publicIp,
    @Column(name = "comfy_url") @Nullable String comfyUrl,
    @Column(name = "ssh_host") @Nullable String sshHost,
    @Column(name = "ssh_port") @Nullable Integer sshPort,
    @Column(name = "ollama_url") @Nullable String ollamaUrl) {

  public static final Addresses NONE = new Addresses(null, null, null, null, null);
}
