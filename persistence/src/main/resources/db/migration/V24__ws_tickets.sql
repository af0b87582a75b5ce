-- Short-lived, single-use tickets that let a browser open /api/v1/ws without sending its API key
-- in a URL (issue 7). Only the SHA-256 of a ticket is kept.
CREATE TABLE ws_tickets (
    ticket_hash VARCHAR(64) PRIMARY KEY,
    user_id     UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX ws_tickets_expiry ON ws_tickets (expires_at);
