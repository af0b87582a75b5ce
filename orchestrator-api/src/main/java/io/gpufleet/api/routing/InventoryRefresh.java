package io.gpufleet.api.routing;

import io.gpufleet.scheduler.models.ModelInventoryChanged;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Routing trusts a server's model lists for a while; when a download completes or a setup run ends,
 * the inventory says so and routing reads that server afresh.
 */
@Component
class InventoryRefresh {

  private final ServerCapabilities capabilities;

  InventoryRefresh(ServerCapabilities capabilities) {
    this.capabilities = capabilities;
  }

  @EventListener
  void on(ModelInventoryChanged changed) {
    capabilities.forget(changed.serverId());
  }
}
