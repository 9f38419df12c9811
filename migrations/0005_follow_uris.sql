-- The ActivityPub id of a remote account's Follow, kept so that our Accept or Reject can name
-- it (Mastodon matches the Accept's object to the Follow it sent).
ALTER TABLE follow_requests ADD COLUMN uri text;
ALTER TABLE follows ADD COLUMN uri text;
