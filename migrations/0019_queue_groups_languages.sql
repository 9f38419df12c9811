-- Issue 11. The review queue: reports on one post (or about one account) are one queue item;
-- a claim is a lock that another moderator may take over only explicitly, and each take-over
-- is kept; a reporter is told the outcome of their report. Rules and the instance
-- description can be written per UI language.

-- An open queue item is a group: the first open report on a post (or, for a report about an
-- account with no post, on that account) leads it (group_id NULL), later ones name it in
-- group_id. The queue lists leaders; claims and actions apply to the leader and closing it
-- closes the group. A leader that goes (its reporter's account was deleted) leaves its
-- reports as items of their own.
ALTER TABLE reports ADD COLUMN group_id bigint REFERENCES reports (id) ON DELETE SET NULL;
CREATE INDEX reports_group ON reports (group_id) WHERE group_id IS NOT NULL;
-- finding the open leader for a post or an account
CREATE INDEX reports_open_post ON reports (status_id)
	WHERE state = 'open' AND group_id IS NULL AND status_id IS NOT NULL;
CREATE INDEX reports_open_account ON reports (target_account_id)
	WHERE state = 'open' AND group_id IS NULL AND status_id IS NULL;

-- Joins a new report to the open item on the same post or account. The advisory lock (per
-- post, or per account) makes two reports filed at once see each other: the second waits
-- until the first commits, and plpgsql reads with a fresh snapshot per statement.
CREATE FUNCTION parasol_report_group() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.group_id IS NOT NULL OR NEW.state <> 'open' THEN
		RETURN NEW;
	END IF;
	IF NEW.status_id IS NOT NULL THEN
		PERFORM pg_advisory_xact_lock(
			hashtextextended('parasol.report.status.' || NEW.status_id, 0));
		SELECT id INTO NEW.group_id FROM reports
			WHERE status_id = NEW.status_id AND state = 'open' AND group_id IS NULL
			ORDER BY id LIMIT 1;
	ELSE
		PERFORM pg_advisory_xact_lock(
			hashtextextended('parasol.report.account.' || NEW.target_account_id, 0));
		SELECT id INTO NEW.group_id FROM reports
			WHERE target_account_id = NEW.target_account_id AND status_id IS NULL
			AND state = 'open' AND group_id IS NULL
			ORDER BY id LIMIT 1;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER reports_group BEFORE INSERT ON reports
	FOR EACH ROW EXECUTE FUNCTION parasol_report_group();

-- Open reports filed before this migration: grouped the same way.
UPDATE reports r SET group_id = l.leader
	FROM (SELECT id, min(id) OVER (PARTITION BY status_id) AS leader FROM reports
		WHERE state = 'open' AND status_id IS NOT NULL) l
	WHERE r.id = l.id AND l.leader <> r.id;
UPDATE reports r SET group_id = l.leader
	FROM (SELECT id, min(id) OVER (PARTITION BY target_account_id) AS leader FROM reports
		WHERE state = 'open' AND status_id IS NULL) l
	WHERE r.id = l.id AND l.leader <> r.id;

-- A moderator took over an item another moderator had claimed: who, from whom, when. Read
-- by moderators on the item's page.
CREATE TABLE queue_takeovers (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	report_id bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
	moderator_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
	from_moderator_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX queue_takeovers_report ON queue_takeovers (report_id, id);
-- deleting an account sets these to NULL
CREATE INDEX queue_takeovers_moderator ON queue_takeovers (moderator_id);
CREATE INDEX queue_takeovers_from ON queue_takeovers (from_moderator_id);

-- A member's report was closed: 'report' tells them the outcome (core/moderation.c says what
-- the notification shows, and what it never shows).
ALTER TABLE notifications DROP CONSTRAINT notifications_type_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (type IN ('mention',
	'reply', 'follow', 'follow_request', 'reblog', 'favourite', 'moderation', 'appeal',
	'report'));
ALTER TABLE notifications DROP CONSTRAINT notifications_shape;
ALTER TABLE notifications ADD CONSTRAINT notifications_shape CHECK (
	(type IN ('moderation', 'appeal', 'report')) = (mod_action_id IS NOT NULL)
	AND (type IN ('moderation', 'appeal', 'report') OR from_account_id IS NOT NULL));

-- Rules and the instance description per UI language. The rules row and the
-- 'instance_description' setting are the default version; a language's version, when there
-- is one, is shown instead to members and visitors reading in that language. An empty
-- version is no version (its row is deleted), so the default shows.
CREATE TABLE rule_translations (
	rule_id bigint NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
	lang text NOT NULL CHECK (lang IN ('en', 'zh-CN')),
	title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
	body text NOT NULL DEFAULT '' CHECK (char_length(body) <= 2000),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (rule_id, lang)
);
-- Read with the settings (db/settings.c), so it is kept in memory and announced with them.
CREATE TABLE description_translations (
	lang text PRIMARY KEY CHECK (lang IN ('en', 'zh-CN')),
	text text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 2000),
	updated_at timestamptz NOT NULL DEFAULT now()
);
