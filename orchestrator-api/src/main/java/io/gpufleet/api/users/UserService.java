package io.gpufleet.api.users;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.users.UserViews.CreateApiKey;
import io.gpufleet.api.users.UserViews.CreateUser;
import io.gpufleet.api.users.UserViews.CreatedApiKey;
import io.gpufleet.api.users.UserViews.UpdateUser;
import io.gpufleet.persistence.users.ApiKey;
import io.gpufleet.persistence.users.ApiKeyRepository;
import io.gpufleet.persistence.users.Role;
import io.gpufleet.persistence.users.UserAccount;
import io.gpufleet.persistence.users.UserRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Users and their keys, as admins manage them. */
@Service
class UserService {

  static final String USER_NOT_FOUND = "USER_NOT_FOUND";
  static final String USERNAME_TAKEN = "USERNAME_TAKEN";
  static final String API_KEY_NOT_FOUND = "API_KEY_NOT_FOUND";
  static final String LAST_ADMIN = "LAST_ADMIN";

  private final UserRepository users;
  private final ApiKeyRepository apiKeys;
  private final PasswordEncoder passwords;
  private final ApiKeyCodec codec = new ApiKeyCodec();
  private final Clock clock;
  private final ApiKeyCache keyCache;

  UserService(
      UserRepository users,
      ApiKeyRepository apiKeys,
      PasswordEncoder passwords,
      Clock clock,
      ApiKeyCache keyCache) {
    this.keyCache = keyCache;
    this.users = users;
    this.apiKeys = apiKeys;
    this.passwords = passwords;
    this.clock = clock;
  }

  @Transactional(readOnly = true)
  Page<UserAccount> list(Pageable page) {
    return users.findAll(page);
  }

  @Transactional(readOnly = true)
  UserAccount get(UUID id) {
    return users.findById(id).orElseThrow(() -> notFound(id));
  }

  @Transactional
  UserAccount create(CreateUser request) {
    requireFreeName(request.username());
    Instant now = Instant.now(clock);
    UserAccount user =
        new UserAccount(
            request.username(),
            request.role(),
            request.password() == null ? null : passwords.encode(request.password()),
            now);
    if (request.limits() != null) {
      user.changeLimits(request.limits().toOverrides(), now);
    }
    try {
      return users.saveAndFlush(user);
    } catch (DataIntegrityViolationException e) {
      // two creations of one name at the same instant: the index decides, the loser is told so
      throw ApiException.conflict(
          USERNAME_TAKEN, "The username '" + request.username() + "' is taken");
    }
  }

  @Transactional
  UserAccount update(UUID id, UpdateUser request, AuthenticatedUser actor) {
    keyCache.invalidateAfterCommit();
    UserAccount user = get(id);
    Instant now = Instant.now(clock);
    if (request.username() != null && !request.username().equalsIgnoreCase(user.getUsername())) {
      requireFreeName(request.username());
      user.rename(request.username(), now);
    }
    boolean losesAdmin =
        user.getRole() == Role.ADMIN
            && (request.role() == Role.USER || Boolean.FALSE.equals(request.enabled()));
    if (losesAdmin) {
      requireAnotherAdmin(user, actor);
    }
    if (request.role() != null) {
      user.changeRole(request.role(), now);
    }
    if (request.enabled() != null) {
      user.setEnabled(request.enabled(), now);
    }
    if (request.password() != null) {
      user.changePassword(passwords.encode(request.password()), now);
    }
    if (request.limits() != null) {
      user.changeLimits(request.limits().toOverrides(), now);
    }
    try {
      return users.saveAndFlush(user);
    } catch (DataIntegrityViolationException e) {
      // two creations of one name at the same instant: the index decides, the loser is told so
      throw ApiException.conflict(
          USERNAME_TAKEN, "The username '" + request.username() + "' is taken");
    }
  }

  /**
   * Deactivates a user and revokes their keys. Their generations stay in the history, so the row
   * itself is kept.
   */
  @Transactional
  void deactivate(UUID id, AuthenticatedUser actor) {
    keyCache.invalidateAfterCommit();
    UserAccount user = get(id);
    if (user.getRole() == Role.ADMIN) {
      requireAnotherAdmin(user, actor);
    }
    Instant now = Instant.now(clock);
    user.setEnabled(false, now);
    apiKeys.findByUserIdOrderByCreatedAtDesc(id).forEach(key -> key.revoke(now));
  }

  @Transactional
  CreatedApiKey createKey(UUID userId, CreateApiKey request) {
    UserAccount user = get(userId);
    Instant now = Instant.now(clock);
    if (request.expiresAt() != null && !request.expiresAt().isAfter(now)) {
      throw ApiException.invalidField("expiresAt", "must be in the future");
    }
    String key = codec.newKey();
    ApiKey saved =
        apiKeys.saveAndFlush(
            new ApiKey(
                user,
                request.name(),
                ApiKeyCodec.visiblePrefix(key),
                ApiKeyCodec.hash(key),
                now,
                request.expiresAt()));
    return new CreatedApiKey(
        saved.getId(),
        user.getId(),
        saved.getName(),
        key,
        ApiKeyCodec.masked(saved.getPrefix()),
        saved.getCreatedAt(),
        saved.getExpiresAt());
  }

  @Transactional(readOnly = true)
  List<ApiKey> keys(UUID userId) {
    get(userId);
    return apiKeys.findByUserIdOrderByCreatedAtDesc(userId);
  }

  @Transactional
  void revokeKey(UUID keyId) {
    keyCache.invalidateAfterCommit();
    ApiKey key =
        apiKeys
            .findById(keyId)
            .orElseThrow(
                () -> ApiException.notFound(API_KEY_NOT_FOUND, "There is no API key " + keyId));
    key.revoke(Instant.now(clock));
  }

  private void requireFreeName(String username) {
    if (users.findByUsernameIgnoreCase(username).isPresent()) {
      throw ApiException.conflict(USERNAME_TAKEN, "The username '" + username + "' is taken");
    }
  }

  private void requireAnotherAdmin(UserAccount user, AuthenticatedUser actor) {
    if (user.getId().equals(actor.id())) {
      throw ApiException.conflict(
          LAST_ADMIN, "You cannot remove your own admin access; ask another admin");
    }
    if (users.countByRoleAndEnabledTrue(Role.ADMIN) <= 1) {
      throw ApiException.conflict(LAST_ADMIN, "The platform needs at least one admin");
    }
  }

  private static ApiException notFound(UUID id) {
    return ApiException.notFound(USER_NOT_FOUND, "There is no user " + id);
  }
}
