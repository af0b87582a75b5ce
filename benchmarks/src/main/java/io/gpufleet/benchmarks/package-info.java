/** JMH micro benchmarks and a load driver for a running platform. */
@NullMarked
package io.gpufleet.benchmarks;

import org.jspecify.annotations.NullMarked;
