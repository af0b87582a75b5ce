-- Every event on the fleet's bus (generations' and setup runs'), numbered in the order they were
-- published. NOTIFY carries the number; a subscriber resumes after the last number it saw (SSE
-- Last-Event-ID, the WebSocket's "after"), and a replica whose LISTEN connection dropped replays
-- what it missed from here. Rows older than gpufleet.events.retention (1h) are pruned.
CREATE TABLE generation_events (
    seq        BIGSERIAL   PRIMARY KEY,
    subject    UUID        NOT NULL,
    type       VARCHAR(64) NOT NULL,
    data       JSONB       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX generation_events_subject ON generation_events (subject, seq);
CREATE INDEX generation_events_created ON generation_events (created_at);
