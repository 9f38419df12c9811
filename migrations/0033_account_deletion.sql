-- A member deletes their own account (issue 12, "leaving"). core/deletion.c does it in two
-- steps:
--   1. at once, in one transaction: sessions end, the password stops working, everything the
--      member wrote or owns is purged (db_account_purge, as for a suspended account, plus
--      what only a self-deletion removes: sessions, two-factor, recovery codes, settings),
--      Deletes of the posts and then of the actor are queued, signed later with the key;
--   2. once no delivery signed by the account is left (sent, or given up), the sweep forgets
--      the key and the handle: the row keeps only a placeholder name, and the handle is kept
--      as a digest in retired_handles, so that nobody can take it again.
-- The row itself stays (moderation records point at it and read "a deleted account").

-- The handle is retired for good: peers that missed the Delete still hold the old actor's
-- id, key and follows, and a new account under the same name would inherit that trust. Only
-- a SHA-256 of the lower-cased handle is kept, never the handle.
CREATE TABLE retired_handles (
	handle_digest bytea PRIMARY KEY CHECK (octet_length(handle_digest) = 32),
	retired_at timestamptz NOT NULL DEFAULT now()
);

-- deleted_at (0013) now also marks a local account its member deleted (step 1); forgotten_at
-- marks step 2 done.
ALTER TABLE accounts ADD COLUMN forgotten_at timestamptz,
	ADD CONSTRAINT accounts_forgotten_after_deleted CHECK (forgotten_at IS NULL
		OR deleted_at IS NOT NULL);
CREATE INDEX accounts_deleted_local ON accounts (deleted_at)
	WHERE domain IS NULL AND deleted_at IS NOT NULL AND forgotten_at IS NULL;

-- The deliveries an account signs, so step 2 finds whether any is left without a scan.
CREATE INDEX jobs_deliver_signer ON jobs ((payload ->> 'signer')) WHERE kind = 'deliver';

-- Closing a report about a deleted member drops the handle too (0013 keeps it on closed
-- reports about everyone else).
CREATE OR REPLACE FUNCTION parasol_report_snapshot_drop() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.snap_display_name := NULL;
	NEW.snap_account_url := NULL;
	NEW.snap_status_content := NULL;
	NEW.snap_status_spoiler := NULL;
	NEW.snap_status_visibility := NULL;
	NEW.snap_status_sensitive := NULL;
	NEW.snap_status_url := NULL;
	NEW.snap_status_created_at := NULL;
	IF EXISTS (SELECT 1 FROM accounts a WHERE a.id = NEW.target_account_id
		   AND a.domain IS NULL AND a.deleted_at IS NOT NULL) THEN
		NEW.snap_acct := NULL;
	END IF;
	RETURN NEW;
END $$;
