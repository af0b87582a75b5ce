-- Webhooks of finished generations (issue 7): one job per event, retried with backoff by any
-- replica (claimed with SKIP LOCKED), every attempt kept for GET /generations/{id}/webhook-deliveries.
CREATE TABLE webhook_jobs (
    id              UUID PRIMARY KEY,
    generation_id   UUID        NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
    event           VARCHAR(64) NOT NULL,
    url             TEXT        NOT NULL,
    body            TEXT        NOT NULL,
    attempts        INT         NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    state           VARCHAR(16) NOT NULL DEFAULT 'PENDING',
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_jobs_due ON webhook_jobs (next_attempt_at) WHERE state = 'PENDING';

CREATE TABLE webhook_attempts (
    id            UUID PRIMARY KEY,
    job_id        UUID        NOT NULL REFERENCES webhook_jobs (id) ON DELETE CASCADE,
    generation_id UUID        NOT NULL,
    event         VARCHAR(64) NOT NULL,
    attempt       INT         NOT NULL,
    url           TEXT        NOT NULL,
    status_code   INT,
    error         TEXT,
    succeeded     BOOLEAN     NOT NULL,
    attempted_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_attempts_generation ON webhook_attempts (generation_id, attempted_at);

-- Signing secrets per user, made on first use (unless gpufleet.webhooks.secret is set).
CREATE TABLE webhook_secrets (
    user_id    UUID PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret     VARCHAR(128) NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL
);
