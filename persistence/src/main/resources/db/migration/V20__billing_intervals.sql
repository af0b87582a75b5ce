-- What each server cost and when: one row per stretch of time at one rate, opened and closed by
-- its state changes, so spend over any period is a sum here, without asking Vast.ai again.
CREATE TABLE billing_intervals (
    id              UUID PRIMARY KEY,
    server_id       UUID          NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    billed_state    VARCHAR(16)   NOT NULL,
    price_per_hour  NUMERIC(10, 4) NOT NULL,
    started_at      TIMESTAMPTZ   NOT NULL,
    ended_at        TIMESTAMPTZ,
    CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE INDEX billing_intervals_server_idx ON billing_intervals (server_id, started_at);
CREATE INDEX billing_intervals_period_idx ON billing_intervals (started_at, ended_at);
CREATE UNIQUE INDEX billing_intervals_one_open_uq ON billing_intervals (server_id) WHERE ended_at IS NULL;
