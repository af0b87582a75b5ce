-- Every decision the autoscaler took for a pool, with its reason and what came of it.
CREATE TABLE autoscale_decisions (
    id         UUID PRIMARY KEY,
    -- the order decisions were written in (several share one instant: one tick's plan)
    seq        BIGINT GENERATED ALWAYS AS IDENTITY,
    pool_id    UUID        NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    decided_at TIMESTAMPTZ NOT NULL,
    action     VARCHAR(16) NOT NULL CHECK (action IN ('START', 'RENT', 'STOP', 'DESTROY', 'HOLD')),
    server_id  UUID        REFERENCES servers (id) ON DELETE SET NULL,
    reason     TEXT        NOT NULL,
    -- EXECUTED: done (for RENT, server_id is the new server); FAILED: see error; HELD: a HOLD
    outcome    VARCHAR(16) NOT NULL CHECK (outcome IN ('EXECUTED', 'FAILED', 'HELD')),
    error      TEXT
);
CREATE INDEX autoscale_decisions_pool_idx ON autoscale_decisions (pool_id, seq DESC);
CREATE INDEX autoscale_decisions_time_idx ON autoscale_decisions (decided_at);
