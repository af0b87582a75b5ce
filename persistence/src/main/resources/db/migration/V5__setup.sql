-- Setup scripts and their runs on servers.
CREATE TABLE setup_scripts (
    id           UUID PRIMARY KEY,
    name         VARCHAR(100) NOT NULL,
    description  TEXT,
    content      TEXT         NOT NULL,
    -- incremented on every change of the content, so a run records what it ran
    version      INTEGER      NOT NULL DEFAULT 1,
    kind         VARCHAR(16)  NOT NULL,
    builtin      BOOLEAN      NOT NULL DEFAULT FALSE,
    -- which bundled script a builtin row came from; it stays the row's identity when renamed
    builtin_key  VARCHAR(64),
    created_at   TIMESTAMPTZ  NOT NULL,
    updated_at   TIMESTAMPTZ  NOT NULL
);
CREATE UNIQUE INDEX setup_scripts_name_uq ON setup_scripts (lower(name));
CREATE UNIQUE INDEX setup_scripts_builtin_key_uq ON setup_scripts (builtin_key);

CREATE TABLE server_executions (
    id               UUID PRIMARY KEY,
    server_id        UUID         NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    script_id        UUID,
    script_name      VARCHAR(100) NOT NULL,
    script_version   INTEGER      NOT NULL,
    kind             VARCHAR(16)  NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    -- the tail of the output (capped); output_dropped characters were cut from its head and
    -- output_length characters were appended in all, so offsets stay absolute
    output           TEXT         NOT NULL DEFAULT '',
    output_length    BIGINT       NOT NULL DEFAULT 0,
    output_dropped   BIGINT       NOT NULL DEFAULT 0,
    step             INTEGER,
    step_total       INTEGER,
    step_title       VARCHAR(255),
    exit_code        INTEGER,
    error            TEXT,
    -- liveness of the replica running it (database time), and a cancel asked from elsewhere
    heartbeat_at     TIMESTAMPTZ,
    cancel_requested BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMPTZ  NOT NULL,
    started_at       TIMESTAMPTZ,
    finished_at      TIMESTAMPTZ
);
CREATE INDEX server_executions_server_idx ON server_executions (server_id, created_at DESC);
-- at most one active run per server, whichever replica starts it
CREATE UNIQUE INDEX server_executions_active_uq ON server_executions (server_id)
    WHERE status IN ('QUEUED', 'RUNNING');
