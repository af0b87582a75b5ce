-- Results in an object store: a generation whose outputs wait in the replica's spool (the store
-- was down) stays RUNNING with outputs_pending > 0 until they are stored; retention deletes the
-- files of old generations and keeps the record, stamped with when.
ALTER TABLE generations ADD COLUMN outputs_pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE generations ADD COLUMN outputs_deleted_at TIMESTAMPTZ;

-- retention's search: finished generations with outputs still kept, oldest first
CREATE INDEX generations_outputs_kept ON generations (finished_at)
    WHERE outputs IS NOT NULL AND outputs_deleted_at IS NULL;

-- a user's own rule: delete their outputs after this many days (0: keep them), over the global one
CREATE TABLE result_retention (
    user_id    UUID        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    days       INTEGER     NOT NULL CHECK (days >= 0),
    updated_at TIMESTAMPTZ NOT NULL
);
