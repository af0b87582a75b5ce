/** The life of a server: provisioning, start, stop with drain, destroy, and the reconciler. */
@NullMarked
package io.gpufleet.scheduler.servers;

import org.jspecify.annotations.NullMarked;
