-- Members and local microblogging: profiles, sessions, posts, follows, blocks, notifications,
-- instance settings. Still nothing that identifies a person beyond the username they chose.

ALTER TABLE accounts
	ADD COLUMN display_name text NOT NULL DEFAULT '' CHECK (char_length(display_name) <= 100),
	ADD COLUMN bio text NOT NULL DEFAULT '' CHECK (char_length(bio) <= 2000),
	-- up to four {"name": ..., "value": ...} pairs
	ADD COLUMN fields jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(fields) = 'array'
		AND jsonb_array_length(fields) <= 4),
	ADD COLUMN locked boolean NOT NULL DEFAULT false,
	ADD COLUMN hide_collections boolean NOT NULL DEFAULT false,
	ADD COLUMN language text CHECK (language IN ('en', 'zh-CN')),
	ADD COLUMN default_visibility text NOT NULL DEFAULT 'public'
		CHECK (default_visibility IN ('public', 'unlisted', 'private', 'members', 'direct')),
	-- approval mode: an applicant's account waits, with their note, until a moderator decides
	ADD COLUMN approved boolean NOT NULL DEFAULT true,
	ADD COLUMN application_note text CHECK (char_length(application_note) <= 1000);

-- Sign-in sessions. Only a SHA-256 of the cookie's token is kept; no address, no user agent.
CREATE TABLE sessions (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	token_hash bytea NOT NULL UNIQUE,
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

-- One-time recovery codes shown at sign-up (hashed like passwords are not needed: they are
-- 128-bit random, so a SHA-256 suffices).
CREATE TABLE recovery_codes (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	code_hash bytea NOT NULL UNIQUE,
	used_at timestamptz
);

-- Posts. visibility: public, unlisted, private (followers only), members (this node's
-- members only, never federated), direct (mentioned accounts only). A boost is a row with
-- reblog_of_id set and no text of its own.
CREATE TABLE statuses (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	text text NOT NULL DEFAULT '',
	content text NOT NULL DEFAULT '',
	spoiler_text text NOT NULL DEFAULT '',
	sensitive boolean NOT NULL DEFAULT false,
	visibility text NOT NULL
		CHECK (visibility IN ('public', 'unlisted', 'private', 'members', 'direct')),
	in_reply_to_id bigint REFERENCES statuses (id) ON DELETE SET NULL,
	in_reply_to_account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
	reblog_of_id bigint REFERENCES statuses (id) ON DELETE CASCADE,
	created_at timestamptz NOT NULL DEFAULT now(),
	edited_at timestamptz
);
CREATE INDEX statuses_account ON statuses (account_id, id DESC);
CREATE INDEX statuses_reply ON statuses (in_reply_to_id) WHERE in_reply_to_id IS NOT NULL;
CREATE INDEX statuses_reblog ON statuses (reblog_of_id) WHERE reblog_of_id IS NOT NULL;
CREATE UNIQUE INDEX statuses_one_boost ON statuses (account_id, reblog_of_id)
	WHERE reblog_of_id IS NOT NULL;
CREATE INDEX statuses_public ON statuses (id DESC)
	WHERE visibility = 'public' AND reblog_of_id IS NULL;

-- Earlier versions of edited posts, newest last.
CREATE TABLE status_edits (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	status_id bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
	text text NOT NULL,
	content text NOT NULL,
	spoiler_text text NOT NULL,
	sensitive boolean NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX status_edits_status ON status_edits (status_id, id);

CREATE TABLE mentions (
	status_id bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	PRIMARY KEY (status_id, account_id)
);
CREATE INDEX mentions_account ON mentions (account_id, status_id DESC);

CREATE TABLE tags (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	name text NOT NULL CHECK (name ~ '^[[:alnum:]_]{1,100}$')
);
CREATE UNIQUE INDEX tags_name ON tags (lower(name));

CREATE TABLE status_tags (
	status_id bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
	tag_id bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
	PRIMARY KEY (tag_id, status_id)
);
CREATE INDEX status_tags_status ON status_tags (status_id);

CREATE TABLE favourites (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	status_id bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
	UNIQUE (account_id, status_id)
);
CREATE INDEX favourites_status ON favourites (status_id);

CREATE TABLE bookmarks (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	status_id bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
	UNIQUE (account_id, status_id)
);

CREATE TABLE pins (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	status_id bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
	UNIQUE (account_id, status_id)
);

CREATE TABLE follows (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	target_account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	UNIQUE (account_id, target_account_id),
	CHECK (account_id <> target_account_id)
);
CREATE INDEX follows_target ON follows (target_account_id);

CREATE TABLE follow_requests (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	target_account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	UNIQUE (account_id, target_account_id),
	CHECK (account_id <> target_account_id)
);
CREATE INDEX follow_requests_target ON follow_requests (target_account_id);

CREATE TABLE blocks (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	target_account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	UNIQUE (account_id, target_account_id),
	CHECK (account_id <> target_account_id)
);
CREATE INDEX blocks_target ON blocks (target_account_id);

CREATE TABLE mutes (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	target_account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	UNIQUE (account_id, target_account_id),
	CHECK (account_id <> target_account_id)
);

CREATE TABLE notifications (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	from_account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	type text NOT NULL CHECK (type IN ('mention', 'reply', 'follow', 'follow_request',
		'reblog', 'favourite')),
	status_id bigint REFERENCES statuses (id) ON DELETE CASCADE,
	read boolean NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_account ON notifications (account_id, id DESC);
CREATE INDEX notifications_unread ON notifications (account_id) WHERE NOT read;

-- Settings admins change from the web (the config file gives the defaults).
CREATE TABLE instance_settings (
	key text PRIMARY KEY CHECK (key IN ('instance_name', 'instance_description',
		'registration_mode', 'default_language', 'local_timeline_public')),
	value text NOT NULL
);

ALTER TABLE invites ADD CONSTRAINT invites_uses_nonnegative CHECK (uses >= 0);

-- Who may see a post: the one rule every page, the client API and federation apply.
-- (core/visibility.h names it for C.) The author always; nobody across a block in either
-- direction; public and unlisted posts everyone; members-only posts signed-in members of this
-- node; followers-only posts followers; direct posts the mentioned accounts.
CREATE FUNCTION status_visible_to(author bigint, vis text, status bigint, viewer bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN viewer IS NOT NULL AND viewer = author THEN true
		WHEN viewer IS NOT NULL AND EXISTS (SELECT 1 FROM blocks b
			WHERE (b.account_id = author AND b.target_account_id = viewer)
			   OR (b.account_id = viewer AND b.target_account_id = author)) THEN false
		WHEN vis IN ('public', 'unlisted') THEN true
		WHEN viewer IS NULL THEN false
		WHEN vis = 'members' THEN true
		WHEN vis = 'private' THEN EXISTS (SELECT 1 FROM follows f
			WHERE f.account_id = viewer AND f.target_account_id = author)
		WHEN vis = 'direct' THEN EXISTS (SELECT 1 FROM mentions m
			WHERE m.status_id = status AND m.account_id = viewer)
		ELSE false
	END
$$;
