-- Failed logins per e-mail address that has no user. Known users count theirs in `users`; this
-- table gives unknown addresses the same lock-out, so that after the threshold a known and an
-- unknown address answer alike. Keyed by a SHA-256 of the address as typed (trimmed,
-- lower-cased): whatever was typed there is not kept in clear.
CREATE TABLE login_email_failures (
    email_sha256     bytea PRIMARY KEY,
    failures         integer NOT NULL,
    first_failure_at timestamptz NOT NULL,
    locked_until     timestamptz
);
CREATE INDEX login_email_failures_first_idx ON login_email_failures (first_failure_at);
