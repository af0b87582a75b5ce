package io.gpufleet.scheduler.outbound;

import io.gpufleet.persistence.servers.Server;

/**
 * The policy of each use of outbound calls. A new use (an LLM provider's endpoint, say) adds its
 * rules here and in {@link OutboundSettings}, and calls {@link OutboundPolicy#check} before, and
 * {@link OutboundPolicy.Checked#pin} for, every call.
 */
public final class OutboundPolicies {

  private final OutboundPolicy webhooks;
  private final OutboundPolicy servers;
  private final OutboundPolicy models;

  public OutboundPolicies(OutboundSettings settings, HostResolver resolver, OwnEndpoints own) {
    this.webhooks = new OutboundPolicy(OutboundRules.webhooks(settings.webhooks()), resolver, own);
    this.servers = new OutboundPolicy(OutboundRules.servers(settings.servers()), resolver, own);
    this.models = new OutboundPolicy(OutboundRules.models(settings.models()), resolver, own);
  }

  /** Where webhooks of finished generations are posted. */
  public OutboundPolicy webhooks() {
    return webhooks;
  }

  /** A registered server's ComfyUI (connection test, registration, every later call) and SSH. */
  public OutboundPolicy servers() {
    return servers;
  }

  /**
   * Whether the platform reaches this server at addresses a user gave (a registered server) rather
   * than ones its provider reported (a rented one).
   */
  public static boolean userGiven(Server server) {
    return REGISTERED.equals(server.getProvider());
  }

  /** The provider of registered servers ({@code StaticProvider.NAME} is this). */
  public static final String REGISTERED = "static";

  /**
   * The SSH host to connect to: for a registered server its host checked and pinned to the address
   * checked (an IP literal); for a rented one the host its provider reported.
   *
   * @throws UrlNotAllowedException if the registered host is refused
   */
  public String sshHost(Server server, String host, int port) {
    if (!userGiven(server)) {
      return host;
    }
    return servers.checkAddress(host, port).addresses().get(0).getHostAddress();
  }

  /** Model files downloaded onto servers. */
  public OutboundPolicy models() {
    return models;
  }
}
