-- Home feeds: each member's home timeline candidates (their own posts and boosts, and those of
-- the accounts they follow), written when a post is made or a follow starts, so that reading
-- /home is one range scan of one index instead of one scan per followed account (201 of them
-- for a member following 200, ~2 ms a page at 1M posts, and growing with every follow).
--
-- A feed holds candidates, not decisions: who may see a post is still decided when the page
-- is read, by the same VISIBLE_TO expression as every other timeline (server/db/visibility.h),
-- so a block, a limit, a suspension or a direct message to someone else is filtered exactly as
-- before. Only "whose posts are on my home timeline" is kept here.
--
-- The invariant: a member's feed holds every candidate whose id is >= the feed's floor_id.
-- Older candidates are read the old way (per followed account, server/db/statuses.c), so a
-- feed may be trimmed to its newest rows at any time by raising its floor
-- (parasol_trim_home_feeds, run by the periodic sweep). A member without a home_feeds row has
-- no feed: all of their home timeline is read the old way.
CREATE TABLE home_feeds (
	account_id bigint PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
	floor_id bigint NOT NULL DEFAULT 0
);
CREATE TABLE home_feed (
	account_id bigint NOT NULL REFERENCES home_feeds (account_id) ON DELETE CASCADE,
	status_id bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
	PRIMARY KEY (account_id, status_id)
);
CREATE INDEX home_feed_status ON home_feed (status_id);

-- Posting and following (or unfollowing) the same account at once must not lose a row: the
-- post's trigger reads the followers, the follow's trigger reads the posts, and under READ
-- COMMITTED neither sees the other's uncommitted row. Each takes this lock on the author
-- first (posts shared, follows exclusive), so the later one waits for the earlier one's commit
-- and its next statement sees that commit.
CREATE FUNCTION home_feed_lock(author bigint, exclusive boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF exclusive THEN
		PERFORM pg_advisory_xact_lock(7270122, (author % 2147483647)::integer);
	ELSE
		PERFORM pg_advisory_xact_lock_shared(7270122, (author % 2147483647)::integer);
	END IF;
END
$$;

-- A new post or boost goes into the feeds of its author (a member) and of the members who
-- follow the author.
CREATE FUNCTION home_feed_status_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM home_feed_lock(NEW.account_id, false);
	INSERT INTO home_feed (account_id, status_id)
	SELECT h.account_id, NEW.id FROM home_feeds h
		WHERE h.account_id = NEW.account_id AND h.floor_id <= NEW.id
	UNION ALL
	SELECT h.account_id, NEW.id FROM follows f JOIN home_feeds h ON h.account_id = f.account_id
		WHERE f.target_account_id = NEW.account_id AND h.floor_id <= NEW.id
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END
$$;
CREATE TRIGGER home_feed_status AFTER INSERT ON statuses
	FOR EACH ROW EXECUTE FUNCTION home_feed_status_trigger();

-- A follow by a member brings the followed account's posts above the floor into the feed; an
-- unfollow takes them out.
CREATE FUNCTION home_feed_follow_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF EXISTS (SELECT 1 FROM home_feeds WHERE account_id = NEW.account_id) THEN
			PERFORM home_feed_lock(NEW.target_account_id, true);
			INSERT INTO home_feed (account_id, status_id)
			SELECT h.account_id, s.id FROM home_feeds h
				JOIN statuses s ON s.account_id = NEW.target_account_id
					AND s.id >= h.floor_id
				WHERE h.account_id = NEW.account_id
			ON CONFLICT DO NOTHING;
		END IF;
		RETURN NULL;
	END IF;
	IF EXISTS (SELECT 1 FROM home_feeds WHERE account_id = OLD.account_id) THEN
		PERFORM home_feed_lock(OLD.target_account_id, true);
		DELETE FROM home_feed h WHERE h.account_id = OLD.account_id
			AND h.status_id IN (SELECT s.id FROM statuses s
				WHERE s.account_id = OLD.target_account_id);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER home_feed_follow AFTER INSERT OR DELETE ON follows
	FOR EACH ROW EXECUTE FUNCTION home_feed_follow_trigger();

-- Every member has a feed from the start (empty and complete: floor 0).
CREATE FUNCTION home_feed_account_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO home_feeds (account_id, floor_id) VALUES (NEW.id, 0) ON CONFLICT DO NOTHING;
	RETURN NULL;
END
$$;
CREATE TRIGGER home_feed_account AFTER INSERT ON accounts
	FOR EACH ROW WHEN (NEW.domain IS NULL) EXECUTE FUNCTION home_feed_account_trigger();

-- Builds every member's feed anew from the posts and follows: the newest `keep` candidates
-- each, the floor at the oldest of them (0 when the member has fewer). For this migration and
-- for data loaded without triggers (bench/seed.py).
CREATE FUNCTION parasol_rebuild_home_feeds(keep integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	LOCK TABLE statuses, follows, accounts IN SHARE MODE;
	DELETE FROM home_feed;
	DELETE FROM home_feeds;
	INSERT INTO home_feeds (account_id, floor_id) SELECT id, 0 FROM accounts
		WHERE domain IS NULL;
	INSERT INTO home_feed (account_id, status_id)
	SELECT h.account_id, c.id FROM home_feeds h CROSS JOIN LATERAL (
		SELECT x.id FROM (SELECT h.account_id AS aid UNION ALL
			SELECT f.target_account_id FROM follows f WHERE f.account_id = h.account_id) au
		CROSS JOIN LATERAL (SELECT s.id FROM statuses s WHERE s.account_id = au.aid
			ORDER BY s.id DESC LIMIT keep) x
		ORDER BY x.id DESC LIMIT keep) c;
	UPDATE home_feeds h SET floor_id = c.oldest
		FROM (SELECT account_id, min(status_id) AS oldest FROM home_feed GROUP BY account_id
			HAVING count(*) >= keep) c
		WHERE c.account_id = h.account_id;
END
$$;
SELECT parasol_rebuild_home_feeds(800);

-- Trims, of the `batch` feeds after account id `after` (in account id order), those that hold
-- more than 2 × keep rows to their newest `keep`, raising their floors (older candidates are
-- then read the old way). Returns the last account id it looked at, NULL when there was none
-- (the next round starts again from 0). Finding a feed's (2 × keep)th row reads that many
-- index entries, so a call reads at most batch × 2 × keep entries (~0.5 ms a feed at keep 800):
-- the sweep calls it once per round, going round all feeds a batch at a time.
CREATE FUNCTION parasol_trim_home_feeds(keep integer, after bigint, batch integer)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	feed record;
	last bigint;
BEGIN
	FOR feed IN
		SELECT h.account_id FROM home_feeds h WHERE h.account_id > after
		ORDER BY h.account_id LIMIT batch
	LOOP
		last := feed.account_id;
		UPDATE home_feeds h SET floor_id = c.new_floor
			FROM (SELECT x.status_id AS new_floor FROM home_feed x
				WHERE x.account_id = feed.account_id
				ORDER BY x.status_id DESC OFFSET keep - 1 LIMIT 1) c
			WHERE h.account_id = feed.account_id
			AND EXISTS (SELECT 1 FROM home_feed y WHERE y.account_id = feed.account_id
				ORDER BY y.status_id DESC OFFSET 2 * keep LIMIT 1);
		IF FOUND THEN
			DELETE FROM home_feed x USING home_feeds h
				WHERE h.account_id = feed.account_id AND x.account_id = h.account_id
				AND x.status_id < h.floor_id;
		END IF;
	END LOOP;
	RETURN last;
END
$$;
