-- Which upstream object ids (orders, resources, packages) belong to which cloud account, as
-- seen in that account's own list answers. Checked before any upstream call that names an id,
-- so a user of one account can never make the portal send another account's id upstream.
CREATE TABLE owned_objects (
    cloud_account_id uuid NOT NULL REFERENCES cloud_accounts (id),
    kind             text NOT NULL,
    object_id        text NOT NULL,
    seen_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cloud_account_id, kind, object_id)
);
