/** Servers: the admin's intent for each, and what its provider reports. */
@NullMarked
package io.gpufleet.persistence.servers;

import org.jspecify.annotations.NullMarked;
