-- Late binding: a server takes at most slots + prefetch generations at once (prefetch null: the
-- fleet's default). Each generation carries the work its graph was estimated at (sampler steps x
-- 512x512-equivalents x batch), and each server's measured rate of that work lives beside it, written
-- only by the dispatcher (not through the servers entity, whose updates rewrite every column).
ALTER TABLE servers
    ADD COLUMN slots    INTEGER NOT NULL DEFAULT 1 CONSTRAINT servers_slots_range CHECK (slots BETWEEN 1 AND 16),
    ADD COLUMN prefetch INTEGER CONSTRAINT servers_prefetch_range CHECK (prefetch BETWEEN 0 AND 16);

ALTER TABLE generations
    ADD COLUMN work DOUBLE PRECISION NOT NULL DEFAULT 1 CONSTRAINT generations_work_positive CHECK (work > 0);

CREATE TABLE server_speeds (
    server_id       UUID PRIMARY KEY REFERENCES servers (id) ON DELETE CASCADE,
    work_per_second DOUBLE PRECISION NOT NULL CHECK (work_per_second > 0),
    samples         INTEGER NOT NULL CHECK (samples > 0),
    updated_at      TIMESTAMPTZ NOT NULL
);
