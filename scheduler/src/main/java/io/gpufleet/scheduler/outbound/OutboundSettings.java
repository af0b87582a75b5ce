package io.gpufleet.scheduler.outbound;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The allowlists of outbound calls ({@code gpufleet.outbound.*}), one per use.
 *
 * @param webhooks where webhooks may be posted
 * @param servers where registered servers' ComfyUI and SSH may be
 * @param models where model files may be downloaded from; with no hosts configured, {@link
 *     #DEFAULT_MODEL_HOSTS} (a model host must always be named)
 */
@ConfigurationProperties("gpufleet.outbound")
public record OutboundSettings(
    @DefaultValue Allowlist webhooks,
    @DefaultValue Allowlist servers,
    @DefaultValue Allowlist models) {

  /** The model hosts when none are configured. */
  public static final List<String> DEFAULT_MODEL_HOSTS =
      List.of("huggingface.co", "*.huggingface.co", "*.hf.co", "civitai.com", "*.civitai.com");

  /** Nothing configured. */
  public static OutboundSettings defaults() {
    Allowlist none = new Allowlist(List.of(), List.of());
    return new OutboundSettings(none, none, none);
  }

  /**
   * @param allowedHosts if set, the only host names that may be called ({@code *.} for subdomains)
   * @param allowedCidrs denied ranges that may be called all the same ({@code 10.0.0.0/8}, {@code
   *     127.0.0.1/32}); parsed at start, so a typo stops the platform rather than opening it
   */
  public record Allowlist(
      @DefaultValue List<String> allowedHosts, @DefaultValue List<String> allowedCidrs) {

    public Allowlist {
      allowedHosts = allowedHosts.stream().map(String::trim).filter(h -> !h.isEmpty()).toList();
      allowedCidrs = allowedCidrs.stream().map(String::trim).filter(c -> !c.isEmpty()).toList();
      allowedCidrs.forEach(Cidr::parse);
    }

    List<Cidr> cidrs() {
      return allowedCidrs.stream().map(Cidr::parse).toList();
    }
  }
}
