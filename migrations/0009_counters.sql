-- Pages at scale: counters kept up to date in the same transaction as the change they count,
-- instead of count(*) sub-queries on every row of every page; and who may see a post as an
-- expression the planner inlines (server/db/visibility.h), so the SQL functions that hid it
-- from the planner go.

-- Replies, boosts and likes of each post. A post nobody answered, boosted or liked has no row
-- (readers treat a missing row as zeros).
CREATE TABLE status_stats (
	status_id bigint PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
	replies_count bigint NOT NULL DEFAULT 0,
	reblogs_count bigint NOT NULL DEFAULT 0,
	favourites_count bigint NOT NULL DEFAULT 0
);

-- Posts (boosts not counted), of them the public and unlisted ones (the outbox), followers
-- and followed accounts of each account.
CREATE TABLE account_stats (
	account_id bigint PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
	statuses_count bigint NOT NULL DEFAULT 0,
	public_statuses_count bigint NOT NULL DEFAULT 0,
	followers_count bigint NOT NULL DEFAULT 0,
	following_count bigint NOT NULL DEFAULT 0
);

-- Adds delta to one counter of a post; a missing row is made (only for an increment: a
-- decrement for a post whose row is gone means the post is being deleted).
CREATE FUNCTION status_stats_add(status bigint, col text, delta integer)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF status IS NULL THEN
		RETURN;
	END IF;
	IF col = 'replies' THEN
		UPDATE status_stats SET replies_count = greatest(replies_count + delta, 0)
			WHERE status_id = status;
	ELSIF col = 'reblogs' THEN
		UPDATE status_stats SET reblogs_count = greatest(reblogs_count + delta, 0)
			WHERE status_id = status;
	ELSE
		UPDATE status_stats SET favourites_count = greatest(favourites_count + delta, 0)
			WHERE status_id = status;
	END IF;
	IF NOT FOUND AND delta > 0 THEN
		INSERT INTO status_stats (status_id, replies_count, reblogs_count, favourites_count)
		SELECT status, CASE WHEN col = 'replies' THEN delta ELSE 0 END,
			CASE WHEN col = 'reblogs' THEN delta ELSE 0 END,
			CASE WHEN col = 'favourites' THEN delta ELSE 0 END
		WHERE EXISTS (SELECT 1 FROM statuses WHERE id = status)
		ON CONFLICT (status_id) DO UPDATE SET
			replies_count = status_stats.replies_count + EXCLUDED.replies_count,
			reblogs_count = status_stats.reblogs_count + EXCLUDED.reblogs_count,
			favourites_count = status_stats.favourites_count + EXCLUDED.favourites_count;
	END IF;
END
$$;

-- The same for an account's counters.
CREATE FUNCTION account_stats_add(account bigint, col text, delta integer)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF account IS NULL THEN
		RETURN;
	END IF;
	IF col = 'statuses' THEN
		UPDATE account_stats SET statuses_count = greatest(statuses_count + delta, 0)
			WHERE account_id = account;
	ELSIF col = 'public' THEN
		UPDATE account_stats
			SET public_statuses_count = greatest(public_statuses_count + delta, 0)
			WHERE account_id = account;
	ELSIF col = 'followers' THEN
		UPDATE account_stats SET followers_count = greatest(followers_count + delta, 0)
			WHERE account_id = account;
	ELSE
		UPDATE account_stats SET following_count = greatest(following_count + delta, 0)
			WHERE account_id = account;
	END IF;
	IF NOT FOUND AND delta > 0 THEN
		INSERT INTO account_stats (account_id, statuses_count, public_statuses_count,
			followers_count, following_count)
		SELECT account, CASE WHEN col = 'statuses' THEN delta ELSE 0 END,
			CASE WHEN col = 'public' THEN delta ELSE 0 END,
			CASE WHEN col = 'followers' THEN delta ELSE 0 END,
			CASE WHEN col = 'following' THEN delta ELSE 0 END
		WHERE EXISTS (SELECT 1 FROM accounts WHERE id = account)
		ON CONFLICT (account_id) DO UPDATE SET
			statuses_count = account_stats.statuses_count + EXCLUDED.statuses_count,
			public_statuses_count = account_stats.public_statuses_count
				+ EXCLUDED.public_statuses_count,
			followers_count = account_stats.followers_count + EXCLUDED.followers_count,
			following_count = account_stats.following_count + EXCLUDED.following_count;
	END IF;
