-- Deliveries to one inbox go out in the order they were queued: a Like, its Undo and a new
-- Like sent by two worker threads at once could arrive as Like, Like, Undo, and a receiver
-- that keeps one like per account and post (Mastodon) would end without it. The claim
-- (server/db/jobs.c) skips a delivery while an older one to the same inbox waits or runs;
-- this index answers that question.
CREATE INDEX jobs_deliver_inbox ON jobs ((payload ->> 'inbox'), id) WHERE kind = 'deliver';
