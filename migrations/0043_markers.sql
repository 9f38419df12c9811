-- Read markers of the Mastodon client API (issue 13) (GET/POST
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
