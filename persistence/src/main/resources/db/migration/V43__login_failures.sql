-- Failed console logins (issue 18), counted per account and per client address across replicas:
-- a login is throttled once its key has too many rows inside the window. A row is written before
-- the password is checked (so parallel guesses count) and removed again when the login succeeds.
CREATE TABLE login_failures (
    id           BIGSERIAL PRIMARY KEY,
    throttle_key VARCHAR(200) NOT NULL,
    failed_at    TIMESTAMPTZ  NOT NULL
);
CREATE INDEX login_failures_key_time ON login_failures (throttle_key, failed_at);
CREATE INDEX login_failures_time ON login_failures (failed_at);
