-- The outbox leaves out posts a moderator hid, as every timeline does; its count,
-- account_stats.public_statuses_count, now counts public and unlisted posts that are not
-- hidden, and follows a post being hidden or shown again.

CREATE OR REPLACE FUNCTION statuses_count_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		PERFORM status_stats_add(OLD.in_reply_to_id, 'replies', -1);
		PERFORM status_stats_add(OLD.reblog_of_id, 'reblogs', -1);
		IF OLD.reblog_of_id IS NULL THEN
			PERFORM account_stats_add(OLD.account_id, 'statuses', -1);
			IF OLD.visibility IN ('public', 'unlisted') AND NOT OLD.mod_hidden THEN
				PERFORM account_stats_add(OLD.account_id, 'public', -1);
			END IF;
		END IF;
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		PERFORM status_stats_add(NEW.in_reply_to_id, 'replies', 1);
		PERFORM status_stats_add(NEW.reblog_of_id, 'reblogs', 1);
		IF NEW.reblog_of_id IS NULL THEN
			PERFORM account_stats_add(NEW.account_id, 'statuses', 1);
			IF NEW.visibility IN ('public', 'unlisted') AND NOT NEW.mod_hidden THEN
				PERFORM account_stats_add(NEW.account_id, 'public', 1);
			END IF;
		END IF;
	END IF;
	RETURN NULL;
END
$$;

DROP TRIGGER statuses_count_update ON statuses;
CREATE TRIGGER statuses_count_update
	AFTER UPDATE OF in_reply_to_id, reblog_of_id, account_id, visibility, mod_hidden
	ON statuses FOR EACH ROW
	WHEN (OLD.in_reply_to_id IS DISTINCT FROM NEW.in_reply_to_id
		OR OLD.reblog_of_id IS DISTINCT FROM NEW.reblog_of_id
		OR OLD.account_id IS DISTINCT FROM NEW.account_id
		OR OLD.visibility IS DISTINCT FROM NEW.visibility
		OR OLD.mod_hidden IS DISTINCT FROM NEW.mod_hidden)
	EXECUTE FUNCTION statuses_count_trigger();

CREATE OR REPLACE FUNCTION parasol_recount_stats() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	LOCK TABLE statuses, favourites, follows IN SHARE MODE;
	DELETE FROM status_stats;
	INSERT INTO status_stats (status_id, replies_count, reblogs_count, favourites_count)
	SELECT id, sum(r), sum(b), sum(f) FROM (
		SELECT in_reply_to_id AS id, 1 AS r, 0 AS b, 0 AS f FROM statuses
			WHERE in_reply_to_id IS NOT NULL
		UNION ALL SELECT reblog_of_id, 0, 1, 0 FROM statuses WHERE reblog_of_id IS NOT NULL
		UNION ALL SELECT status_id, 0, 0, 1 FROM favourites) c
	GROUP BY id;
	DELETE FROM account_stats;
	INSERT INTO account_stats (account_id, statuses_count, public_statuses_count,
		followers_count, following_count)
	SELECT id, sum(s), sum(p), sum(fr), sum(fg) FROM (
		SELECT account_id AS id, 1 AS s,
			CASE WHEN visibility IN ('public', 'unlisted') AND NOT mod_hidden
				THEN 1 ELSE 0 END AS p,
			0 AS fr, 0 AS fg FROM statuses WHERE reblog_of_id IS NULL
		UNION ALL SELECT target_account_id, 0, 0, 1, 0 FROM follows
		UNION ALL SELECT account_id, 0, 0, 0, 1 FROM follows) c
	GROUP BY id;
END
$$;

UPDATE account_stats x SET public_statuses_count = (SELECT count(*) FROM statuses s
	WHERE s.account_id = x.account_id AND s.reblog_of_id IS NULL AND NOT s.mod_hidden
	AND s.visibility IN ('public', 'unlisted'))
WHERE EXISTS (SELECT 1 FROM statuses s WHERE s.account_id = x.account_id AND s.mod_hidden);
