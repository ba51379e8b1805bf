-- The IAM project of each region a cloud account works in. Huawei's rating operations take the
-- project of the region being priced as `project_id` (one per region); the account's domain id
-- is refused there. Staff enter them on the account page; the sandbox's accounts get theirs at
-- start.
CREATE TABLE cloud_account_projects (
    cloud_account_id uuid NOT NULL REFERENCES cloud_accounts (id) ON DELETE CASCADE,
    region           text NOT NULL,
    project_id       text NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cloud_account_id, region),
    CONSTRAINT cloud_account_projects_region_len CHECK (char_length(region) BETWEEN 1 AND 64),
    CONSTRAINT cloud_account_projects_id_format CHECK (project_id ~ '^[A-Za-z0-9_-]{1,64}$')
);
