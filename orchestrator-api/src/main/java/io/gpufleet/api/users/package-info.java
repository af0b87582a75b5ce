/**
 * Users: accounts, their API keys, the first admin, and how a request says who it is (API keys,
 * console sessions with CSRF) and what its role may reach (the security filter chain).
 */
@NullMarked
package io.gpufleet.api.users;

import org.jspecify.annotations.NullMarked;
