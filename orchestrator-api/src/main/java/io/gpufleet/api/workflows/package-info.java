/** Workflows: import (API or UI format), designated inputs, shortcuts, analysis per server. */
@NullMarked
package io.gpufleet.api.workflows;

import org.jspecify.annotations.NullMarked;
