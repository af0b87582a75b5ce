package io.gpufleet.api.users;

import io.gpufleet.api.system.GpuFleetProperties;
import io.gpufleet.api.system.Secret;
import io.gpufleet.persistence.users.ApiKey;
import io.gpufleet.persistence.users.ApiKeyRepository;
import io.gpufleet.persistence.users.Role;
import io.gpufleet.persistence.users.UserAccount;
import io.gpufleet.persistence.users.UserRepository;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * On a start with no admin in the database, creates one, so that a fresh platform can be logged
 * into. Its password comes from {@code GPUFLEET_ADMIN_PASSWORD}, or is generated and printed once.
 * {@code GPUFLEET_ADMIN_API_KEY}, when set, becomes that admin's API key, for automation.
 */
@Component
class FirstAdmin implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);
  static final String CONFIGURED_KEY_NAME = "GPUFLEET_ADMIN_API_KEY";

  private final UserRepository users;
  private final ApiKeyRepository apiKeys;
  private final PasswordEncoder passwords;
  private final GpuFleetProperties.Admin settings;
  private final TransactionTemplate transaction;
  private final Clock clock;

  FirstAdmin(
      UserRepository users,
      ApiKeyRepository apiKeys,
      PasswordEncoder passwords,
      GpuFleetProperties properties,
      TransactionTemplate transaction,
      Clock clock) {
    this.users = users;
    this.apiKeys = apiKeys;
    this.passwords = passwords;
    this.settings = properties.admin();
    this.transaction = transaction;
    this.clock = clock;
  }

  @Override
  public void run(ApplicationArguments args) {
    UserAccount admin = ensureAdmin();
    Secret key = settings.apiKey();
    if (admin != null && key != null && !key.isBlank()) {
      registerConfiguredKey(admin, key.value());
    }
  }

  private @Nullable UserAccount ensureAdmin() {
    try {
      return transaction.execute(
          status -> {
            if (users.existsByRole(Role.ADMIN)) {
              return users.findByUsernameIgnoreCase(settings.user()).orElse(null);
            }
            Secret configured = settings.password();
            boolean generate = configured == null || configured.isBlank();
            String password = generate ? generatePassword() : configured.value();
            Instant now = Instant.now(clock);
            UserAccount admin =
                users.saveAndFlush(
                    new UserAccount(settings.user(), Role.ADMIN, passwords.encode(password), now));
            if (generate) {
              // Printed this once, by design: it is the only way into a fresh platform.
              log.warn(
                  "\n\n  Created the first admin '{}' with the generated password: {}\n"
                      + "  It is shown only now. Set GPUFLEET_ADMIN_PASSWORD to choose your own.\n",
                  admin.getUsername(),
                  password);
            } else {
              log.info("Created the first admin '{}'", admin.getUsername());
            }
            return admin;
          });
    } catch (DataIntegrityViolationException raced) {
      // another replica created it at the same moment
      return users.findByUsernameIgnoreCase(settings.user()).orElse(null);
    }
  }

  private void registerConfiguredKey(UserAccount admin, String key) {
    if (key.length() < ApiKeyCodec.MIN_LENGTH) {
      throw new IllegalStateException(
          "GPUFLEET_ADMIN_API_KEY must be at least " + ApiKeyCodec.MIN_LENGTH + " characters");
    }
    String hash = ApiKeyCodec.hash(key);
    try {
      transaction.executeWithoutResult(
          status -> {
            if (apiKeys.findByKeyHash(hash).isPresent()) {
              return;
            }
            apiKeys.saveAndFlush(
                new ApiKey(
                    admin,
                    CONFIGURED_KEY_NAME,
                    ApiKeyCodec.visiblePrefix(key),
                    hash,
                    Instant.now(clock),
                    null));
            log.info("Registered the configured API key for admin '{}'", admin.getUsername());
          });
    } catch (DataIntegrityViolationException raced) {
      // registered by another replica at the same moment
    }
  }

  private static String generatePassword() {
    String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    SecureRandom random = new SecureRandom();
    StringBuilder password = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      password.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return password.toString();
  }
}
