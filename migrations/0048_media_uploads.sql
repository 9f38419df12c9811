-- Images uploaded through the client API before the post that carries them (issue 13):
-- POST /api/v1/media stores an attachment with no post yet; POST /api/v1/statuses with its
-- id attaches it. Until then it belongs to its uploader only (nobody else can read or attach
-- it), and the sweep deletes it a day after the upload (core/media.c), its files queued in
-- media_trash by the existing trigger. Avatars and headers still never belong to a post.
ALTER TABLE media DROP CONSTRAINT media_check;
ALTER TABLE media ADD CONSTRAINT media_post_only_attachment
	CHECK (purpose = 'attachment' OR status_id IS NULL);
-- the sweep's search for uploads left unattached
CREATE INDEX media_unattached ON media (created_at)
	WHERE purpose = 'attachment' AND status_id IS NULL;
