-- Tasks (seed 004): durable jobs of a user. A text task is a prompt to a language model through a
-- provider profile, run by any replica's task worker (claimed with SKIP LOCKED, retried on a
-- provider's transient failures); an image task is a generation of the fleet, which it follows.
CREATE TABLE tasks (
    id                UUID PRIMARY KEY,
    user_id           UUID          NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name              VARCHAR(200)  NOT NULL,
    type              VARCHAR(8)    NOT NULL CHECK (type IN ('text', 'image')),
    status            VARCHAR(16)   NOT NULL
                      CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED')),
    provider          VARCHAR(16)   NOT NULL,
    -- the profile a text task goes through; profiles may go, their tasks stay
    profile_id        UUID          REFERENCES provider_profiles (id) ON DELETE SET NULL,
    model             VARCHAR(300),
    prompt            TEXT          NOT NULL,
    system_prompt     TEXT,
    -- text: the generation options (temperature, maxTokens, …); image: the generation's inputs
    options           TEXT          NOT NULL,
    workflow_id       UUID,
    generation_id     UUID,
    result            TEXT,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    cost              NUMERIC(14, 6),
    attempts          INTEGER       NOT NULL,
    max_attempts      INTEGER       NOT NULL,
    retries           INTEGER       NOT NULL,
    error_code        VARCHAR(255),
    error_message     TEXT,
    run_after         TIMESTAMPTZ   NOT NULL,
    lease_until       TIMESTAMPTZ,
    claimed_by        VARCHAR(200),
    created_at        TIMESTAMPTZ   NOT NULL,
    started_at        TIMESTAMPTZ,
    finished_at       TIMESTAMPTZ
);
-- what the worker claims: due pending text tasks, and running ones whose lease ran out
CREATE INDEX tasks_due ON tasks (run_after) WHERE status IN ('PENDING', 'RUNNING') AND type = 'text';
-- image tasks that still follow their generation
CREATE INDEX tasks_following ON tasks (generation_id)
    WHERE status IN ('PENDING', 'RUNNING') AND type = 'image';
CREATE INDEX tasks_user_created ON tasks (user_id, created_at DESC);
CREATE INDEX tasks_created ON tasks (created_at DESC);
