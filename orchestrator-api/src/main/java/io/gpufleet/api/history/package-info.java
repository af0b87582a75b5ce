/**
 * History: the list of generations with its filters, its export (CSV or JSON) and its counts per
 * status and day.
 */
@ApplicationModule(allowedDependencies = {"generations", "system", "users"})
@NullMarked
package io.gpufleet.api.history;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
