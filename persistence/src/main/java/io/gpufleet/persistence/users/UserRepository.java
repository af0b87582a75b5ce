package io.gpufleet.persistence.users;

import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface UserRepository extends JpaRepository<UserAccount, UUID> {

  @Query("select u from UserAccount u where lower(u.username) = lower(?1)")
  Optional<UserAccount> findByUsernameIgnoreCase(String username);

  boolean existsByRole(Role role);

  long countByRoleAndEnabledTrue(Role role);
}
