-- The client API's streams (server/core/stream.h): every process that writes a post, an edit,
-- a delete or a notification tells every `serve` process, through NOTIFY parasol_stream,
-- when the transaction commits. The payload names rows, never their content: "s ID ACCOUNT
-- VISIBILITY LOCAL" for a post or boost made, "e ..." for an edit, "d ..." for a delete (the
-- row is gone then, so its author and visibility travel with it), "n ID ACCOUNT" for a
-- notification. Each server reads what it names through the same queries as the timelines.
CREATE FUNCTION parasol_stream_status() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	r statuses;
	kind text;
BEGIN
	IF TG_OP = 'DELETE' THEN
		r := OLD;
		kind := 'd';
	ELSIF TG_OP = 'UPDATE' THEN
		r := NEW;
		kind := 'e';
	ELSE
		r := NEW;
		kind := 's';
	END IF;
	PERFORM pg_notify('parasol_stream', kind || ' ' || r.id || ' ' || r.account_id || ' ' ||
		r.visibility || ' ' ||
		CASE WHEN EXISTS (SELECT 1 FROM accounts a WHERE a.id = r.account_id AND
			a.domain IS NULL) THEN '1' ELSE '0' END);
	RETURN NULL;
END
$$;

CREATE TRIGGER statuses_stream_insert AFTER INSERT ON statuses
	FOR EACH ROW EXECUTE FUNCTION parasol_stream_status();
CREATE TRIGGER statuses_stream_edit AFTER UPDATE ON statuses
	FOR EACH ROW WHEN (OLD.edited_at IS DISTINCT FROM NEW.edited_at)
	EXECUTE FUNCTION parasol_stream_status();
CREATE TRIGGER statuses_stream_delete AFTER DELETE ON statuses
	FOR EACH ROW EXECUTE FUNCTION parasol_stream_status();

CREATE FUNCTION parasol_stream_notification() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('parasol_stream', 'n ' || NEW.id || ' ' || NEW.account_id);
	RETURN NULL;
END
$$;

CREATE TRIGGER notifications_stream AFTER INSERT ON notifications
	FOR EACH ROW EXECUTE FUNCTION parasol_stream_notification();
