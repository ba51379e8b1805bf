-- Sessions, keyed by the SHA-256 of the session id: the id itself lives only in the browser's
-- cookie, so a copy of this table opens no session. A row exists only for a logged-in session;
-- anonymous visitors have none.
CREATE TABLE sessions (
    id_hash    bytea PRIMARY KEY CHECK (octet_length(id_hash) = 32),
    data       jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- The previous store kept raw session ids; those sessions end here.
DROP SCHEMA IF EXISTS tower_sessions CASCADE;
