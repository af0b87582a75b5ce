/**
 * Users: accounts, their API keys, the first admin, and how a request says who it is (API keys,
 * console sessions with CSRF) and what its role may reach (the security filter chain).
 */
@ApplicationModule(allowedDependencies = {"system"})
@NullMarked
package io.gpufleet.api.users;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
