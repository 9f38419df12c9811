-- Reports keep their evidence, and domains are stored in one spelling (issue 10).

-- Domains: the default port is no port (core/federation.h), so "peer.example:443" and
-- "peer.example" are one peer. A spelling whose normal form is listed already goes.
DELETE FROM peers p WHERE p.domain ~ ':(443|80)$'
	AND EXISTS (SELECT 1 FROM peers q WHERE q.domain = regexp_replace(p.domain, ':(443|80)$', ''));
UPDATE peers SET domain = regexp_replace(domain, ':(443|80)$', '') WHERE domain ~ ':(443|80)$';
UPDATE accounts a SET domain = regexp_replace(a.domain, ':(443|80)$', '')
	WHERE a.domain ~ ':(443|80)$' AND NOT EXISTS (
		SELECT 1 FROM accounts b WHERE b.username = a.username
			AND b.domain = regexp_replace(a.domain, ':(443|80)$', ''));

-- A remote account its server deleted stays as a tombstone while reports are about it: its
-- posts, follows and profile are purged (db_account_purge) and its key forgotten, but the
-- row, so the reports and the moderators' actions still name it.
ALTER TABLE accounts ADD COLUMN deleted_at timestamptz;

-- Reports keep a copy of what was reported, made when the report is filed (by any source:
-- member, peer Flag, review rule), so that the reported deleting a post or an account
-- doesn't erase the evidence. Only moderators read it, and it goes when the report is
-- closed (SAFETY.md: keep the minimum; the action taken keeps its own excerpt in
-- mod_actions.status_excerpt for the author and an appeal).
ALTER TABLE reports
	ADD COLUMN snap_acct text,		-- "name" or "name@domain"
	ADD COLUMN snap_display_name text,
	ADD COLUMN snap_account_url text,	-- a remote account's page (NULL for a member here)
	ADD COLUMN snap_status_id bigint,	-- no foreign key: the post may go
	ADD COLUMN snap_status_content text,	-- trusted HTML, as statuses.content
	ADD COLUMN snap_status_spoiler text,
	ADD COLUMN snap_status_visibility text,
	ADD COLUMN snap_status_sensitive boolean,
	ADD COLUMN snap_status_url text,	-- a remote post's page (NULL for a post here)
	ADD COLUMN snap_status_created_at timestamptz,
	-- the reporter agreed to let their comment go to the reported account's server when a
	-- moderator forwards the report (off unless they ticked it)
	ADD COLUMN forward_comment boolean NOT NULL DEFAULT false,
	-- what the moderator sent as the Flag's content ('' when nothing)
	ADD COLUMN forwarded_text text CHECK (char_length(forwarded_text) <= 1000);

CREATE FUNCTION parasol_report_snapshot() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	SELECT CASE WHEN a.domain IS NULL THEN a.username ELSE a.username || '@' || a.domain END,
	       a.display_name, coalesce(a.url, a.uri)
	  INTO NEW.snap_acct, NEW.snap_display_name, NEW.snap_account_url
	  FROM accounts a WHERE a.id = NEW.target_account_id;
	IF NEW.status_id IS NOT NULL THEN
		SELECT s.id, s.content, s.spoiler_text, s.visibility, s.sensitive,
		       coalesce(s.url, s.uri), s.created_at
		  INTO NEW.snap_status_id, NEW.snap_status_content, NEW.snap_status_spoiler,
		       NEW.snap_status_visibility, NEW.snap_status_sensitive, NEW.snap_status_url,
		       NEW.snap_status_created_at
		  FROM statuses s WHERE s.id = NEW.status_id;
	END IF;
	RETURN NEW;
END $$;

CREATE TRIGGER reports_snapshot BEFORE INSERT ON reports
	FOR EACH ROW EXECUTE FUNCTION parasol_report_snapshot();

CREATE FUNCTION parasol_report_snapshot_drop() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.snap_display_name := NULL;
	NEW.snap_account_url := NULL;
	NEW.snap_status_content := NULL;
	NEW.snap_status_spoiler := NULL;
	NEW.snap_status_visibility := NULL;
	NEW.snap_status_sensitive := NULL;
	NEW.snap_status_url := NULL;
	NEW.snap_status_created_at := NULL;
	RETURN NEW;
END $$;

-- Closing a report lets the copy go (the handle stays: the closed list still names whom it
-- was about).
CREATE TRIGGER reports_snapshot_drop BEFORE UPDATE OF state ON reports
	FOR EACH ROW WHEN (NEW.state = 'closed' AND OLD.state <> 'closed')
	EXECUTE FUNCTION parasol_report_snapshot_drop();

-- Open reports filed before this migration get their copy now, from what is left.
UPDATE reports r SET
	snap_acct = CASE WHEN a.domain IS NULL THEN a.username ELSE a.username || '@' || a.domain END,
	snap_display_name = a.display_name, snap_account_url = coalesce(a.url, a.uri)
	FROM accounts a WHERE a.id = r.target_account_id AND r.state = 'open';
UPDATE reports r SET snap_status_id = s.id, snap_status_content = s.content,
	snap_status_spoiler = s.spoiler_text, snap_status_visibility = s.visibility,
	snap_status_sensitive = s.sensitive, snap_status_url = coalesce(s.url, s.uri),
	snap_status_created_at = s.created_at
	FROM statuses s WHERE s.id = r.status_id AND r.state = 'open';
