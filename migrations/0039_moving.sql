-- Moving accounts (issue 12): alsoKnownAs and Move, both ways.
--
-- accounts.also_known_as: the actor ids this account says it also is. A member here lists
--   the accounts elsewhere it moves in from (Settings → "Moving from another account"); a
--   remote account's comes from its actor document. A Move to an account is believed only
--   when the account lists the one that moves.
-- accounts.moved_to_uri: the actor id this account moved to (a member here who moved away,
--   until they undo it; a remote account whose Move this node accepted, or whose actor
--   document says movedTo). NULL: not moved.
-- accounts.moved_at: when this account last moved (kept after an undo: one move per
--   account per period, core/move.h).
ALTER TABLE accounts ADD COLUMN also_known_as text[] NOT NULL DEFAULT '{}';
ALTER TABLE accounts ADD COLUMN moved_to_uri text;
ALTER TABLE accounts ADD COLUMN moved_at timestamptz;

-- The 'move' job: a member moved away, and the members here who follow them follow the new
-- account (core/move.h). The kinds are every helper's of this round (import: the Mastodon CSV
-- import), so that the order the migrations are merged in doesn't matter.
ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check
	CHECK (kind IN ('inbox', 'deliver', 'media_fetch', 'import', 'move'));

-- The notification "X moved": told to each member whose follow of X moved to X's new account.
-- The allowed types are read from the constraint as it stands (as 0034 does), so that this
-- keeps whatever types other migrations allowed.
DO $$
DECLARE
	def text;
	types text[];
BEGIN
	SELECT pg_get_constraintdef(c.oid) INTO def FROM pg_constraint c
	WHERE c.conrelid = 'notifications'::regclass AND c.conname = 'notifications_type_check';
	SELECT array_agg(DISTINCT k ORDER BY k) INTO types FROM (
		SELECT m[1] AS k FROM regexp_matches(def, '''([a-z_]+)''', 'g') m
		UNION
		SELECT unnest(string_to_array(m[1], ',')) FROM regexp_matches(def, '''\{([a-z_,]+)\}''', 'g') m
		UNION
		SELECT 'move') x;
	IF NOT types @> ARRAY['mention', 'follow', 'report'] THEN
		RAISE EXCEPTION 'notifications_type_check not understood: %', def;
	END IF;
	ALTER TABLE notifications DROP CONSTRAINT notifications_type_check;
	EXECUTE format('ALTER TABLE notifications ADD CONSTRAINT notifications_type_check'
		' CHECK (type = ANY (%L::text[]))', types);
END
$$;
