/** The admin API for setup scripts and their runs on servers, with live output. */
@NullMarked
package io.gpufleet.api.setup;

import org.jspecify.annotations.NullMarked;
