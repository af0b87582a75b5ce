-- Model files downloaded onto servers by URL, and what each server was last seen to hold.
CREATE TABLE model_downloads (
    id               UUID PRIMARY KEY,
    server_id        UUID         NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    user_id          UUID         NOT NULL REFERENCES users (id),
    -- the URL asked for; final_url is where its redirects led (what the server fetches)
    url              TEXT         NOT NULL,
    final_url        TEXT,
    -- the address the preflight checked; the server's fetch is pinned to it
    address          VARCHAR(64),
    folder           VARCHAR(64)  NOT NULL,
    filename         VARCHAR(255) NOT NULL,
    sha256           VARCHAR(64),
    status           VARCHAR(16)  NOT NULL,
    bytes            BIGINT       NOT NULL DEFAULT 0,
    total_bytes      BIGINT,
    bytes_per_second BIGINT,
    eta_seconds      BIGINT,
    error            TEXT,
    created_at       TIMESTAMPTZ  NOT NULL,
    started_at       TIMESTAMPTZ,
    finished_at      TIMESTAMPTZ
);
CREATE INDEX model_downloads_server_idx ON model_downloads (server_id, created_at DESC);
-- the day's bytes of a user
CREATE INDEX model_downloads_user_idx ON model_downloads (user_id, created_at);
-- the active downloads of a server, counted under the server's row lock
CREATE INDEX model_downloads_active_idx ON model_downloads (server_id)
    WHERE status IN ('QUEUED', 'DOWNLOADING', 'VERIFYING');

-- The inventory cache: model files per server and folder, replaced on every refresh.
CREATE TABLE server_models (
    server_id  UUID         NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    folder     VARCHAR(64)  NOT NULL,
    name       VARCHAR(512) NOT NULL,
    size_bytes BIGINT,
    seen_at    TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (server_id, folder, name)
);
CREATE INDEX server_models_name_idx ON server_models (folder, name);
