/**
 * History: the list of generations with its filters, its export (CSV or JSON) and its counts per
 * status and day.
 */
@NullMarked
package io.gpufleet.api.history;

import org.jspecify.annotations.NullMarked;
