-- Reports: a member points the moderators at a post or an account (local or remote), citing
-- the rules it breaks and adding a comment. Only moderators and admins ever read this table;
-- the reported account is never told who reported it.
CREATE TABLE reports (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	reporter_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	target_account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	-- NULL for a report about an account, or once the post is gone
	status_id bigint REFERENCES statuses (id) ON DELETE SET NULL,
	comment text NOT NULL DEFAULT '' CHECK (char_length(comment) <= 1000),
	-- the ids of the rules cited (may be empty; a deleted rule simply stops showing)
	rule_ids bigint[] NOT NULL DEFAULT '{}',
	state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
	created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX reports_open_idx ON reports (id) WHERE state = 'open';
