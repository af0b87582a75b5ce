package io.gpufleet.scheduler.vast;

import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerEngine;
import io.gpufleet.scheduler.providers.MachineState;
import io.gpufleet.scheduler.providers.MachineState.Endpoints;
import io.gpufleet.scheduler.providers.MachineState.Phase;
import io.gpufleet.scheduler.providers.ProviderException;
import io.gpufleet.scheduler.providers.ProviderException.Reason;
import io.gpufleet.scheduler.providers.Rental;
import io.gpufleet.scheduler.providers.ServerProvider;
import io.gpufleet.vast.Instance;
import io.gpufleet.vast.InstanceStatus;
import io.gpufleet.vast.Offer;
import io.gpufleet.vast.OfferQuery;
import io.gpufleet.vast.RentRequest;
import io.gpufleet.vast.VastClient;
import io.gpufleet.vast.VastException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Servers rented on Vast.ai. */
public final class VastProvider implements ServerProvider {

  public static final String NAME = "vast";
  static final int COMFY_PORT = 8188;

  /** Ollama's port, exposed for servers whose engine is Ollama. */
  static final int OLLAMA_PORT = 11434;

  private static final int OFFERS_TRIED = 3;
  private static final Logger log = LoggerFactory.getLogger(VastProvider.class);

  private final VastClient vast;
  private final VastSettings settings;

