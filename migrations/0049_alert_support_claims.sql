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

-- A moderator's claim on an alert in review (core/alerts.h alert_claim), as reports have: while
-- one moderator holds it, another acts on it only after taking it over; claims, releases and
-- take-overs are in alert_log. A decision ends the claim.
ALTER TABLE alerts
	ADD COLUMN claimed_by bigint REFERENCES accounts (id) ON DELETE SET NULL,
	ADD COLUMN claimed_at timestamptz;
CREATE INDEX alerts_claimed_by ON alerts (claimed_by) WHERE claimed_by IS NOT NULL;
ALTER TABLE alert_log DROP CONSTRAINT alert_log_action_check;
ALTER TABLE alert_log ADD CONSTRAINT alert_log_action_check CHECK (action IN ('publish',
	'redact', 'ask', 'decline', 'renew', 'flag_closed', 'claim', 'release', 'take_over'));
