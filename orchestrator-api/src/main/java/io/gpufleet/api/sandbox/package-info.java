/**
 * Sandbox mode: with no Vast.ai key, the simulated fleet runs in-process behind the real clients.
 */
@ApplicationModule(allowedDependencies = {"providers", "system"})
@NullMarked
package io.gpufleet.api.sandbox;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
