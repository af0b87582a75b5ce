/** Cross-cutting web concerns: configuration, the embedded database, health, paging, errors. */
@ApplicationModule(allowedDependencies = {})
@NullMarked
package io.gpufleet.api.system;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
