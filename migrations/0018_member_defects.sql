-- Member-facing defects of issue 11: recovery codes shown once at first sign-in, node default
-- visibility and time zone, members' time zones, invites named by a prefix of their code.

-- Recovery codes are made and shown at once on a page of their own, the first time the member
-- opens it after signing up (or after asking for new ones in Settings). Until then this is
-- true. Applicants never saw the codes made with their application: the ones still waiting
-- get theirs at their first sign-in after approval.
ALTER TABLE accounts ADD COLUMN recovery_codes_due boolean NOT NULL DEFAULT false;
UPDATE accounts SET recovery_codes_due = true WHERE domain IS NULL AND NOT approved;

-- A member's time zone (a name from the system's tz database, checked by the server); NULL
-- means the node's (instance setting time_zone, UTC by default).
ALTER TABLE accounts ADD COLUMN time_zone text
	CHECK (time_zone ~ '^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$' AND char_length(time_zone) <= 64);

-- The first characters of an invite's code (36 of its 256 bits), so that admins can tell
-- which link they are revoking; the rest stays secret (only its SHA-256 is kept).
ALTER TABLE invites ADD COLUMN code_prefix text CHECK (code_prefix ~ '^[A-Za-z0-9_-]{6}$');

-- New instance settings: default_visibility (new accounts start with it) and time_zone. The
-- list of allowed keys is read from the constraint as it stands, so that this migration
-- keeps whatever keys other migrations allowed.
DO $$
DECLARE
	keys text[];
BEGIN
	SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO keys
	FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') m
	WHERE c.conrelid = 'instance_settings'::regclass AND c.conname = 'instance_settings_key_check';
	keys := keys || ARRAY['default_visibility', 'time_zone'];
	ALTER TABLE instance_settings DROP CONSTRAINT instance_settings_key_check;
	EXECUTE format('ALTER TABLE instance_settings ADD CONSTRAINT instance_settings_key_check'
		' CHECK (key = ANY (%L::text[]))', keys);
END
$$;
