-- Every version of a setup script's content (issue 18): who saved it and when, so that an edit
-- loses nothing, two versions can be compared, an old one restored, and a setup run's
-- (script_id, script_version) names exactly what ran on a server.
CREATE TABLE setup_script_versions (
    id          UUID PRIMARY KEY,
    script_id   UUID         NOT NULL REFERENCES setup_scripts (id) ON DELETE CASCADE,
    version     INT          NOT NULL,
    content     TEXT         NOT NULL,
    author_id   UUID,
    author_name VARCHAR(100) NOT NULL,
    saved_at    TIMESTAMPTZ  NOT NULL,
    CONSTRAINT setup_script_versions_unique UNIQUE (script_id, version)
);

-- what each script holds now becomes its first recorded version; who wrote it was not kept
INSERT INTO setup_script_versions (id, script_id, version, content, author_id, author_name, saved_at)
SELECT gen_random_uuid(), id, version, content, NULL,
       CASE WHEN builtin THEN 'platform' ELSE 'unknown' END, updated_at
FROM setup_scripts;
