/** Routing: which server runs a generation (a pure policy) and what each server can run. */
@ApplicationModule(allowedDependencies = {})
@NullMarked
package io.gpufleet.api.routing;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
