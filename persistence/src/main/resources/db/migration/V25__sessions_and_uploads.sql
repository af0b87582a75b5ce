-- Sessions group a user's generations (issue 7); uploads are input images for LoadImage nodes,
-- stored under <data dir>/uploads/<id> and expired with their session's inactivity.
CREATE TABLE generation_sessions (
    id             UUID PRIMARY KEY,
    user_id        UUID         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name           VARCHAR(200) NOT NULL,
    created_at     TIMESTAMPTZ  NOT NULL,
    last_active_at TIMESTAMPTZ  NOT NULL
);
CREATE INDEX generation_sessions_user ON generation_sessions (user_id, created_at DESC);

CREATE TABLE uploads (
    id           UUID PRIMARY KEY,
    user_id      UUID         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id   UUID REFERENCES generation_sessions (id) ON DELETE CASCADE,
    filename     VARCHAR(255) NOT NULL,
    content_type VARCHAR(32)  NOT NULL,
    size_bytes   BIGINT       NOT NULL,
    sha256       VARCHAR(64)  NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL
);
CREATE INDEX uploads_session ON uploads (session_id);
CREATE INDEX generations_session ON generations (session_id) WHERE session_id IS NOT NULL;
