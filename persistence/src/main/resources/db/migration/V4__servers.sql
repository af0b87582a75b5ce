-- A server: the admin's intent and what the provider (Vast.ai, or a static ComfyUI) reports.
CREATE TABLE servers (
    id                  UUID PRIMARY KEY,
    name                VARCHAR(100) NOT NULL,
    provider            VARCHAR(32)  NOT NULL,
    status              VARCHAR(16)  NOT NULL,
    status_reason       TEXT,
    desired_state       VARCHAR(16)  NOT NULL,
    -- the spec it was (or will be) rented from
    gpu                 VARCHAR(64),
    gpu_count           INTEGER      NOT NULL DEFAULT 1,
    cpu_cores           INTEGER,
    ram_gb              INTEGER,
    disk_gb             INTEGER      NOT NULL DEFAULT 40,
    location            VARCHAR(64),
    max_price_per_hour  NUMERIC(10, 4),
    min_reliability     NUMERIC(5, 4),
    image               VARCHAR(255),
    -- what was rented
    offer_id            BIGINT,
    instance_id         VARCHAR(64),
    label               VARCHAR(128) NOT NULL,
    price_per_hour      NUMERIC(10, 4),
    gpu_name            VARCHAR(64),
    vram_mb             BIGINT,
    -- how to reach it
    public_ip           VARCHAR(64),
    comfy_url           VARCHAR(255),
    comfy_token_enc     TEXT,
    ssh_host            VARCHAR(255),
    ssh_port            INTEGER,
    ssh_user            VARCHAR(64),
    -- setup
    setup_script_id     UUID,
    auto_setup          BOOLEAN      NOT NULL DEFAULT TRUE,
    set_up              BOOLEAN      NOT NULL DEFAULT FALSE,
    -- health, as the last probe saw it
    health              VARCHAR(16)  NOT NULL DEFAULT 'UNKNOWN',
    health_latency_ms   INTEGER,
    health_queue_depth  INTEGER,
    health_vram_free_mb BIGINT,
    health_error        TEXT,
    health_checked_at   TIMESTAMPTZ,
    health_failures     INTEGER      NOT NULL DEFAULT 0,
    -- draining and idle stop
    draining            BOOLEAN      NOT NULL DEFAULT FALSE,
    drain_deadline      TIMESTAMPTZ,
    idle_stop_minutes   INTEGER,
    last_activity_at    TIMESTAMPTZ,
    -- timing of the lifecycle
    state_changed_at    TIMESTAMPTZ  NOT NULL,
    action_deadline     TIMESTAMPTZ,
    created_at          TIMESTAMPTZ  NOT NULL,
    updated_at          TIMESTAMPTZ  NOT NULL,
    version             BIGINT       NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX servers_label_uq ON servers (label);
CREATE UNIQUE INDEX servers_name_live_uq ON servers (lower(name)) WHERE status <> 'DESTROYED';
CREATE INDEX servers_status_idx ON servers (status);
