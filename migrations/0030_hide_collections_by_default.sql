-- SAFETY.md promises no public follower lists by default: who follows a sex worker, and whom
-- she follows, maps her clients and colleagues. New accounts start with their lists hidden,
-- and so do this node's existing members (the old default showed them, and nothing tells a
-- member who chose "shown" from one who never looked); the settings page turns them back on.
-- Remote accounts' rows made from now on get the new default too: this node then lists none
-- of their followers here (it only knows its own members among them anyway).
ALTER TABLE accounts ALTER COLUMN hide_collections SET DEFAULT true;
UPDATE accounts SET hide_collections = true WHERE domain IS NULL AND NOT hide_collections;
