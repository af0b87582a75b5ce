/**
 * Sessions: named groups of one user's generations and uploads, with their counts. Whatever a
 * session holds elsewhere (uploads) goes before the session does, through {@link
 * io.gpufleet.api.sessions.SessionContents}.
 */
@ApplicationModule(allowedDependencies = {"system", "users"})
@NullMarked
package io.gpufleet.api.sessions;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
