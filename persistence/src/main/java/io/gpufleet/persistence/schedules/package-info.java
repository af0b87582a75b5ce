/** Power schedules: when a server is started and stopped by itself, in its own timezone. */
@NullMarked
package io.gpufleet.persistence.schedules;

import org.jspecify.annotations.NullMarked;
