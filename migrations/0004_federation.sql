-- Federation: remote accounts and posts live beside local ones; allowlisted peers; a durable
-- job queue for inbound activities and outbound deliveries.

-- Remote accounts: domain and uri set (local accounts have neither: their URIs are derived
-- from base_url), no password. Local accounts get an RSA key pair the first time they
-- federate (ap/keys.c); remote accounts keep their public key here (the key cache).
ALTER TABLE accounts ALTER COLUMN password_hash DROP NOT NULL;
ALTER TABLE accounts DROP CONSTRAINT accounts_username_check;
ALTER TABLE accounts
	ADD COLUMN domain text CHECK (domain ~ '^[a-z0-9.-]+(:[0-9]{1,5})?$'),
	ADD COLUMN uri text,
	ADD COLUMN url text,
	ADD COLUMN inbox_url text,
	ADD COLUMN shared_inbox_url text,
	ADD COLUMN followers_url text,
	ADD COLUMN key_id text,
	ADD COLUMN public_key_pem text,
	ADD COLUMN private_key_pem text,
	ADD COLUMN actor_type text NOT NULL DEFAULT 'Person',
	-- Members opt in; nothing about them is advertised as searchable by default.
	ADD COLUMN discoverable boolean NOT NULL DEFAULT false,
	ADD COLUMN indexable boolean NOT NULL DEFAULT false,
	ADD COLUMN fetched_at timestamptz,
	ADD CONSTRAINT accounts_remote_has_uri CHECK ((domain IS NULL) = (uri IS NULL)),
	ADD CONSTRAINT accounts_local_has_password CHECK (domain IS NOT NULL
		OR password_hash IS NOT NULL),
	ADD CONSTRAINT accounts_remote_no_private_key CHECK (domain IS NULL
		OR private_key_pem IS NULL),
	ADD CONSTRAINT accounts_username_check CHECK (
		(domain IS NULL AND username ~ '^[A-Za-z0-9_]{1,30}$')
		OR (domain IS NOT NULL AND char_length(username) BETWEEN 1 AND 255
			AND username !~ '[[:space:][:cntrl:]@]'));
DROP INDEX accounts_username_lower;
CREATE UNIQUE INDEX accounts_local_username ON accounts (lower(username)) WHERE domain IS NULL;
CREATE UNIQUE INDEX accounts_remote_username ON accounts (lower(username), domain)
	WHERE domain IS NOT NULL;
CREATE UNIQUE INDEX accounts_uri ON accounts (uri) WHERE uri IS NOT NULL;
CREATE INDEX accounts_key_id ON accounts (key_id) WHERE key_id IS NOT NULL;

-- Remote posts: their ActivityPub id and the page to link to.
ALTER TABLE statuses ADD COLUMN uri text, ADD COLUMN url text;
CREATE UNIQUE INDEX statuses_uri ON statuses (uri) WHERE uri IS NOT NULL;

-- The instance actor (type Application) that signs fetches and reports for the node.
CREATE TABLE instance_actor (
	id integer PRIMARY KEY CHECK (id = 1),
	public_key_pem text NOT NULL,
	private_key_pem text NOT NULL
);

-- Peers the admins chose (allowlist mode), or refused (blocklist mode).
CREATE TABLE peers (
	domain text PRIMARY KEY CHECK (domain ~ '^[a-z0-9.-]+(:[0-9]{1,5})?$'),
	note text NOT NULL DEFAULT '' CHECK (char_length(note) <= 500),
	added_at timestamptz NOT NULL DEFAULT now(),
	unreachable_since timestamptz
);

-- Contact attempts from domains that are not peers: the domain, how often, when last. No
-- content, no address, nothing else.
CREATE TABLE federation_attempts (
	domain text PRIMARY KEY,
	attempts bigint NOT NULL DEFAULT 1,
	last_seen timestamptz NOT NULL DEFAULT now()
);

-- The durable job queue: inbound activities to apply and outbound deliveries, claimed with
-- FOR UPDATE SKIP LOCKED by any number of workers.
CREATE TABLE jobs (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	kind text NOT NULL CHECK (kind IN ('inbox', 'deliver')),
	payload jsonb NOT NULL,
	run_at timestamptz NOT NULL DEFAULT now(),
	attempts integer NOT NULL DEFAULT 0,
	last_error text,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_due ON jobs (run_at);

-- Activity ids already applied, so a repeated delivery changes nothing.
CREATE TABLE activities_seen (
	uri text PRIMARY KEY,
	seen_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE instance_settings DROP CONSTRAINT instance_settings_key_check;
ALTER TABLE instance_settings ADD CONSTRAINT instance_settings_key_check CHECK (key IN (
	'instance_name', 'instance_description', 'registration_mode', 'default_language',
	'local_timeline_public', 'federation_mode'));

-- Members-only posts: only for this node's own members, never for a remote account.
CREATE OR REPLACE FUNCTION status_visible_to(author bigint, vis text, status bigint,
	viewer bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN viewer IS NOT NULL AND viewer = author THEN true
		WHEN viewer IS NOT NULL AND EXISTS (SELECT 1 FROM blocks b
			WHERE (b.account_id = author AND b.target_account_id = viewer)
			   OR (b.account_id = viewer AND b.target_account_id = author)) THEN false
		WHEN vis IN ('public', 'unlisted') THEN true
		WHEN viewer IS NULL THEN false
		WHEN vis = 'members' THEN EXISTS (SELECT 1 FROM accounts v
			WHERE v.id = viewer AND v.domain IS NULL)
		WHEN vis = 'private' THEN EXISTS (SELECT 1 FROM follows f
			WHERE f.account_id = viewer AND f.target_account_id = author)
		WHEN vis = 'direct' THEN EXISTS (SELECT 1 FROM mentions m
			WHERE m.status_id = status AND m.account_id = viewer)
		ELSE false
	END
$$;
