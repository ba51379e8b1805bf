-- People who log in. Customer users (viewer, manager) belong to exactly one cloud account;
-- staff belong to none. `session_epoch` is bumped to end every session of a user at once.
CREATE TABLE users (
    id                uuid PRIMARY KEY,
    email             text NOT NULL,
    display_name      text NOT NULL,
    password_hash     text NOT NULL,
    role              text NOT NULL CHECK (role IN ('viewer', 'manager', 'staff')),
    cloud_account_id  uuid REFERENCES cloud_accounts (id),
    time_zone         text NOT NULL DEFAULT 'UTC',
    session_epoch     integer NOT NULL DEFAULT 0,
    failed_logins     integer NOT NULL DEFAULT 0,
    first_failure_at  timestamptz,
    locked_until      timestamptz,
    disabled_at       timestamptz,
    last_login_at     timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_account_matches_role CHECK ((role = 'staff') = (cloud_account_id IS NULL))
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_cloud_account_idx ON users (cloud_account_id);

-- One-time links that create the first staff user. Only a hash of the token is stored.
CREATE TABLE setup_tokens (
    token_sha256 bytea PRIMARY KEY,
    created_at   timestamptz NOT NULL DEFAULT now(),
    used_at      timestamptz
);

-- Login attempts per client IP, in fixed windows; shared by every replica.
CREATE TABLE login_ip_windows (
    ip           text NOT NULL,
    window_start timestamptz NOT NULL,
    attempts     integer NOT NULL,
    PRIMARY KEY (ip, window_start)
);
