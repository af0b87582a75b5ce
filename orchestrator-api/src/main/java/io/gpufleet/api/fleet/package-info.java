/** The fleet at a glance: servers, cost, throughput, budget; and the same as Micrometer metrics. */
@ApplicationModule(allowedDependencies = {"system"})
@NullMarked
package io.gpufleet.api.fleet;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
