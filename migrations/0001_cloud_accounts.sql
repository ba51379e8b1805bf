-- Huawei Cloud customer accounts the portal talks to. The SK is AES-256-GCM encrypted with a key
-- held outside the database; the account id is the additional authenticated data, so a
-- ciphertext copied onto another row does not decrypt.
CREATE TABLE cloud_accounts (
    id            uuid PRIMARY KEY,
    name          text NOT NULL,
    endpoint      text NOT NULL,
    domain_id     text NOT NULL,
    ak            text NOT NULL,
    sk_nonce      bytea NOT NULL,
    sk_ciphertext bytea NOT NULL,
    sk_hint       text NOT NULL,
    key_id        text NOT NULL,
    is_sandbox    boolean NOT NULL DEFAULT false,
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT cloud_accounts_name_len CHECK (char_length(name) BETWEEN 1 AND 64)
);
CREATE UNIQUE INDEX cloud_accounts_name_key ON cloud_accounts (lower(name));
