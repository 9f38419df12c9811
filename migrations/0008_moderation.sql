-- Moderation: review rules, one review queue, actions taken by people, appeals, and what the
-- actions change (limited and suspended accounts, hidden posts, domain policies).
-- Nothing here acts on its own: a review rule only files a queue item; every change to what
-- members see is a mod_actions row a moderator wrote, with a reason and the rules it applies.

-- Accounts: what moderators' actions set.
ALTER TABLE accounts
	-- posts shown to followers only, and never in the shared timelines
	ADD COLUMN limited boolean NOT NULL DEFAULT false,
	-- suspended: nothing of the account is shown; set together with the end (NULL: until a
	-- moderator lifts it) and the time its data will be purged
	ADD COLUMN suspended_at timestamptz,
	ADD COLUMN suspended_until timestamptz,
	ADD COLUMN purge_at timestamptz,
	-- the data was purged (posts, follows, profile); the row stays so the name isn't reused
	ADD COLUMN purged_at timestamptz,
	ADD CONSTRAINT accounts_suspension_shape CHECK (suspended_at IS NOT NULL
		OR (suspended_until IS NULL AND purge_at IS NULL));
CREATE INDEX accounts_purge_due ON accounts (purge_at) WHERE purge_at IS NOT NULL;
CREATE INDEX accounts_suspension_ends ON accounts (suspended_until)
	WHERE suspended_until IS NOT NULL;

-- A post a moderator hid from timelines: still at its own address for whoever may see it.
ALTER TABLE statuses ADD COLUMN mod_hidden boolean NOT NULL DEFAULT false;

-- What moderators decided about a remote domain, besides the peers list itself.
CREATE TABLE domain_policies (
	domain text PRIMARY KEY CHECK (domain ~ '^[a-z0-9.-]+(:[0-9]{1,5})?$'),
	-- attachments from the domain are not stored or shown
	reject_media boolean NOT NULL DEFAULT false,
	-- the domain's accounts are treated as limited accounts
	limited boolean NOT NULL DEFAULT false,
	updated_at timestamptz NOT NULL DEFAULT now()
);

-- Review rules: a moderator's pattern that puts matching posts in the review queue. A match
-- never hides, edits or delays a post. The list is public to members.
CREATE TABLE review_rules (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	kind text NOT NULL CHECK (kind IN ('phrase', 'regex', 'link_domain', 'remote_domain')),
	pattern text NOT NULL CHECK (char_length(pattern) BETWEEN 1 AND 500),
	scope text NOT NULL CHECK (scope IN ('local', 'remote', 'both')),
	-- why the community watches for this (shown on the members' list)
	note text NOT NULL DEFAULT '' CHECK (char_length(note) <= 500),
	created_by bigint REFERENCES accounts (id) ON DELETE SET NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);

-- The reports table becomes the one review queue: a member's report, a peer's Flag, or a
-- review rule's match. A moderator claims an item, then closes it with an action.
ALTER TABLE reports
	ALTER COLUMN reporter_id DROP NOT NULL,
	ADD COLUMN source text NOT NULL DEFAULT 'member'
		CHECK (source IN ('member', 'peer', 'rule')),
	-- peer: the domain whose Flag brought the item, and the Flag's id (one item per Flag)
	ADD COLUMN origin_domain text,
	ADD COLUMN flag_uri text,
	-- rule: the review rule that matched (the comment keeps what it was, should it go)
	ADD COLUMN review_rule_id bigint REFERENCES review_rules (id) ON DELETE SET NULL,
	ADD COLUMN claimed_by bigint REFERENCES accounts (id) ON DELETE SET NULL,
	ADD COLUMN claimed_at timestamptz,
	ADD COLUMN closed_at timestamptz,
	-- a moderator sent it to the target's server as a Flag from the instance actor
	ADD COLUMN forwarded_at timestamptz,
	ADD CONSTRAINT reports_source_shape CHECK (
		(source = 'member' AND reporter_id IS NOT NULL)
		OR (source = 'peer' AND reporter_id IS NULL AND origin_domain IS NOT NULL)
		OR (source = 'rule' AND reporter_id IS NULL));
CREATE UNIQUE INDEX reports_flag_uri ON reports (flag_uri) WHERE flag_uri IS NOT NULL;
-- a rule files an open post once, however often it is edited
CREATE UNIQUE INDEX reports_rule_once ON reports (status_id, review_rule_id)
	WHERE source = 'rule' AND state = 'open';
CREATE INDEX reports_target ON reports (target_account_id, id DESC);

-- Every decision a moderator (or, for roles, an admin) took. The log members read is this
-- table minus dismissals and notes.
CREATE TABLE mod_actions (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	kind text NOT NULL CHECK (kind IN (
		'dismiss',				-- a queue item needed nothing
		'sensitive', 'hide', 'delete',		-- posts
		'note', 'warn', 'limit', 'unlimit', 'suspend', 'unsuspend',	-- accounts
		'reject_media', 'accept_media', 'limit_domain', 'unlimit_domain',
		'defederate',				-- remote domains
		'grant_moderator', 'revoke_moderator')),	-- roles (admins)
	moderator_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
	target_account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
	-- "name" or "name@domain", kept so the log still reads once the account is gone
	target_acct text,
	-- no foreign key: deleting the post may be the action itself
	status_id bigint,
	-- the post's text when acted on, for the author, the moderators and an appeal
	status_excerpt text,
	domain text,
	report_id bigint REFERENCES reports (id) ON DELETE SET NULL,
	reason text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 1000),
	rule_ids bigint[] NOT NULL DEFAULT '{}',
	-- suspend: when it ends (NULL: until lifted)
	suspend_until timestamptz,
	-- pending: waits for a second moderator (two-person rule); reversed: an appeal was granted;
	-- rejected: the second moderator refused it
	state text NOT NULL DEFAULT 'done'
		CHECK (state IN ('pending', 'done', 'reversed', 'rejected')),
	approved_by bigint REFERENCES accounts (id) ON DELETE SET NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	effective_at timestamptz
);
CREATE INDEX mod_actions_target ON mod_actions (target_account_id, id DESC);
CREATE INDEX mod_actions_pending ON mod_actions (id) WHERE state = 'pending';

