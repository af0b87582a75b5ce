package io.gpufleet.api;

import io.gpufleet.persistence.servers.Addresses;
import io.gpufleet.persistence.servers.HealthReport;
import io.gpufleet.persistence.servers.HealthState;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerSpec;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.providers.MachineState;
import io.gpufleet.scheduler.providers.ProviderException;
import io.gpufleet.scheduler.providers.Rental;
import io.gpufleet.scheduler.providers.ServerProvider;
import java.math.BigDecimal;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * A provider for servers that tests put in the database by hand: their machine always runs at the
 * ComfyUI URL they were given, so the reconciler leaves them alone.
 */
@Component
public class FixedEndpointProvider implements ServerProvider {

  public static final String NAME = "test-fixed";

  /** A RUNNING, set-up, healthy RTX 4090 at $0.40/h whose ComfyUI answers at {@code comfyUrl}. */
  public static Server runningAt(String name, String comfyUrl) {
    Instant now = Instant.now();
    Server s =
        new Server(
            name, NAME, new ServerSpec("RTX 4090", 1, null, null, 40, null, null, null, null), now);
    s.moveTo(ServerStatus.RUNNING, null, now);
    s.recordEndpoints(new Addresses("127.0.0.1", comfyUrl, null, null, null), now);
    s.markSetUp(true, now);
    s.recordHealth(new HealthReport(HealthState.HEALTHY, 5, 0, null, null, now, 0));
    s.recordHardware("RTX 4090", 24_576L);
    s.setPricePerHour(new BigDecimal("0.40"), now);
    return s;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Capabilities capabilities(Server server) {
    return new Capabilities(false, false);
  }

  @Override
  public Rental provision(Server server) {
    throw new ProviderException(ProviderException.Reason.UNSUPPORTED, "fixed servers", false);
  }

  @Override
  public void start(Server server) {}

  @Override
  public void stop(Server server) {}

  @Override
  public void destroy(Server server) {}

  @Override
  public MachineState describe(Server server) {
    return new MachineState(
        MachineState.Phase.RUNNING,
        "fixed",
        new MachineState.Endpoints("127.0.0.1", server.getAddresses().comfyUrl(), null, null));
  }
}
