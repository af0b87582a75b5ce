-- Per-user overrides of the rate-limit bands; NULL means the platform default.
ALTER TABLE users
    ADD COLUMN limit_generations_per_minute INTEGER CHECK (limit_generations_per_minute >= 0),
    ADD COLUMN limit_generations_per_hour   INTEGER CHECK (limit_generations_per_hour >= 0),
    ADD COLUMN limit_generations_per_day    INTEGER CHECK (limit_generations_per_day >= 0),
    ADD COLUMN limit_requests_per_minute    INTEGER CHECK (limit_requests_per_minute >= 0),
    ADD COLUMN limit_requests_per_hour      INTEGER CHECK (limit_requests_per_hour >= 0);

-- bucket4j's PostgreSQL backend: one row per (user, band), so a limit holds across replicas.
CREATE TABLE rate_limit_buckets (
    id         VARCHAR(128) PRIMARY KEY,
    state      BYTEA,
    expires_at BIGINT
);
CREATE INDEX rate_limit_buckets_expires_idx ON rate_limit_buckets (expires_at);
