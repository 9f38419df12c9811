-- Importing Mastodon's CSV lists of follows, blocks and mutes (issue 12; core/import.h).
--
-- imports: one upload of a member's, worked through by the 'import' job (the jobs table's
--   kind check has allowed 'import' since 0039, so it is not redefined here). state: running
--   until every entry is done or failed (and, in overwrite mode, the relations the file
--   does not name are removed), then finished. total: the distinct addresses in the file;
--   done and failed grow with the entries in the transaction that settles each.
-- import_entries: one address of the file, normalised ("name" for a member here,
--   "user@domain" otherwise; what the member wrote, trimmed, when it is no address), its
--   state, why it failed, and the account it named once found.
-- Both are the member's transient work, not their data: kept until the member deletes the
-- account (db/deletion.c), not exported.
CREATE TABLE imports (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	kind text NOT NULL CHECK (kind IN ('following', 'blocks', 'mutes')),
	mode text NOT NULL CHECK (mode IN ('merge', 'overwrite')),
	state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'finished')),
	total integer NOT NULL CHECK (total >= 0),
	done integer NOT NULL DEFAULT 0 CHECK (done >= 0),
	failed integer NOT NULL DEFAULT 0 CHECK (failed >= 0),
	created_at timestamptz NOT NULL DEFAULT now(),
	finished_at timestamptz,
	CHECK (done + failed <= total)
);
CREATE INDEX imports_account_idx ON imports (account_id, id);
-- one running import per member
CREATE UNIQUE INDEX imports_one_running_idx ON imports (account_id) WHERE state = 'running';

CREATE TABLE import_entries (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	import_id bigint NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
	address text NOT NULL CHECK (char_length(address) BETWEEN 1 AND 300),
	state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
	error text CHECK (error IN ('bad_address', 'not_allowed', 'not_found', 'unreachable',
		'self', 'blocked', 'refused', 'suspended')),
	target_account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
	UNIQUE (import_id, address),
	CHECK ((state = 'failed') = (error IS NOT NULL))
);
CREATE INDEX import_entries_pending_idx ON import_entries (import_id, id) WHERE state = 'pending';
CREATE INDEX import_entries_target_idx ON import_entries (target_account_id);
