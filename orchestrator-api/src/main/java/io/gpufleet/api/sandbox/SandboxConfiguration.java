package io.gpufleet.api.sandbox;

import io.gpufleet.api.providers.EndpointResolver;
import io.gpufleet.api.providers.FleetEndpoints;
import io.gpufleet.api.providers.SeedProfile;
import io.gpufleet.api.system.GpuFleetProperties;
import io.gpufleet.persistence.providers.ProviderKind;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.scheduler.models.UrlProbe;
import io.gpufleet.scheduler.outbound.HostResolver;
import io.gpufleet.scheduler.outbound.OutboundRules;
import io.gpufleet.scheduler.outbound.OutboundSettings;
import io.gpufleet.scheduler.outbound.OwnEndpoints;
import io.gpufleet.scheduler.servers.ServerLifecycle;
import io.gpufleet.scheduler.vast.VastSettings;
import io.gpufleet.simulator.ollama.OllamaSimulator;
import io.gpufleet.simulator.ollama.OllamaSimulatorConfig;
import io.gpufleet.simulator.sandbox.SandboxConfig;
import io.gpufleet.simulator.sandbox.SandboxDownloads;
import io.gpufleet.simulator.sandbox.SandboxFleet;
import io.gpufleet.vast.VastClient;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * With no Vast.ai API key, the platform runs against a simulated fleet in this process: the Vast.ai
 * API, and for each rented instance an SSH endpoint and (once set up) a ComfyUI, all on loopback
 * sockets. Every other code path is the production one.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${gpufleet.vast.api-key:}'.isBlank()")
class SandboxConfiguration {

  private static final Logger log = LoggerFactory.getLogger(SandboxConfiguration.class);

  /** Opened before the fleet and closed after it (the fleet depends on it). */
  @Bean(destroyMethod = "close")
  SandboxRuns sandboxRuns(GpuFleetProperties properties) throws IOException {
    return SandboxRuns.open(properties.dataDir().resolve("sandbox").toAbsolutePath().normalize());
  }

  @Bean(destroyMethod = "close")
  SandboxFleet sandboxFleet(SandboxSettings settings, SandboxRuns runs) {
    SandboxFleet fleet =
        SandboxFleet.start(
            SandboxConfig.defaults()
                .withLoadingDelay(settings.loadingDelay())
                .withToolTimeFactor(settings.toolTimeFactor())
                .withStepsPerSecond(settings.stepsPerSecond())
                .withWorkRoot(runs.workRoot()));
    log.warn(
        "\n\n  SANDBOX MODE: no Vast.ai API key is configured (GPUFLEET_VAST_API_KEY).\n"
            + "  Servers are rented from a simulated Vast.ai at {}; nothing is real and nothing is"
            + " billed.\n",
        fleet.vastBaseUrl());
    return fleet;
  }

  @Bean
  VastClient sandboxVastClient(SandboxFleet fleet, VastSettings settings) {
    // Vast.ai's documented spacing (6 s between offer searches) protects a shared API; the
    // simulator is in this process, and a console waiting 6 s per search helps no one
    return VastClient.builder()
        .apiKey(fleet.vastApiKey())
        .baseUrl(fleet.vastBaseUrl())
        .httpClient(settings.httpClient())
        .noSpacing()
        .build();
  }

  /** An Ollama on loopback, so that chat works with no network. */
  @Bean(destroyMethod = "close")
  OllamaSimulator sandboxOllama(SandboxSettings settings) {
    return OllamaSimulator.start(
        OllamaSimulatorConfig.defaults().withTokensPerSecond(settings.tokensPerSecond()));
  }

  /** The sandbox Ollama's stable name, which every process resolves to its own simulator. */
  static final String SANDBOX_OLLAMA = "http://ollama.sandbox:11434";

  /** ...and a profile that points at it ("Sandbox Ollama"). */
  @Bean
  SeedProfile sandboxOllamaProfile() {
    return new SeedProfile(
        "Sandbox Ollama", ProviderKind.OLLAMA, SANDBOX_OLLAMA, "llama3.2:latest");
  }

  /** The simulated Ollama as a server of the fleet too... */
  @Bean
  SandboxOllamaServer sandboxOllamaServer(
      OllamaSimulator ollama,
      ServerRepository servers,
      ServerLifecycle lifecycle,
      TransactionTemplate transaction,
      Clock clock) {
    return new SandboxOllamaServer(ollama, servers, lifecycle, transaction, clock);
  }

  /** ...and a profile that routes to the fleet's Ollama servers ("Sandbox Ollama (fleet)"). */
  @Bean
  SeedProfile sandboxOllamaFleetProfile() {
    return new SeedProfile(
        "Sandbox Ollama (fleet)", ProviderKind.OLLAMA, FleetEndpoints.FLEET, "llama3.2:latest");
  }

  @Bean
  EndpointResolver sandboxEndpoints(OllamaSimulator ollama) {
    return endpoint ->
        endpoint.startsWith(SANDBOX_OLLAMA)
            ? ollama.baseUrl() + endpoint.substring(SANDBOX_OLLAMA.length())
            : endpoint;
  }

  /**
   * No DNS in the sandbox: a host that the model downloads' allowlist names resolves to a public
   * documentation address (the policy still checks it, and every IP literal is refused as ever);
   * any other host is resolved as usual.
   */
  @Bean
  @Primary
  HostResolver sandboxHostResolver(OutboundSettings outbound) {
    List<String> modelHosts = OutboundRules.models(outbound.models()).allowedHosts();
    HostResolver system = HostResolver.system();
    return host ->
        OutboundRules.matches(host, modelHosts)
            ? List.of(InetAddress.getByName(SandboxDownloads.ADDRESS))
            : system.resolve(host);
  }

  /**
   * The sandbox's own simulators listen on loopback: the outbound policy lets the platform reach
   * 127.0.0.1 on those ports only (a registered server may be one of them), nothing else there.
   */
  @Bean
  OwnEndpoints sandboxSimulators(SandboxFleet fleet, OllamaSimulator ollama) {
    // the Ollama simulator is the fleet server sandbox-ollama too
    return (address, port) ->
        address.isLoopbackAddress() && (fleet.servesOn(port) || port == ollama.port());
  }

  /** No internet in the sandbox: every model URL answers 200 with the sandbox's file size. */
  @Bean
  @Primary
  UrlProbe sandboxUrlProbe() {
    return (url, addresses) -> new UrlProbe.Hop(200, null, SandboxDownloads.SIZE_BYTES, null);
  }
}
