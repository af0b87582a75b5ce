/** Cross-cutting web concerns: configuration, the embedded database, health, security, errors. */
@NullMarked
package io.gpufleet.api.system;

import org.jspecify.annotations.NullMarked;
