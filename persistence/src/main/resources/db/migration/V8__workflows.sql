-- A ComfyUI workflow as the platform runs it: the API-format graph and what was learned from it.
-- The JSON columns are written and read by the application only; TEXT keeps them byte-exact.
CREATE TABLE workflows (
    id           UUID PRIMARY KEY,
    name         VARCHAR(200) NOT NULL,
    description  TEXT,
    -- the API-format graph ("prompt"), UI imports converted on the way in
    graph        TEXT         NOT NULL,
    -- the designated user inputs: [{key: "node/field", type, title, default, description, min, max}]
    inputs       TEXT         NOT NULL,
    -- the common shortcuts mapped to nodes: {"prompt": ["6/text"], "seed": ["3/seed"], ...}
    shortcuts    TEXT         NOT NULL,
    -- what a server needs to run it: ["KSampler", ...] and [{folder, name}]
    node_classes TEXT         NOT NULL,
    models       TEXT         NOT NULL,
    is_default   BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMPTZ  NOT NULL,
    updated_at   TIMESTAMPTZ  NOT NULL,
    version      BIGINT       NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX workflows_name_uq ON workflows (lower(name));
CREATE UNIQUE INDEX workflows_one_default_uq ON workflows (is_default) WHERE is_default;
