-- Bad-date alerts (issue 14; core/alerts.h, ../shared/SAFETY.md "Bad-date alerts"): members
-- warn each other about dangerous clients. An alert waits for a moderator, is read by members
-- only, and never names its reporter to anyone but the reporter (and to moderators only when
-- the node's alerts_show_reporter setting is on).

CREATE TABLE alerts (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	-- who filed it: NULL once that account is deleted (the alert stays: it protects others)
	reporter_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
	-- filed by a support worker for a member who consented
	for_member boolean NOT NULL DEFAULT false,
	state text NOT NULL DEFAULT 'pending'
		CHECK (state IN ('pending', 'published', 'declined', 'withdrawn')),
	happened_on date NOT NULL,
	part_of_day text NOT NULL DEFAULT ''
		CHECK (part_of_day IN ('', 'morning', 'afternoon', 'evening', 'night')),
	area text NOT NULL CHECK (char_length(area) BETWEEN 2 AND 80),
	-- the area lower-cased with spaces collapsed: what browsing and subscriptions compare
	area_key text NOT NULL,
	categories text[] NOT NULL CHECK (cardinality(categories) >= 1 AND categories <@ ARRAY[
		'violence', 'sexual_assault', 'robbery', 'condom', 'stalking', 'police',
		'time_waster', 'other']),
	severity text NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
	summary text NOT NULL CHECK (char_length(summary) BETWEEN 1 AND 2000),
	-- optional identifiers as the reporter wrote them (readable only inside the alert);
	-- lookups use alert_identifiers' keyed hashes
	phones text NOT NULL DEFAULT '',
	handles text NOT NULL DEFAULT '',
	emails text NOT NULL DEFAULT '',
	names text NOT NULL DEFAULT '',
	vehicle text NOT NULL DEFAULT '',
	plates text NOT NULL DEFAULT '',
	description text NOT NULL DEFAULT '',
	first_contact text NOT NULL DEFAULT '',
	-- consent switches, narrowest by default
	consent_members boolean NOT NULL DEFAULT false,
	consent_partners boolean NOT NULL DEFAULT false,
	decline_reason text,
	created_at timestamptz NOT NULL DEFAULT now(),
	published_at timestamptz,
	expires_at timestamptz
);
CREATE INDEX alerts_reporter ON alerts (reporter_id) WHERE reporter_id IS NOT NULL;
CREATE INDEX alerts_published ON alerts (area_key, id) WHERE state = 'published';
CREATE INDEX alerts_pending ON alerts (id) WHERE state = 'pending';

-- Keyed hashes (HMAC-SHA256 with a key derived from the node key, hex) of each normalised
-- identifier, for the screening lookup. No readable text here.
CREATE TABLE alert_identifiers (
	alert_id bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
	kind text NOT NULL CHECK (kind IN ('phone', 'handle', 'email', 'plate')),
	digest text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
	PRIMARY KEY (alert_id, kind, digest)
);
CREATE INDEX alert_identifiers_digest ON alert_identifiers (kind, digest);

-- A moderator's redaction: the alert's fields before the edit, kept for the moderators.
CREATE TABLE alert_redactions (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	alert_id bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
	moderator_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
	before jsonb NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_redactions_alert ON alert_redactions (alert_id);
CREATE INDEX alert_redactions_moderator ON alert_redactions (moderator_id)
	WHERE moderator_id IS NOT NULL;

-- The question thread between the moderators and the reporter: the reporter sees "a
-- moderator", the moderators see "the reporter".
CREATE TABLE alert_messages (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	alert_id bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
	from_reporter boolean NOT NULL,
	moderator_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
	body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2000),
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_messages_alert ON alert_messages (alert_id, id);
CREATE INDEX alert_messages_moderator ON alert_messages (moderator_id)
	WHERE moderator_id IS NOT NULL;

-- What moderators did with alerts: never the reporter.
CREATE TABLE alert_log (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	alert_id bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
	moderator_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
	action text NOT NULL CHECK (action IN ('publish', 'redact', 'ask', 'decline', 'renew',
		'flag_closed')),
	reason text NOT NULL DEFAULT '' CHECK (char_length(reason) <= 1000),
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_log_alert ON alert_log (alert_id, id);
CREATE INDEX alert_log_moderator ON alert_log (moderator_id) WHERE moderator_id IS NOT NULL;

-- Members' flags of published alerts ("wrong or harmful"): they go to the review queue.
CREATE TABLE alert_flags (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	alert_id bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
	account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
	reason text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 1000),
	created_at timestamptz NOT NULL DEFAULT now(),
	closed_at timestamptz
);
CREATE INDEX alert_flags_alert ON alert_flags (alert_id);
CREATE INDEX alert_flags_account ON alert_flags (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX alert_flags_open ON alert_flags (id) WHERE closed_at IS NULL;

-- Areas a member follows: a new alert published there is shown on their /alerts page.
CREATE TABLE alert_subscriptions (
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	area_key text NOT NULL,
	seen_id bigint NOT NULL DEFAULT 0,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (account_id, area_key)
);

-- New instance settings: alerts_country (the default country of phone numbers, ISO 3166
-- code), alerts_expiry_months (default 12) and alerts_show_reporter (moderators see who
-- filed an alert; off by default). Keys read from the constraint as 0031 does.
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
		SELECT unnest(ARRAY['alerts_country', 'alerts_expiry_months',
			'alerts_show_reporter'])) x;
	IF NOT keys @> ARRAY['instance_name', 'time_zone', 'quick_exit_url'] THEN
		RAISE EXCEPTION 'instance_settings_key_check not understood: %', def;
	END IF;
	ALTER TABLE instance_settings DROP CONSTRAINT instance_settings_key_check;
	EXECUTE format('ALTER TABLE instance_settings ADD CONSTRAINT instance_settings_key_check'
		' CHECK (key = ANY (%L::text[]))', keys);
END
$$;
