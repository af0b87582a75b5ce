-- Users of the platform: admins (console and API) and API users.
CREATE TABLE users (
    id              UUID PRIMARY KEY,
    username        VARCHAR(64)  NOT NULL,
    password_hash   VARCHAR(255),
    role            VARCHAR(16)  NOT NULL CHECK (role IN ('ADMIN', 'USER')),
    enabled         BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMPTZ  NOT NULL,
    updated_at      TIMESTAMPTZ  NOT NULL,
    version         BIGINT       NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX users_username_lower_uq ON users (lower(username));

-- API keys are stored hashed (SHA-256 of the whole key); the prefix is what lists show.
CREATE TABLE api_keys (
    id              UUID PRIMARY KEY,
    user_id         UUID         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            VARCHAR(100) NOT NULL,
    prefix          VARCHAR(32)  NOT NULL,
    key_hash        VARCHAR(64)  NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL,
    last_used_at    TIMESTAMPTZ,
    expires_at      TIMESTAMPTZ,
    revoked_at      TIMESTAMPTZ
);
CREATE UNIQUE INDEX api_keys_key_hash_uq ON api_keys (key_hash);
CREATE INDEX api_keys_user_idx ON api_keys (user_id);
