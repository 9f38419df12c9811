-- Page marks: what lets a member's cached /home and /notifications page be proven current
-- with one small query (server/http/server.c, "Member pages"; server/db/pagemarks.c).
--
-- A member's mark moves (in the writing transaction, by the triggers below, whatever process
-- writes) whenever something changes that can change what their home or notifications pages
-- show beyond the rows they name: a post, boost, edit or delete by them or by an account they
-- follow (fan-out to the author's LOCAL followers), a post mentioning them, their own or
-- anyone's follows, follow requests, blocks and mutes involving them, their likes, bookmarks
-- and pins, their notifications. Row 0 is the node's epoch: it moves for what every page can
-- depend on (settings, domain policies, peers, rules and translations, moderation decisions
-- and appeals, an account's suspension, limit or approval).
--
-- The rows a page names (its posts, boosts, authors, the viewer, the posts' images) are not
-- versioned here: the page remembers their ids and the check reads their xmin, which every
-- UPDATE changes and a DELETE removes.
CREATE TABLE page_marks (
	account_id bigint PRIMARY KEY,
	mark bigint NOT NULL
);

-- Moves the marks of ids (0 for the node's epoch), in id order so that two writers never
-- wait for each other in a cycle.
CREATE FUNCTION page_marks_bump(ids bigint[]) RETURNS void LANGUAGE sql AS $$
	INSERT INTO page_marks (account_id, mark)
	SELECT DISTINCT i, 1 FROM unnest(ids) AS u (i) WHERE i IS NOT NULL ORDER BY i
	ON CONFLICT (account_id) DO UPDATE SET mark = page_marks.mark + 1;
$$;

-- Posts (and boosts) inserted, updated or deleted: their authors, the authors' local
-- followers.
CREATE FUNCTION page_marks_statuses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM page_marks_bump(ARRAY(
		SELECT c.account_id FROM changed c
		UNION
		SELECT f.account_id FROM follows f JOIN accounts a ON a.id = f.account_id
			AND a.domain IS NULL
			WHERE f.target_account_id IN (SELECT account_id FROM changed)));
	RETURN NULL;
END
$$;
CREATE TRIGGER page_marks_statuses_insert AFTER INSERT ON statuses
	REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION page_marks_statuses();
CREATE TRIGGER page_marks_statuses_update AFTER UPDATE ON statuses
	REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION page_marks_statuses();
CREATE TRIGGER page_marks_statuses_delete AFTER DELETE ON statuses
	REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION page_marks_statuses();

-- Rows that belong to one member (account_id): mentions of them, their likes, bookmarks,
-- pins and notifications. Inserts and deletes, one row at a time as a like or a mention
-- comes, move the mark row by row (cheaper than a statement trigger's transition table for
-- one row); updates, which come in bulk ("mark all as read"), once per statement.
CREATE FUNCTION page_marks_owner_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO page_marks (account_id, mark)
	VALUES (CASE TG_OP WHEN 'DELETE' THEN OLD.account_id ELSE NEW.account_id END, 1)
	ON CONFLICT (account_id) DO UPDATE SET mark = page_marks.mark + 1;
	RETURN NULL;
END
$$;
CREATE FUNCTION page_marks_owner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM page_marks_bump(ARRAY(SELECT account_id FROM changed UNION
		SELECT account_id FROM changed_old));
	RETURN NULL;
END
$$;

-- Rows between two accounts (follows, follow requests, blocks, mutes): both sides.
CREATE FUNCTION page_marks_pair_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	r record;
BEGIN
	IF TG_OP = 'DELETE' THEN
		r := OLD;
	ELSE
		r := NEW;
	END IF;
	PERFORM page_marks_bump(ARRAY[r.account_id, r.target_account_id]);
	RETURN NULL;
END
$$;
CREATE FUNCTION page_marks_pair() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM page_marks_bump(ARRAY(SELECT account_id FROM changed
		UNION SELECT target_account_id FROM changed
		UNION SELECT account_id FROM changed_old
		UNION SELECT target_account_id FROM changed_old));
	RETURN NULL;
END
$$;

-- What every page may depend on: the node's epoch.
CREATE FUNCTION page_marks_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM page_marks_bump(ARRAY[0::bigint]);
	RETURN NULL;
END
$$;

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['mentions', 'favourites', 'bookmarks', 'pins', 'notifications']
	LOOP
		EXECUTE format('CREATE TRIGGER page_marks_%s_row AFTER INSERT OR DELETE ON %I '
			'FOR EACH ROW EXECUTE FUNCTION page_marks_owner_row()', t, t);
		-- an UPDATE may move a row from one member to another: both
		EXECUTE format('CREATE TRIGGER page_marks_%s_update AFTER UPDATE ON %I '
			'REFERENCING NEW TABLE AS changed OLD TABLE AS changed_old '
			'FOR EACH STATEMENT EXECUTE FUNCTION page_marks_owner()', t, t);
	END LOOP;
	FOREACH t IN ARRAY ARRAY['follows', 'follow_requests', 'blocks', 'mutes'] LOOP
		EXECUTE format('CREATE TRIGGER page_marks_%s_row AFTER INSERT OR DELETE ON %I '
			'FOR EACH ROW EXECUTE FUNCTION page_marks_pair_row()', t, t);
		EXECUTE format('CREATE TRIGGER page_marks_%s_update AFTER UPDATE ON %I '
			'REFERENCING NEW TABLE AS changed OLD TABLE AS changed_old '
			'FOR EACH STATEMENT EXECUTE FUNCTION page_marks_pair()', t, t);
	END LOOP;
	FOREACH t IN ARRAY ARRAY['instance_settings', 'domain_policies', 'peers', 'rules',
		'rule_translations', 'description_translations', 'mod_actions', 'appeals'] LOOP
		EXECUTE format('CREATE TRIGGER page_marks_%s AFTER INSERT OR UPDATE OR DELETE '
			'OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION page_marks_epoch()',
			t, t);
	END LOOP;
END
$$;

-- An account's standing decides whether anyone sees its posts: the epoch moves with it.
-- (Its name, bio and other columns are read from its row on the pages that show it.)
CREATE TRIGGER page_marks_account_standing AFTER UPDATE ON accounts FOR EACH ROW
	WHEN (OLD.suspended_at IS DISTINCT FROM NEW.suspended_at
		OR OLD.limited IS DISTINCT FROM NEW.limited
		OR OLD.approved IS DISTINCT FROM NEW.approved
		OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
		OR OLD.domain IS DISTINCT FROM NEW.domain)
	EXECUTE FUNCTION page_marks_epoch();
