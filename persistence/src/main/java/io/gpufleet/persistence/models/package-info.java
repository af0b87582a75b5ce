/**
 * Model downloads onto servers ({@link io.gpufleet.persistence.models.ModelDownload}) and the
 * inventory cache of which server holds which model file.
 */
@NullMarked
package io.gpufleet.persistence.models;

import org.jspecify.annotations.NullMarked;
