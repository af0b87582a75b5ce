/** Workflows: API-format ComfyUI graphs with their inputs, shortcuts and requirements. */
@NullMarked
package io.gpufleet.persistence.workflows;

import org.jspecify.annotations.NullMarked;
