-- The notification "a new alert in an area you follow" (issue 14, core/alerts.h): told to
-- each member following the area of an alert when it is first published. It names no
-- account (the reporter is nobody's business) and points at the alert. The allowed types are
-- read from the constraint as it stands (as 0039 does).
ALTER TABLE notifications ADD COLUMN alert_id bigint REFERENCES alerts (id) ON DELETE CASCADE;
CREATE INDEX notifications_alert ON notifications (alert_id) WHERE alert_id IS NOT NULL;

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
		SELECT 'alert') x;
	IF NOT types @> ARRAY['mention', 'follow', 'report', 'move'] THEN
		RAISE EXCEPTION 'notifications_type_check not understood: %', def;
	END IF;
	ALTER TABLE notifications DROP CONSTRAINT notifications_type_check;
	EXECUTE format('ALTER TABLE notifications ADD CONSTRAINT notifications_type_check'
		' CHECK (type = ANY (%L::text[]))', types);
END
$$;

-- An alert notification has its alert and no account; every other keeps the shape 0019 set.
ALTER TABLE notifications DROP CONSTRAINT notifications_shape;
ALTER TABLE notifications ADD CONSTRAINT notifications_shape CHECK (
	(type IN ('moderation', 'appeal', 'report')) = (mod_action_id IS NOT NULL)
	AND (type IN ('moderation', 'appeal', 'report', 'alert') OR from_account_id IS NOT NULL)
	AND (type = 'alert') = (alert_id IS NOT NULL));
