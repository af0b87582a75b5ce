-- What each generation used of its server and what that cost: its share of the server's time at
-- the server's $/h (issue: fleet economics).
ALTER TABLE generations
    ADD COLUMN gpu_seconds DOUBLE PRECISION,
    ADD COLUMN cost        NUMERIC(14, 6);
