/**
 * One test class per seed system (see {@code docs/seeds.md}): each drives that seed's main client
 * flow through the v1 API as its users would, with paths and field names adapted, in sandbox mode.
 */
@NullMarked
package io.gpufleet.api.acceptance;

import org.jspecify.annotations.NullMarked;
