/** Generations: the queue, each run's snapshot, progress and outcome. */
@NullMarked
package io.gpufleet.persistence.generations;

import org.jspecify.annotations.NullMarked;
