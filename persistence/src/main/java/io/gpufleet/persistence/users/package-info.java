/** Users and their API keys. */
@NullMarked
package io.gpufleet.persistence.users;

import org.jspecify.annotations.NullMarked;
