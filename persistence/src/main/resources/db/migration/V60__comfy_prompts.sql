-- Generations that came through the ComfyUI-compatible endpoint (/comfy, issue 22). Where a
-- generation came from is shown beside it ('api' or 'comfy'); a ComfyUI prompt keeps what its
-- client sent that the v1 model has no room for: the socket it belongs to (client_id), its
-- number, extra_data and the output nodes that run. Hiding is POST /history's clear and delete:
-- the prompt leaves the caller's ComfyUI history, the generation stays in the platform's.
ALTER TABLE generations ADD COLUMN source VARCHAR(16) NOT NULL DEFAULT 'api';

CREATE TABLE comfy_prompts (
    generation_id      UUID PRIMARY KEY REFERENCES generations (id) ON DELETE CASCADE,
    user_id            UUID         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id          VARCHAR(256),
    number             NUMERIC      NOT NULL,
    extra_data         TEXT         NOT NULL,
    outputs_to_execute TEXT         NOT NULL,
    hidden             BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at         TIMESTAMPTZ  NOT NULL
);
CREATE INDEX comfy_prompts_user_idx ON comfy_prompts (user_id, created_at);

-- ComfyUI's "number" of each prompt: a counter per user, bumped by every POST /prompt.
CREATE TABLE comfy_counters (
    user_id UUID PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    value   BIGINT NOT NULL
);
