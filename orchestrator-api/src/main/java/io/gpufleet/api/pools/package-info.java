/** The admin API over autoscaled pools: define, change and delete them, read their decisions. */
@ApplicationModule(allowedDependencies = {"system"})
@NullMarked
package io.gpufleet.api.pools;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
