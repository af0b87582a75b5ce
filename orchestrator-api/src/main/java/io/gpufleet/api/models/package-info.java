/** The models API: what each server holds, downloads by URL, and the fleet's inventory. */
@NullMarked
package io.gpufleet.api.models;

import org.jspecify.annotations.NullMarked;
