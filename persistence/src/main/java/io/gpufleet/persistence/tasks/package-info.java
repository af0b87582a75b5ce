/**
 * Tasks (seed 004): text tasks run through provider profiles, image tasks that follow generations.
 */
@NullMarked
package io.gpufleet.persistence.tasks;

import org.jspecify.annotations.NullMarked;
