-- Ollama servers as fleet members: what a server runs (ComfyUI, the default, or Ollama), where its
-- Ollama answers, and the models the last probe of it saw (/api/tags, with /api/ps for loaded).
ALTER TABLE servers
    ADD COLUMN engine     VARCHAR(16) NOT NULL DEFAULT 'comfyui'
        CHECK (engine IN ('comfyui', 'ollama')),
    ADD COLUMN ollama_url VARCHAR(255);

CREATE TABLE server_ollama_models (
    server_id  UUID         NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    name       VARCHAR(255) NOT NULL,
    size_bytes BIGINT       NOT NULL DEFAULT 0,
    loaded     BOOLEAN      NOT NULL DEFAULT FALSE,
    -- while loaded: when Ollama will unload it (its keep_alive)
    expires_at TIMESTAMPTZ,
    seen_at    TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (server_id, name)
);
-- routing asks "which servers have this model"
CREATE INDEX server_ollama_models_name_idx ON server_ollama_models (name);
