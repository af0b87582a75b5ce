-- Servers registered by URL (provider "static") may be started and stopped by admin-defined
-- commands run over SSH.
ALTER TABLE servers
    ADD COLUMN start_command TEXT,
    ADD COLUMN stop_command  TEXT;
