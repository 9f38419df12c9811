-- Support workers (issue 14, core/roles.h): accounts an admin marked as allowed to file a
-- bad-date alert for a member who agreed. Granting and removing the mark are logged in
-- mod_actions like role changes. Account deletion removes the row (db/deletion.c).
CREATE TABLE support_workers (
	account_id bigint PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
	granted_at timestamptz NOT NULL DEFAULT now()
);

DO $$
DECLARE
	def text;
	keys text[];
BEGIN
	SELECT pg_get_constraintdef(c.oid) INTO def FROM pg_constraint c
	WHERE c.conrelid = 'mod_actions'::regclass AND c.conname = 'mod_actions_kind_check';
	SELECT array_agg(DISTINCT k ORDER BY k) INTO keys FROM (
		SELECT unnest(string_to_array(m[1], ',')) AS k
		FROM regexp_matches(def, '''\{([a-z_,]+)\}''', 'g') m
		UNION
		SELECT m[1] FROM regexp_matches(def, '''([a-z_]+)''', 'g') m
		UNION
		SELECT unnest(ARRAY['grant_support_worker', 'revoke_support_worker'])) x;
	IF NOT keys @> ARRAY['dismiss', 'defederate', 'revoke_moderator', 'lockdown'] THEN
		RAISE EXCEPTION 'mod_actions_kind_check not understood: %', def;
	END IF;
	ALTER TABLE mod_actions DROP CONSTRAINT mod_actions_kind_check;
	EXECUTE format('ALTER TABLE mod_actions ADD CONSTRAINT mod_actions_kind_check'
		' CHECK (kind = ANY (%L::text[]))', keys);
END
$$;
