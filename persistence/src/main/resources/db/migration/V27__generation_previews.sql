-- The latest preview image of a running generation (ComfyUI's binary preview frames), kept while it
-- runs so that every replica can serve it; removed when the generation ends.
CREATE TABLE generation_previews (
    generation_id UUID PRIMARY KEY REFERENCES generations (id) ON DELETE CASCADE,
    media_type    TEXT        NOT NULL,
    image         BYTEA       NOT NULL,
    node_id       TEXT,
    version       INTEGER     NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
