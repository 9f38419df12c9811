-- Two-factor sign-in with TOTP (issue 12). A member's authenticator secret, sealed with the
-- node key (util/secretbox.h: AES-256-GCM, a key file in data_dir, never in the database),
-- so a dump or backup of the database alone holds no secret that makes codes. A row whose
-- enabled is false is an enrolment in progress: the secret shown as a QR code, waiting for a
-- first right code (within 15 minutes of started_at). last_step is the newest TOTP step a
-- code was accepted for: a code of that step or an older one is refused (replay).
CREATE TABLE totp_credentials (
	account_id bigint PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
	secret_sealed text NOT NULL CHECK (secret_sealed ~ '^[0-9a-f]+$'),
	enabled boolean NOT NULL DEFAULT false,
	last_step bigint NOT NULL DEFAULT 0,
	started_at timestamptz NOT NULL DEFAULT now()
);

-- The half-signed-in state between the password and the code: a random token in a cookie of
-- its own (only its SHA-256 here), the account, whether the password was right (the code
-- step answers the same either way), how the session is to be kept, and a short life. It
-- carries no session powers: nothing but the code step reads this table, and a row is used
-- once (deleted when the code is tried).
CREATE TABLE signin_challenges (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	token_hash bytea NOT NULL UNIQUE,
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	password_ok boolean NOT NULL,
	persistent boolean NOT NULL,
	next text NOT NULL DEFAULT '' CHECK (char_length(next) <= 2000),
	expires_at timestamptz NOT NULL
);
CREATE INDEX signin_challenges_account ON signin_challenges (account_id);
CREATE INDEX signin_challenges_expires ON signin_challenges (expires_at);
