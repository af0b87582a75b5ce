package io.gpufleet.persistence.users;

/** What a user may do: admins run the fleet, users submit generations. */
public enum Role {
  ADMIN,
  USER
}
