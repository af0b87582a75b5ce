/** Cross-cutting web concerns: configuration, the embedded database, health, paging, errors. */
@NullMarked
package io.gpufleet.api.system;

import org.jspecify.annotations.NullMarked;
