-- The Mastodon client API's OAuth 2 (issue 13; server/core/oauth.c). Apps register
-- themselves, members authorise them, and an app then holds a bearer token. Every secret
-- here (client secrets, authorisation codes, access and refresh tokens) is a 256-bit random
-- value shown once and stored only as its SHA-256: a dump of the database gives nobody a
-- working token. A fast hash is enough because the values are random and 256 bits long:
-- nobody can guess one, so nothing is gained by slowing the hash down (slow hashes protect
-- secrets people choose, such as passwords).
--
-- Ids are plain sequence numbers, not parasol_id(): those carry the time of creation to
-- the millisecond, and of an app's use the node keeps the day only.

-- An app as it registered (POST /api/v1/apps): anyone may register one; what it may ask
-- for is limited by scopes. client_id is public (it sits in the authorisation URL).
CREATE TABLE oauth_apps (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
	website text CHECK (char_length(website) <= 2000),
	redirect_uris text NOT NULL CHECK (char_length(redirect_uris) BETWEEN 1 AND 2000),
	scopes text NOT NULL CHECK (char_length(scopes) BETWEEN 1 AND 1000),
	client_id text NOT NULL UNIQUE CHECK (char_length(client_id) = 43),
	secret_hash bytea NOT NULL CHECK (octet_length(secret_hash) = 32),
	created_on date NOT NULL DEFAULT current_date
);
CREATE INDEX oauth_apps_created ON oauth_apps (created_on);

-- An authorisation code (the consent page's answer), good once and for ten minutes. PKCE:
-- the S256 challenge the app sent, checked against the verifier at the exchange.
CREATE TABLE oauth_codes (
	code_hash bytea PRIMARY KEY CHECK (octet_length(code_hash) = 32),
	app_id bigint NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	scopes text NOT NULL CHECK (char_length(scopes) BETWEEN 1 AND 1000),
	redirect_uri text NOT NULL CHECK (char_length(redirect_uri) <= 2000),
	code_challenge text CHECK (code_challenge ~ '^[A-Za-z0-9_-]{43}$'),
	expires_at timestamptz NOT NULL
);
CREATE INDEX oauth_codes_app ON oauth_codes (app_id);
CREATE INDEX oauth_codes_account ON oauth_codes (account_id);
CREATE INDEX oauth_codes_expires ON oauth_codes (expires_at);

-- A token an app holds: for a member (account_id), or for the app alone (client_credentials:
-- account_id NULL, which reaches only what a visitor sees). Revoking deletes the row; there
-- is no expiry, as on Mastodon, but the member sees every token in Settings -> "Authorised
-- apps" with the day it was last used, and signing out everywhere, turning two-factor on, a
-- new password, a suspension and the deletion of the account delete them.
CREATE TABLE oauth_tokens (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
	refresh_hash bytea UNIQUE CHECK (octet_length(refresh_hash) = 32),
	app_id bigint NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
	account_id bigint REFERENCES accounts (id) ON DELETE CASCADE,
	scopes text NOT NULL CHECK (char_length(scopes) BETWEEN 1 AND 1000),
	created_on date NOT NULL DEFAULT current_date,
	last_used_on date NOT NULL DEFAULT current_date
);
CREATE INDEX oauth_tokens_account ON oauth_tokens (account_id);
CREATE INDEX oauth_tokens_app ON oauth_tokens (app_id);

-- A suspension ends the account's tokens and codes at once, whichever code path suspends
-- (a moderator's action, the two-person rule's approval).
CREATE FUNCTION parasol_oauth_end_suspended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM oauth_tokens WHERE account_id = NEW.id;
	DELETE FROM oauth_codes WHERE account_id = NEW.id;
	RETURN NULL;
END
$$;
CREATE TRIGGER accounts_suspension_ends_tokens AFTER UPDATE OF suspended_at ON accounts
	FOR EACH ROW WHEN (OLD.suspended_at IS NULL AND NEW.suspended_at IS NOT NULL)
	EXECUTE FUNCTION parasol_oauth_end_suspended();

-- POST /api/v1/statuses with an Idempotency-Key: the post a key made, per account, so that
-- an app retrying after a lost answer doesn't post twice. A key is kept for an hour (older
-- ones of the account are deleted when it uses a new one, the sweep deletes the rest).
CREATE TABLE api_idempotency (
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	key text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 200),
	status_id bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (account_id, key)
);
CREATE INDEX api_idempotency_created ON api_idempotency (created_at);
