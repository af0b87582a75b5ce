-- One power schedule per server. Quartz's triggers (QRTZ_ tables, group 'server-schedules') are
-- derived from this row and replaced in the same transaction whenever it changes.
CREATE TABLE server_schedules (
    server_id   UUID        PRIMARY KEY REFERENCES servers (id) ON DELETE CASCADE,
    auto_start  BOOLEAN     NOT NULL,
    auto_stop   BOOLEAN     NOT NULL,
    start_time  TIME,
    stop_time   TIME,
    -- an IANA zone id; the times are wall-clock times in this zone
    timezone    VARCHAR(64) NOT NULL,
    -- Monday first: '1111100' is Monday to Friday
    weekdays    VARCHAR(7)  NOT NULL CHECK (weekdays ~ '^[01]{7}$'),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    version     BIGINT      NOT NULL DEFAULT 0,
    CHECK (NOT auto_start OR start_time IS NOT NULL),
    CHECK (NOT auto_stop OR stop_time IS NOT NULL)
);
