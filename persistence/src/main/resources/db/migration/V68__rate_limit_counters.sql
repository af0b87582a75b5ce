-- The rate-limit bands' counts, one row per user, kind of band and limits (the key names them all,
-- so that a changed limit starts fresh). state holds, per band in order, the start of its current
-- window (epoch milliseconds) and what it has counted there: {start1, used1, start2, used2, ...}.
-- Rows are locked FOR UPDATE in key order, many in one transaction (see BandCounters).
CREATE TABLE rate_limit_counters (
    id    VARCHAR(160) PRIMARY KEY,
    state BIGINT[] NOT NULL DEFAULT '{}'
);

-- bucket4j's rate_limit_buckets is no longer written. It stays until no replica of an earlier
-- version can run against this database (a rolling update has both for a while); a later
-- migration drops it.
