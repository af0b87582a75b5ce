-- Autoscaled pools: a server spec, the workflows it serves, its bounds and the wait it promises.
-- The autoscaler (scheduler/.../pools) sizes each enabled pool from its queue and history.
CREATE TABLE pools (
    id                      UUID PRIMARY KEY,
    name                    VARCHAR(80)  NOT NULL,
    enabled                 BOOLEAN      NOT NULL,
    -- the spec new servers are rented from (as POST /api/v1/servers takes it)
    provider                VARCHAR(32)  NOT NULL,
    gpu                     VARCHAR(64),
    gpu_count               INTEGER      NOT NULL DEFAULT 1,
    cpu_cores               INTEGER,
    ram_gb                  INTEGER,
    disk_gb                 INTEGER      NOT NULL DEFAULT 40,
    location                VARCHAR(64),
    max_price_per_hour      NUMERIC(10, 4),
    min_reliability         NUMERIC(5, 4),
    image                   VARCHAR(255),
    setup_script_id         UUID,
    -- the policy
    min_servers             INTEGER      NOT NULL CHECK (min_servers >= 0),
    max_servers             INTEGER      NOT NULL CHECK (max_servers <= 100),
    target_wait_seconds     INTEGER      NOT NULL CHECK (target_wait_seconds > 0),
    idle_stop_seconds       INTEGER      NOT NULL CHECK (idle_stop_seconds >= 0),
    destroy_stopped_seconds INTEGER      CHECK (destroy_stopped_seconds > 0),
    default_job_seconds     INTEGER      NOT NULL CHECK (default_job_seconds > 0),
    -- where the weekdays and hours of the learned demand are the pool's users'
    timezone                VARCHAR(64)  NOT NULL,
    -- the autoscaler's last look, written by it alone (not through the entity)
    last_run_at             TIMESTAMPTZ,
    last_summary            TEXT,
    created_at              TIMESTAMPTZ  NOT NULL,
    updated_at              TIMESTAMPTZ  NOT NULL,
    version                 BIGINT       NOT NULL DEFAULT 0,
    CHECK (max_servers >= min_servers)
);
CREATE UNIQUE INDEX pools_name_uq ON pools (lower(name));

-- The workflows a pool serves; none: every workflow.
CREATE TABLE pool_workflows (
    pool_id     UUID NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    workflow_id UUID NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    PRIMARY KEY (pool_id, workflow_id)
);

-- A server belongs to at most one pool (the key is the server alone).
CREATE TABLE pool_servers (
    server_id UUID PRIMARY KEY REFERENCES servers (id) ON DELETE CASCADE,
    pool_id   UUID NOT NULL REFERENCES pools (id) ON DELETE CASCADE
);
CREATE INDEX pool_servers_pool_idx ON pool_servers (pool_id);

-- How long the pool's servers took to become ready (running, set up, healthy) after the
-- autoscaler started or rented them; the policy plans with the 90th percentile.
CREATE TABLE pool_ready_times (
    id        UUID PRIMARY KEY,
    pool_id   UUID        NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    server_id UUID        NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    kind      VARCHAR(8)  NOT NULL CHECK (kind IN ('START', 'RENT')),
    began_at  TIMESTAMPTZ NOT NULL,
    ready_at  TIMESTAMPTZ,
    CHECK (ready_at IS NULL OR ready_at >= began_at)
);
CREATE INDEX pool_ready_times_pool_idx ON pool_ready_times (pool_id, kind, began_at DESC);
CREATE UNIQUE INDEX pool_ready_times_one_open_uq ON pool_ready_times (server_id) WHERE ready_at IS NULL;
