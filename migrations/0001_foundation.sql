-- Foundation: time-ordered ids, accounts and invites.
--
-- Ids: milliseconds since the epoch << 16 | a cycling 16-bit sequence. Made here rather than in
-- C so that any number of serve and worker processes share one sequence.
CREATE SEQUENCE parasol_id_seq AS bigint MINVALUE 0 MAXVALUE 65535 CYCLE;

CREATE FUNCTION parasol_id() RETURNS bigint LANGUAGE sql VOLATILE AS $$
	SELECT (floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint << 16)
	       | nextval('parasol_id_seq')
$$;

-- Members of this node. No email, no phone, no real name, no address of any kind.
CREATE TABLE accounts (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	username text NOT NULL CHECK (username ~ '^[A-Za-z0-9_]{1,30}$'),
	password_hash text NOT NULL,
	role text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'moderator', 'admin')),
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_username_lower ON accounts (lower(username));

-- Invite links. Only a SHA-256 of the code is kept, so a copy of the database can't be used
-- to sign up.
CREATE TABLE invites (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	code_hash bytea NOT NULL UNIQUE,
	created_by bigint REFERENCES accounts (id) ON DELETE SET NULL,
	role text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'moderator', 'admin')),
	max_uses integer CHECK (max_uses IS NULL OR max_uses > 0),
	uses integer NOT NULL DEFAULT 0,
	expires_at timestamptz,
	revoked_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now()
);
