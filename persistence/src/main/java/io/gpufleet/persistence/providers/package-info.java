/** Provider profiles (named connections to language-model providers), their models and usage. */
@NullMarked
package io.gpufleet.persistence.providers;

import org.jspecify.annotations.NullMarked;
