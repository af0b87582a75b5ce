/** Workflows: import (API or UI format), designated inputs, shortcuts, analysis per server. */
@ApplicationModule(allowedDependencies = {"routing", "system"})
@NullMarked
package io.gpufleet.api.workflows;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
