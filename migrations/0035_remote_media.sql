-- Remote images (issue 12): the attachments of posts from other servers, fetched by this
-- node's worker, re-encoded like members' uploads and shown only as /media/... of this node.
--
-- remote_attachments: what a remote post declared, up to four, in order. kind 'image' names a
-- URL in remote_files; 'other' (a video, audio, an unknown type, an image whose URL is not
-- http(s)) is only listed by its type, never fetched.
-- remote_profile_media: remote accounts' avatars and headers, by URL in remote_files.
-- remote_files: one row per URL, however many posts show it (fetched once). state:
--   pending  a media_fetch job is queued;
--   cached   file_name/thumb_name hold the re-encoded image, bytes counted against the cap;
--   evicted  its files were removed (cache cap, expiry, reject-media): fetched again when
--            next shown, unless the policy still refuses it;
--   failed   the image could not be had (not an image, too large, refused address, gone).
-- domain is the domain of the author of the post that first named the URL: the reject-media
-- policy and defederation are the author's server's, whichever host serves the file.
CREATE TABLE remote_files (
	url text PRIMARY KEY,
	domain text NOT NULL,
	state text NOT NULL DEFAULT 'pending'
		CHECK (state IN ('pending', 'cached', 'evicted', 'failed')),
	file_name text UNIQUE,
	thumb_name text UNIQUE,
	media_type text,
	width integer,
	height integer,
	thumb_width integer,
	thumb_height integer,
	blurhash text,
	bytes bigint NOT NULL DEFAULT 0,
	last_shown_at timestamptz NOT NULL DEFAULT now(),
	fetched_at timestamptz,
	error text,
	CHECK ((state = 'cached') = (file_name IS NOT NULL AND thumb_name IS NOT NULL))
);
CREATE INDEX remote_files_cached ON remote_files (last_shown_at) WHERE state = 'cached';
CREATE INDEX remote_files_domain ON remote_files (domain) WHERE state = 'cached';

CREATE TABLE remote_attachments (
	status_id bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
	position smallint NOT NULL CHECK (position BETWEEN 0 AND 3),
	kind text NOT NULL CHECK (kind IN ('image', 'other')),
	url text REFERENCES remote_files (url) ON DELETE SET NULL,
	type_label text NOT NULL DEFAULT '',
	description text NOT NULL DEFAULT '',
	PRIMARY KEY (status_id, position),
	CHECK (kind = 'image' OR url IS NULL)
);
CREATE INDEX remote_attachments_url ON remote_attachments (url);

-- Remote accounts' avatars and headers (the actor's icon and image), one of each.
CREATE TABLE remote_profile_media (
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	purpose text NOT NULL CHECK (purpose IN ('avatar', 'header')),
	url text NOT NULL REFERENCES remote_files (url) ON DELETE CASCADE,
	PRIMARY KEY (account_id, purpose)
);
CREATE INDEX remote_profile_media_url ON remote_profile_media (url);

-- A file nothing shows any more goes too (a Delete from the peer, an account purged, a new
-- avatar).
CREATE FUNCTION parasol_remote_file_unused() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF OLD.url IS NOT NULL AND (TG_OP = 'DELETE' OR NEW.url IS DISTINCT FROM OLD.url) THEN
		DELETE FROM remote_files f WHERE f.url = OLD.url
			AND NOT EXISTS (SELECT 1 FROM remote_attachments r WHERE r.url = OLD.url)
			AND NOT EXISTS (SELECT 1 FROM remote_profile_media p WHERE p.url = OLD.url);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER remote_attachment_gone AFTER DELETE ON remote_attachments
	FOR EACH ROW EXECUTE FUNCTION parasol_remote_file_unused();
CREATE TRIGGER remote_profile_media_gone AFTER DELETE OR UPDATE OF url ON remote_profile_media
	FOR EACH ROW EXECUTE FUNCTION parasol_remote_file_unused();

-- Files that leave a row (deleted, evicted) go to media_trash (migration 0028), which the
-- deleting process and the sweep unlink.
CREATE FUNCTION parasol_remote_file_to_trash() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF OLD.file_name IS NOT NULL AND (TG_OP = 'DELETE' OR NEW.file_name IS DISTINCT FROM OLD.file_name) THEN
		INSERT INTO media_trash (file_name) VALUES (OLD.file_name), (OLD.thumb_name)
			ON CONFLICT DO NOTHING;
	END IF;
	IF TG_OP = 'DELETE' THEN
		RETURN OLD;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER remote_file_to_trash AFTER DELETE OR UPDATE OF file_name ON remote_files
	FOR EACH ROW EXECUTE FUNCTION parasol_remote_file_to_trash();

-- Turning reject-media on for a domain evicts what is cached of it, in the same transaction.
CREATE FUNCTION parasol_reject_media_evict() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.reject_media THEN
		UPDATE remote_files SET state = 'evicted', file_name = NULL, thumb_name = NULL, bytes = 0
			WHERE domain = NEW.domain AND state = 'cached';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER reject_media_evict AFTER INSERT OR UPDATE OF reject_media ON domain_policies
	FOR EACH ROW EXECUTE FUNCTION parasol_reject_media_evict();

ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN ('inbox', 'deliver', 'media_fetch'));
