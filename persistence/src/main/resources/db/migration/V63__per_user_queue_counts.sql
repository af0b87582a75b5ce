-- Every submit counts the user's queued generations, and every dispatch round the running ones per
-- user: without these the counts read the user's whole history.
CREATE INDEX generations_user_queued_idx ON generations (user_id) WHERE status = 'QUEUED';
CREATE INDEX generations_user_running_idx ON generations (user_id) WHERE status = 'RUNNING';
