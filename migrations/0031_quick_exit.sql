-- New instance settings (issue 12, the node's safety): quick_exit_url, the neutral address
-- every page's "Quick exit" leads to, and neutral_titles, which makes every page's title a
-- neutral word. The allowed keys are read from the constraint as it stands, so that this keeps
-- whatever keys other migrations allowed; 0018 wrote it as an array literal ('{a,b}'), whose
-- keys 0018's own pattern (quoted single keys, as 0008 wrote them) does not see, so both forms
-- are read here.
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
		SELECT unnest(ARRAY['quick_exit_url', 'neutral_titles'])) x;
	IF NOT keys @> ARRAY['instance_name', 'time_zone'] THEN
		RAISE EXCEPTION 'instance_settings_key_check not understood: %', def;
	END IF;
	ALTER TABLE instance_settings DROP CONSTRAINT instance_settings_key_check;
	EXECUTE format('ALTER TABLE instance_settings ADD CONSTRAINT instance_settings_key_check'
		' CHECK (key = ANY (%L::text[]))', keys);
END
$$;
