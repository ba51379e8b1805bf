-- The audit trail: append-only. Actions carry their Cloud Trace Service event name.
CREATE TABLE audit_events (
    id                bigserial PRIMARY KEY,
    occurred_at       timestamptz NOT NULL DEFAULT now(),
    event             text NOT NULL,
    resource_type     text,
    resource_id       text,
    trace_status      text NOT NULL DEFAULT 'normal' CHECK (trace_status IN ('normal', 'warning', 'incident')),
    outcome           text NOT NULL CHECK (outcome IN ('success', 'failure', 'pending', 'unknown', 'denied')),
    actor_user_id     uuid,
    actor_email       text,
    cloud_account_id  uuid,
    source_ip         text,
    request_id        text,
    error_code        text,
    upstream_request_id text,
    summary           jsonb NOT NULL DEFAULT '{}'::jsonb,
    attempt_id        uuid
);
CREATE INDEX audit_events_time_idx ON audit_events (occurred_at DESC);
CREATE INDEX audit_events_account_idx ON audit_events (cloud_account_id, occurred_at DESC);
CREATE INDEX audit_events_event_idx ON audit_events (event, occurred_at DESC);

-- Append-only, whoever the application connects as: no UPDATE, no DELETE, no TRUNCATE.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
