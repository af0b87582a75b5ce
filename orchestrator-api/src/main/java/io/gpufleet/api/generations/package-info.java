/** Generations: submission, the queue, dispatch to ComfyUI, progress, outcomes and results. */
@NullMarked
package io.gpufleet.api.generations;

import org.jspecify.annotations.NullMarked;
