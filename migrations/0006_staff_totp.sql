-- Second factor for staff: a TOTP secret (AES-256-GCM sealed, bound to the user id), the last
-- time step accepted (codes are single-use) and a failure window for rate limiting.
ALTER TABLE users
    ADD COLUMN totp_nonce        bytea,
    ADD COLUMN totp_ciphertext   bytea,
    ADD COLUMN totp_enabled_at   timestamptz,
    ADD COLUMN totp_last_step    bigint NOT NULL DEFAULT 0,
    ADD COLUMN totp_failures     integer NOT NULL DEFAULT 0,
    ADD COLUMN totp_window_start timestamptz;
