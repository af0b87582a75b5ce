/**
 * The admin API for setup scripts (with their history of versions) and their runs on servers, with
 * live output.
 */
@ApplicationModule(allowedDependencies = {"system", "users"})
@NullMarked
package io.gpufleet.api.setup;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
