/** The models API: what each server holds, downloads by URL, and the fleet's inventory. */
@ApplicationModule(allowedDependencies = {"system", "users"})
@NullMarked
package io.gpufleet.api.models;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
