/** Users, their API keys and the first admin. */
@NullMarked
package io.gpufleet.api.users;

import org.jspecify.annotations.NullMarked;
