-- One row per intent to change money or resources upstream. Claimed (and committed) before
-- the single upstream call, settled after it, or later by the reconciler.
CREATE TABLE action_attempts (
    id                uuid PRIMARY KEY,
    user_id           uuid NOT NULL REFERENCES users (id),
    cloud_account_id  uuid NOT NULL REFERENCES cloud_accounts (id),
    idempotency_key   uuid NOT NULL,
    action            text NOT NULL,
    target            text NOT NULL,
    request           jsonb NOT NULL,
    status            text NOT NULL CHECK (status IN ('in_progress', 'succeeded', 'failed', 'unknown')),
    error_code        text,
    error_message     text,
    result            jsonb,
    upstream_request_id text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    settled_at        timestamptz,
    reconcile_attempts integer NOT NULL DEFAULT 0,
    next_reconcile_at timestamptz,
    CONSTRAINT action_attempts_user_key UNIQUE (user_id, idempotency_key)
);
-- At most one live attempt per action and target in an account.
CREATE UNIQUE INDEX action_attempts_one_live ON action_attempts (cloud_account_id, action, target)
    WHERE status IN ('in_progress', 'unknown');
CREATE INDEX action_attempts_unsettled ON action_attempts (next_reconcile_at)
    WHERE status IN ('in_progress', 'unknown');

-- What the portal knows of a cloud account's enterprise-project switch (CBC has no query).
CREATE TABLE enterprise_project_auth (
    cloud_account_id uuid PRIMARY KEY REFERENCES cloud_accounts (id),
    enabled_at       timestamptz NOT NULL,
    enabled_by       uuid REFERENCES users (id),
    upstream_answer  text NOT NULL
);
