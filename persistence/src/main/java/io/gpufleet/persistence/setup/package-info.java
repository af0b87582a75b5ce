/**
 * Setup scripts, their runs on servers ({@link io.gpufleet.persistence.setup.ServerExecution}) with
 * output appended in place, and the platform's SSH key.
 */
@NullMarked
package io.gpufleet.persistence.setup;

import org.jspecify.annotations.NullMarked;
