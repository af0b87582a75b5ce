/** What servers cost over time. */
@NullMarked
package io.gpufleet.persistence.accounting;

import org.jspecify.annotations.NullMarked;
