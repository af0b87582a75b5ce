-- One image generation: what was asked, the exact graph that runs, where and how it went.
CREATE TABLE generations (
    id                 UUID PRIMARY KEY,
    user_id            UUID         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workflow_id        UUID         REFERENCES workflows (id) ON DELETE SET NULL,
    session_id         UUID,
    status             VARCHAR(16)  NOT NULL,
    priority           INTEGER      NOT NULL DEFAULT 0,
    pinned_server_id   UUID,
    webhook_url        TEXT,
    -- the request's inputs as given, and the graph they produced (seed resolved)
    inputs             TEXT         NOT NULL,
    snapshot           TEXT         NOT NULL,
    seed               BIGINT,
    -- dispatch: the current attempt's server, our prompt id, and the replica that listens for it
    server_id          UUID,
    prompt_id          UUID,
    dispatched_by      VARCHAR(64),
    submitted          BOOLEAN      NOT NULL DEFAULT FALSE,
    attempts           INTEGER      NOT NULL DEFAULT 0,
    max_attempts       INTEGER      NOT NULL,
    avoid_server_id    UUID,
    min_vram_mb        BIGINT,
    -- progress, written at a throttled rate
    progress           INTEGER      NOT NULL DEFAULT 0,
    current_node_id    VARCHAR(64),
    current_node_type  VARCHAR(128),
    current_node_title VARCHAR(255),
    executed_nodes     INTEGER      NOT NULL DEFAULT 0,
    total_nodes        INTEGER      NOT NULL DEFAULT 0,
    step               INTEGER,
    max_steps          INTEGER,
    -- the outcome
    outputs            TEXT,
    error_node_id      VARCHAR(64),
    error_node_type    VARCHAR(128),
    error_type         VARCHAR(255),
    error_message      TEXT,
    created_at         TIMESTAMPTZ  NOT NULL,
    dispatched_at      TIMESTAMPTZ,
    started_at         TIMESTAMPTZ,
    finished_at        TIMESTAMPTZ,
    updated_at         TIMESTAMPTZ  NOT NULL
);
-- the queue: claimed with SELECT ... FOR UPDATE SKIP LOCKED in this order
CREATE INDEX generations_queue_idx ON generations (priority DESC, created_at) WHERE status = 'QUEUED';
CREATE INDEX generations_active_idx ON generations (server_id) WHERE status = 'RUNNING';
CREATE INDEX generations_user_idx ON generations (user_id, created_at DESC);
CREATE UNIQUE INDEX generations_prompt_uq ON generations (prompt_id);
