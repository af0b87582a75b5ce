/**
 * Uploads: input images, checked by their bytes, kept under the data directory, named in a workflow
 * as {@code upload:<id>} and put on the chosen server at dispatch; expired with their idle session.
 */
@ApplicationModule(allowedDependencies = {"results", "sessions", "system", "users"})
@NullMarked
package io.gpufleet.api.uploads;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
