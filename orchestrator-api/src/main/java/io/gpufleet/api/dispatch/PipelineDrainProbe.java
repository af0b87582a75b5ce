package io.gpufleet.api.dispatch;

import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.generations.GenerationStatus;
import io.gpufleet.scheduler.servers.DrainProbe;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Tells a draining stop how many generations still run or wait on a server. */
@Component
class PipelineDrainProbe implements DrainProbe {

  private final GenerationRepository generations;

  PipelineDrainProbe(GenerationRepository generations) {
    this.generations = generations;
  }

  @Override
  public int activeWork(UUID serverId) {
    return (int) generations.countByServerIdAndStatus(serverId, GenerationStatus.RUNNING);
  }
}
