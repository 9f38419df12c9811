-- Posts that delete themselves (issue 12, account safety). statuses.expires_at is the time a
-- post chosen to expire is due (NULL: it stays); the sweep (core/expiry.c) deletes due posts
-- through the normal delete path. post_expiry_settings holds each member's choices: the
-- expiry the compose form starts with, and "delete my posts older than N units" (NULL amount:
-- off), which never takes pinned posts nor posts the member bookmarked.
ALTER TABLE statuses ADD COLUMN expires_at timestamptz;
CREATE INDEX statuses_expires ON statuses (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE post_expiry_settings (
	account_id bigint PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
	default_expiry text NOT NULL DEFAULT 'never'
		CHECK (default_expiry IN ('never', '1h', '1d', '1w', '1m')),
	auto_delete_amount integer CHECK (auto_delete_amount BETWEEN 1 AND 1000),
	auto_delete_unit text NOT NULL DEFAULT 'weeks'
		CHECK (auto_delete_unit IN ('days', 'weeks', 'months'))
);
-- the sweep's scan: only members who turned auto-delete on
CREATE INDEX post_expiry_auto ON post_expiry_settings (account_id)
	WHERE auto_delete_amount IS NOT NULL;
