package io.gpufleet.api.generations;

import io.gpufleet.persistence.servers.Server;
import io.gpufleet.scheduler.providers.MachineState;
import io.gpufleet.scheduler.providers.ProviderException;
import io.gpufleet.scheduler.providers.Rental;
import io.gpufleet.scheduler.providers.ServerProvider;
import org.springframework.stereotype.Component;

/**
 * A provider for servers that tests put in the database by hand: their machine always runs at the
 * ComfyUI URL they were given, so the reconciler leaves them alone.
 */
@Component
class FixedEndpointProvider implements ServerProvider {

  static final String NAME = "test-fixed";

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
        new MachineState.Endpoints("127.0.0.1", server.getComfyUrl(), null, null));
  }
}
