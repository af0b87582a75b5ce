/** JPA entities, Spring Data repositories and Flyway migrations of GPU Fleet. Nothing else. */
@NullMarked
package io.gpufleet.persistence;

import org.jspecify.annotations.NullMarked;
