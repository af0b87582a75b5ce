package io.gpufleet.comfy.workflow;

/** The parameters most workflows share, found by following the graph from its samplers. */
public enum CommonParameter {
  PROMPT,
  NEGATIVE_PROMPT,
  SEED,
  STEPS,
  CFG,
  SAMPLER,
  SCHEDULER,
  DENOISE,
  WIDTH,
  HEIGHT,
  BATCH_SIZE,
  CHECKPOINT,
  LORA
}
