/** Browser tests of the admin console: a real Chromium drives the pages against the sandbox. */
@NullMarked
package io.gpufleet.api.console;

import org.jspecify.annotations.NullMarked;
