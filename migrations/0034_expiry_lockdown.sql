-- Posts that delete themselves and the lockdown switch (issue 12). Posts: statuses.expires_at is the time a
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

-- The admin lockdown switch (issue 12, the node's safety): instance setting 'lockdown'
-- ("true" while on), and the moderation log's records of who turned it on and off. The
-- allowed setting keys are read from the constraint as it stands (as 0031 does), so that this
-- keeps whatever keys other migrations allowed.
DO $$
DECLARE
	def text;
	keys text[];
BEGIN
	SELECT pg_get_constraintdef(c.oid) INTO def FROM pg_constraint c
	WHERE c.conrelid = 'instance_settings'::regclass AND c.conname = 'instance_settings_key_check';
	SELECT array_agg(DISTINCT k ORDER BY k) INTO keys FROM (
		SELECT m[1] AS k FROM regexp_matches(def, '''([a-z_]+)''', 'g') m
		UNION
		SELECT unnest(string_to_array(m[1], ',')) FROM regexp_matches(def, '''\{([a-z_,]+)\}''', 'g') m
		UNION
		SELECT 'lockdown') x;
	IF NOT keys @> ARRAY['instance_name', 'time_zone', 'quick_exit_url'] THEN
		RAISE EXCEPTION 'instance_settings_key_check not understood: %', def;
	END IF;
	ALTER TABLE instance_settings DROP CONSTRAINT instance_settings_key_check;
	EXECUTE format('ALTER TABLE instance_settings ADD CONSTRAINT instance_settings_key_check'
		' CHECK (key = ANY (%L::text[]))', keys);

	SELECT pg_get_constraintdef(c.oid) INTO def FROM pg_constraint c
	WHERE c.conrelid = 'mod_actions'::regclass AND c.conname = 'mod_actions_kind_check';
	SELECT array_agg(DISTINCT k ORDER BY k) INTO keys FROM (
		SELECT m[1] AS k FROM regexp_matches(def, '''([a-z_]+)''', 'g') m
		UNION
		SELECT unnest(ARRAY['lockdown', 'unlock'])) x;
	IF NOT keys @> ARRAY['dismiss', 'defederate', 'revoke_moderator'] THEN
		RAISE EXCEPTION 'mod_actions_kind_check not understood: %', def;
	END IF;
	ALTER TABLE mod_actions DROP CONSTRAINT mod_actions_kind_check;
	EXECUTE format('ALTER TABLE mod_actions ADD CONSTRAINT mod_actions_kind_check'
		' CHECK (kind = ANY (%L::text[]))', keys);
END
$$;
