package io.gpufleet.scheduler.servers;

import java.util.UUID;

/**
 * How much work a server still has, as the generation pipeline knows it. A draining stop waits for
 * this to reach zero (or for the drain limit). Without a pipeline, there is never work.
 */
public interface DrainProbe {

  /** Generations running or waiting on this server's ComfyUI. */
  int activeWork(UUID serverId);

  DrainProbe NONE = serverId -> 0;
}
