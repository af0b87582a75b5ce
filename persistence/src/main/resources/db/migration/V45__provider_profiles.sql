-- Named connections to language-model (and ComfyUI) providers, set up by admins. The API key is
-- sealed by the platform's SecretBox like server tokens; only its last characters are kept in the
-- clear, for the masked form that the API answers.
CREATE TABLE provider_profiles (
    id               UUID PRIMARY KEY,
    name             VARCHAR(100) NOT NULL,
    provider         VARCHAR(16)  NOT NULL
        CHECK (provider IN ('ollama', 'openai', 'gemini', 'claude', 'comfyui')),
    description      TEXT,
    endpoint         VARCHAR(500),
    api_key_sealed   TEXT,
    api_key_hint     VARCHAR(16),
    default_model    VARCHAR(300),
    -- JSON object: temperature, maxTokens, topP, timeoutSeconds, …
    options          TEXT         NOT NULL DEFAULT '{}',
    system_prompt    TEXT,
    enabled          BOOLEAN      NOT NULL DEFAULT TRUE,
    last_tested_at   TIMESTAMPTZ,
    last_test_ok     BOOLEAN,
    last_test_error  TEXT,
    created_at       TIMESTAMPTZ  NOT NULL,
    updated_at       TIMESTAMPTZ  NOT NULL,
    version          BIGINT       NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX provider_profiles_name ON provider_profiles (lower(name));

-- The models a profile offers, with what a million tokens cost (for the fleet's cost views).
CREATE TABLE provider_profile_models (
    id                       UUID PRIMARY KEY,
    profile_id               UUID          NOT NULL REFERENCES provider_profiles (id) ON DELETE CASCADE,
    model                    VARCHAR(300)  NOT NULL,
    display_name             VARCHAR(300),
    vision                   BOOLEAN       NOT NULL DEFAULT FALSE,
    input_price_per_million  NUMERIC(12, 4),
    output_price_per_million NUMERIC(12, 4),
    synced                   BOOLEAN       NOT NULL DEFAULT FALSE,
    created_at               TIMESTAMPTZ   NOT NULL,
    UNIQUE (profile_id, model)
);
