/**
 * Results: where generations' outputs are kept once copied off their server, so that they outlive
 * it (a directory under the data directory).
 */
@ApplicationModule(allowedDependencies = {"system"})
@NullMarked
package io.gpufleet.api.results;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