  public VastProvider(VastClient vast, VastSettings settings) {
    this.vast = vast;
    this.settings = settings;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Capabilities capabilities(Server server) {
    return new Capabilities(true, true);
  }

  /** Offers that meet a spec, best first by {@link OfferChooser}'s rule. */
  public List<Offer> search(OfferQuery query) {
    return call("search offers", () -> OfferChooser.rank(query, vast.searchOffers(query)));
  }

  @Override
  public Rental provision(Server server) {
    Optional<Rental> adopted = alreadyRented(server);
    if (adopted.isPresent()) {
      return adopted.get();
    }
    if (server.getLease().offerId() != null) {
      return rent(server, server.getLease().offerId(), null, null);
    }
    List<Offer> candidates = search(OfferChooser.query(server.getSpec()));
    if (candidates.isEmpty()) {
      throw new ProviderException(
          Reason.NO_CAPACITY, "No Vast.ai offer matches the server's spec right now", true);
    }
    ProviderException last = null;
    for (Offer offer : candidates.subList(0, Math.min(OFFERS_TRIED, candidates.size()))) {
      try {
        return rent(server, offer.id(), BigDecimal.valueOf(offer.dphTotal()), offer.gpuName());
      } catch (ProviderException e) {
        if (e.reason() != Reason.NO_CAPACITY) {
          throw e;
        }
        last = e; // taken by someone else between search and rent: the next one
        log.info("Offer {} was taken before we could rent it; trying the next", offer.id());
      }
    }
    throw last;
  }

  /**
   * A rent whose answer we never recorded (the process died between Vast's answer and our commit)
   * left an instance with our label: adopt it instead of renting a second one.
   */
  private Optional<Rental> alreadyRented(Server server) {
    return call("list instances by label", () -> vast.listInstancesByLabel(server.getLabel()))
        .stream()
        .filter(i -> i.actualStatus() != InstanceStatus.UNLOADED)
        .findFirst()
        .map(
            i ->
                new Rental(
                    Long.toString(i.id()),
                    server.getLease().offerId() == null ? 0L : server.getLease().offerId(),
                    BigDecimal.valueOf(i.dphTotal()),
                    i.gpuName()));
  }

  private Rental rent(Server server, long offerId, BigDecimal price, String gpuName) {
    String image = server.getSpec().image() != null ? server.getSpec().image() : settings.image();
    // an Ollama server exposes Ollama's port only: with no ComfyUI URL, nothing of the ComfyUI
    // side (probes, model inventory, routing) ever calls it
    RentRequest request =
        RentRequest.builder(image, server.getLabel())
            .diskGb(server.getSpec().diskGb())
            .runtype(settings.runtype())
            .exposePort(server.getEngine() == ServerEngine.OLLAMA ? OLLAMA_PORT : COMFY_PORT)
            .onstart("touch ~/.no_auto_tmux")
            .build();
    try {
      long instanceId = vast.rent(offerId, request);
      Rental rental = new Rental(Long.toString(instanceId), offerId, price, gpuName);
      if (price == null) {
        Optional<Instance> rented = vast.instance(instanceId);
        if (rented.isPresent()) {
          return new Rental(
              rental.instanceId(),
              offerId,
              BigDecimal.valueOf(rented.get().dphTotal()),
              rented.get().gpuName());
        }
      }
      return rental;
    } catch (VastException.ApiError e) {
      if (e.offerGone()) {
        throw new ProviderException(
            Reason.NO_CAPACITY, "Offer " + offerId + " is no longer available", true, e);
      }
      throw translate("rent offer " + offerId, e);
    } catch (VastException e) {
      throw translate("rent offer " + offerId, e);
    }
  }

  @Override
  public void start(Server server) {
    long id = instanceId(server);
    call(
        "start instance " + id,
        () -> {
          vast.start(id);
          return null;
        });
  }

  @Override
  public void stop(Server server) {
    long id = instanceId(server);
    call(
        "stop instance " + id,
        () -> {
          vast.stop(id);
          return null;
        });
  }

  @Override
  public void destroy(Server server) {
    if (server.getLease().instanceId() == null) {
      return;
    }
    long id = instanceId(server);
    call("destroy instance " + id, () -> vast.destroy(id));
  }

  @Override
  public MachineState describe(Server server) {
    if (server.getLease().instanceId() == null) {
      return MachineState.of(Phase.GONE, "No instance was rented");
    }
    long id = instanceId(server);
    Optional<Instance> found = call("show instance " + id, () -> vast.instance(id));
    if (found.isEmpty()) {
      return MachineState.of(Phase.GONE, "Vast.ai no longer knows instance " + id);
    }
    return describe(found.get(), server.getEngine());
  }

  /** Every instance of the account in one v1 list (paged), instead of a show per server. */
  @Override
  public Map<String, MachineState> describeAll(List<Server> servers) {
    Map<String, ServerEngine> engines = new HashMap<>();
    for (Server server : servers) {
      if (server.getLease().instanceId() != null) {
        engines.put(server.getLease().instanceId(), server.getEngine());
      }
    }
    Map<String, MachineState> states = new HashMap<>();
    for (Instance instance : call("list instances", vast::listInstances)) {
      String id = Long.toString(instance.id());
      states.put(id, describe(instance, engines.getOrDefault(id, ServerEngine.COMFYUI)));
    }
    return states;
  }

  static MachineState describe(Instance instance, ServerEngine engine) {
    String message = instance.statusMessage();
    if (instance.running()) {
      return new MachineState(Phase.RUNNING, message, endpoints(instance, engine));
    }
    if (instance.waitingForGpu()) {
      return MachineState.of(Phase.WAITING_FOR_GPU, message);
    }
    InstanceStatus actual = instance.actualStatus();
    if (actual.dead() || actual == InstanceStatus.CREATED && isRuntimeFailure(message)) {
      return MachineState.of(Phase.FAILED, message == null ? actual.name().toLowerCase() : message);
    }
    if (actual == InstanceStatus.STOPPED && instance.intendedStatus() == InstanceStatus.STOPPED) {
      return MachineState.of(Phase.STOPPED, message);
    }
    return MachineState.of(Phase.LOADING, message);
  }

  private static boolean isRuntimeFailure(String message) {
    return message != null && message.toLowerCase().contains("error");
  }

  /** The engine's own URL only: an Ollama server has no ComfyUI URL, whatever else is mapped. */
  private static Endpoints endpoints(Instance instance, ServerEngine engine) {
    String ip = instance.publicIp();
    OptionalInt comfyPort =
        engine == ServerEngine.OLLAMA ? OptionalInt.empty() : instance.hostPort(COMFY_PORT);
    OptionalInt ollamaPort =
        engine == ServerEngine.OLLAMA ? instance.hostPort(OLLAMA_PORT) : OptionalInt.empty();
    OptionalInt directSsh = instance.hostPort(22);
    String comfyUrl =
        ip != null && comfyPort.isPresent() ? "http://" + ip + ":" + comfyPort.getAsInt() : null;
    String ollamaUrl =
        ip != null && ollamaPort.isPresent() ? "http://" + ip + ":" + ollamaPort.getAsInt() : null;
    if (ip != null && directSsh.isPresent()) {
      return new Endpoints(ip, comfyUrl, ip, directSsh.getAsInt(), ollamaUrl);
    }
    return new Endpoints(ip, comfyUrl, instance.sshHost(), instance.sshPort(), ollamaUrl);
  }

  @Override
  public void authorize(Server server, String openSshPublicKey) {
    long id = instanceId(server);
    call(
        "attach the platform key to instance " + id,
        () -> {
          vast.attachSshKey(id, openSshPublicKey);
          return null;
        });
  }

  @Override
  public List<ProviderMachine> labelledMachines(String labelPrefix) {
    return call("list instances", vast::listInstances).stream()
        .filter(i -> i.label() != null && i.label().startsWith(labelPrefix))
        .map(i -> new ProviderMachine(Long.toString(i.id()), i.label(), i.actualStatus().name()))
        .toList();
  }

  private static long instanceId(Server server) {
    String id = server.getLease().instanceId();
    if (id == null) {
      throw new ProviderException(
          Reason.UNSUPPORTED, "Server " + server.getName() + " has no Vast.ai instance yet", false);
    }
    return Long.parseLong(id);
  }

  private static <T> T call(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (VastException e) {
      throw translate(what, e);
    }
  }

  private static ProviderException translate(String what, VastException e) {
    Reason reason =
        e instanceof VastException.TransportFailure ? Reason.UNREACHABLE : Reason.API_ERROR;
    return new ProviderException(
        reason, "Vast.ai could not " + what + ": " + e.getMessage(), e.retryable(), e);
  }
}
