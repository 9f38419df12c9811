-- Images (issue 12). The files live in media_dir under random names (server/media/store.c);
-- a row says whose they are, what they show and where they belong: an attachment of a post
-- (at most four, in order), or a member's avatar or header (one of each). Only re-encoded
-- files are ever stored: nothing here or on disk holds what the upload carried besides its
-- pixels.
CREATE TABLE media (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	status_id bigint REFERENCES statuses (id) ON DELETE CASCADE,
	purpose text NOT NULL CHECK (purpose IN ('attachment', 'avatar', 'header')),
	position smallint NOT NULL DEFAULT 0 CHECK (position BETWEEN 0 AND 3),
	file_name text NOT NULL UNIQUE,
	thumb_name text NOT NULL UNIQUE,
	media_type text NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png')),
	width integer NOT NULL CHECK (width > 0),
	height integer NOT NULL CHECK (height > 0),
	thumb_width integer NOT NULL CHECK (thumb_width > 0),
	thumb_height integer NOT NULL CHECK (thumb_height > 0),
	blurhash text NOT NULL,
	description text NOT NULL DEFAULT '',
	created_at timestamptz NOT NULL DEFAULT now(),
	CHECK ((purpose = 'attachment') = (status_id IS NOT NULL))
);
CREATE UNIQUE INDEX media_status ON media (status_id, position) WHERE status_id IS NOT NULL;
CREATE INDEX media_account ON media (account_id);
CREATE UNIQUE INDEX media_profile ON media (account_id, purpose) WHERE purpose <> 'attachment';

-- Files whose row is gone, however it went (a post deleted, an account purged, an avatar
-- replaced, a cascade from anywhere): the process that deleted it unlinks them right after
-- its commit, and the sweep (core/sweep.c) unlinks whatever a crash left behind.
CREATE TABLE media_trash (
	file_name text PRIMARY KEY,
	queued_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION parasol_media_to_trash() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO media_trash (file_name) VALUES (OLD.file_name), (OLD.thumb_name)
		ON CONFLICT DO NOTHING;
	RETURN OLD;
END
$$;
CREATE TRIGGER media_to_trash AFTER DELETE ON media
	FOR EACH ROW EXECUTE FUNCTION parasol_media_to_trash();