END
$$;

CREATE FUNCTION statuses_count_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		PERFORM status_stats_add(OLD.in_reply_to_id, 'replies', -1);
		PERFORM status_stats_add(OLD.reblog_of_id, 'reblogs', -1);
		IF OLD.reblog_of_id IS NULL THEN
			PERFORM account_stats_add(OLD.account_id, 'statuses', -1);
			IF OLD.visibility IN ('public', 'unlisted') THEN
				PERFORM account_stats_add(OLD.account_id, 'public', -1);
			END IF;
		END IF;
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		PERFORM status_stats_add(NEW.in_reply_to_id, 'replies', 1);
		PERFORM status_stats_add(NEW.reblog_of_id, 'reblogs', 1);
		IF NEW.reblog_of_id IS NULL THEN
			PERFORM account_stats_add(NEW.account_id, 'statuses', 1);
			IF NEW.visibility IN ('public', 'unlisted') THEN
				PERFORM account_stats_add(NEW.account_id, 'public', 1);
			END IF;
		END IF;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER statuses_count AFTER INSERT OR DELETE ON statuses
	FOR EACH ROW EXECUTE FUNCTION statuses_count_trigger();
-- Only a change of what is counted moves the counters (an edit of the text doesn't).
CREATE TRIGGER statuses_count_update
	AFTER UPDATE OF in_reply_to_id, reblog_of_id, account_id, visibility ON statuses
	FOR EACH ROW
	WHEN (OLD.in_reply_to_id IS DISTINCT FROM NEW.in_reply_to_id
		OR OLD.reblog_of_id IS DISTINCT FROM NEW.reblog_of_id
		OR OLD.account_id IS DISTINCT FROM NEW.account_id
		OR OLD.visibility IS DISTINCT FROM NEW.visibility)
	EXECUTE FUNCTION statuses_count_trigger();

CREATE FUNCTION favourites_count_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		PERFORM status_stats_add(OLD.status_id, 'favourites', -1);
	ELSE
		PERFORM status_stats_add(NEW.status_id, 'favourites', 1);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER favourites_count AFTER INSERT OR DELETE ON favourites
	FOR EACH ROW EXECUTE FUNCTION favourites_count_trigger();

CREATE FUNCTION follows_count_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		PERFORM account_stats_add(OLD.target_account_id, 'followers', -1);
		PERFORM account_stats_add(OLD.account_id, 'following', -1);
	ELSE
		PERFORM account_stats_add(NEW.target_account_id, 'followers', 1);
		PERFORM account_stats_add(NEW.account_id, 'following', 1);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER follows_count AFTER INSERT OR DELETE ON follows
	FOR EACH ROW EXECUTE FUNCTION follows_count_trigger();

-- Recomputes every counter from the rows, set-based: after a bulk load made with triggers off
-- (bench/seed.py), or to repair. Takes locks that stop writers while it runs.
CREATE FUNCTION parasol_recount_stats() RETURNS void LANGUAGE plpgsql AS $$
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
			CASE WHEN visibility IN ('public', 'unlisted') THEN 1 ELSE 0 END AS p,
			0 AS fr, 0 AS fg FROM statuses WHERE reblog_of_id IS NULL
		UNION ALL SELECT target_account_id, 0, 0, 1, 0 FROM follows
		UNION ALL SELECT account_id, 0, 0, 0, 1 FROM follows) c
	GROUP BY id;
END
$$;
SELECT parasol_recount_stats();

-- The candidates of a member's home timeline are read per followed account, newest first,
-- from statuses_account (account_id, id DESC); the tag timeline reads status_tags by
-- (tag_id, status_id), its primary key. Boosts of a post are found by reblog_of_id.

-- Who may see a post is now the expression VISIBLE_TO builds in server/db/visibility.h; the
-- functions the planner could not see into go.
DROP FUNCTION status_visible_to(bigint, text, bigint, bigint);
DROP FUNCTION account_limited(bigint);
