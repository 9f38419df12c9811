-- Two changes of the Mastodon client API (issue 13). First, read markers (GET/POST
-- /api/v1/markers): where a member last read their home timeline and their notifications,
-- so that another app (or the same one on another phone) goes on from there. One row per member and timeline; the
-- id is a post or notification id as the API showed it (not a foreign key: the post may be
-- deleted, the marker stays where it was). version counts the changes, as on Mastodon.
-- Deleted with the account (core/deletion.c), listed in templates/safety.html.
CREATE TABLE markers (
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	timeline text NOT NULL CHECK (timeline IN ('home', 'notifications')),
	last_read_id bigint NOT NULL CHECK (last_read_id > 0),
	version integer NOT NULL DEFAULT 0,
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (account_id, timeline)
);

-- A suspension no longer ends the account's app tokens (migration 0040's trigger): the web
-- lets a suspended member sign in to read the moderators' reasons and appeal, and apps now
-- reach the same and no more (api/api.c refuses every other endpoint with a 403 that says
-- why; the notifications show only the moderation notices). Signing out everywhere, a new
-- password, two-factor, revoking and deleting the account still end them.
DROP TRIGGER accounts_suspension_ends_tokens ON accounts;
DROP FUNCTION parasol_oauth_end_suspended();
