/** Autoscaled pools, their servers and workflows, and the autoscaler's decisions. */
@NullMarked
package io.gpufleet.persistence.pools;

import org.jspecify.annotations.NullMarked;