-- One appeal per action, by the member it affected, decided by a moderator other than the
-- one who acted.
CREATE TABLE appeals (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	action_id bigint NOT NULL UNIQUE REFERENCES mod_actions (id) ON DELETE CASCADE,
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	text text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 1000),
	state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'granted', 'denied')),
	decided_by bigint REFERENCES accounts (id) ON DELETE SET NULL,
	decision text CHECK (char_length(decision) <= 1000),
	created_at timestamptz NOT NULL DEFAULT now(),
	decided_at timestamptz
);
CREATE INDEX appeals_open ON appeals (id) WHERE state = 'open';

-- Notifications about moderation: an action on the member's account or posts, or the outcome
-- of their appeal. They come from no account (the moderator isn't named).
ALTER TABLE notifications ALTER COLUMN from_account_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN mod_action_id bigint REFERENCES mod_actions (id)
	ON DELETE CASCADE;
ALTER TABLE notifications DROP CONSTRAINT notifications_type_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (type IN ('mention',
	'reply', 'follow', 'follow_request', 'reblog', 'favourite', 'moderation', 'appeal'));
ALTER TABLE notifications ADD CONSTRAINT notifications_shape CHECK (
	(type IN ('moderation', 'appeal')) = (mod_action_id IS NOT NULL)
	AND (type IN ('moderation', 'appeal') OR from_account_id IS NOT NULL));

ALTER TABLE instance_settings DROP CONSTRAINT instance_settings_key_check;
ALTER TABLE instance_settings ADD CONSTRAINT instance_settings_key_check CHECK (key IN (
	'instance_name', 'instance_description', 'registration_mode', 'default_language',
	'local_timeline_public', 'federation_mode', 'two_person_rule', 'name_moderators',
	'suspension_purge_days'));

-- Whether an account's posts are limited to its followers: the account, or its domain, was
-- limited by a moderator.
CREATE FUNCTION account_limited(account bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM accounts x WHERE x.id = account AND (x.limited
		OR EXISTS (SELECT 1 FROM domain_policies d WHERE d.domain = x.domain AND d.limited)))
$$;

-- Who may see a post, now with moderation: a suspended account's posts only by their author;
-- a limited account's posts only by their author and followers (and direct ones by those they
-- mention).
CREATE OR REPLACE FUNCTION status_visible_to(author bigint, vis text, status bigint,
	viewer bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN viewer IS NOT NULL AND viewer = author THEN true
		WHEN EXISTS (SELECT 1 FROM accounts x WHERE x.id = author
			AND x.suspended_at IS NOT NULL) THEN false
		WHEN viewer IS NOT NULL AND EXISTS (SELECT 1 FROM blocks b
			WHERE (b.account_id = author AND b.target_account_id = viewer)
			   OR (b.account_id = viewer AND b.target_account_id = author)) THEN false
		WHEN vis = 'direct' THEN viewer IS NOT NULL AND EXISTS (SELECT 1 FROM mentions m
			WHERE m.status_id = status AND m.account_id = viewer)
		WHEN account_limited(author) THEN viewer IS NOT NULL AND EXISTS (SELECT 1
			FROM follows f WHERE f.account_id = viewer AND f.target_account_id = author)
			AND (vis <> 'members' OR EXISTS (SELECT 1 FROM accounts v
				WHERE v.id = viewer AND v.domain IS NULL))
		WHEN vis IN ('public', 'unlisted') THEN true
		WHEN viewer IS NULL THEN false
		WHEN vis = 'members' THEN EXISTS (SELECT 1 FROM accounts v
			WHERE v.id = viewer AND v.domain IS NULL)
		WHEN vis = 'private' THEN EXISTS (SELECT 1 FROM follows f
			WHERE f.account_id = viewer AND f.target_account_id = author)
		ELSE false
	END
$$;
