-- Tokens spent by each chat call: who, through which profile and model, and what it cost at the
-- model's price when it was made. Profiles may go; their usage (and its cost) stays.
CREATE TABLE llm_usage (
    id                UUID PRIMARY KEY,
    user_id           UUID          NOT NULL,
    profile_id        UUID          REFERENCES provider_profiles (id) ON DELETE SET NULL,
    profile_name      VARCHAR(100)  NOT NULL,
    provider          VARCHAR(16)   NOT NULL,
    model             VARCHAR(300)  NOT NULL,
    prompt_tokens     INTEGER       NOT NULL,
    completion_tokens INTEGER       NOT NULL,
    cost              NUMERIC(14, 6) NOT NULL,
    duration_ms       BIGINT        NOT NULL,
    streamed          BOOLEAN       NOT NULL,
    created_at        TIMESTAMPTZ   NOT NULL
);
CREATE INDEX llm_usage_created ON llm_usage (created_at);
CREATE INDEX llm_usage_user_created ON llm_usage (user_id, created_at);
