/** The admin API for setup scripts and their runs on servers, with live output. */
@ApplicationModule(allowedDependencies = {"system"})
@NullMarked
package io.gpufleet.api.setup;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
