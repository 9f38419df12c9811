-- One peer's deliveries run on one worker at a time: a peer whose inbox hangs holds one
-- worker, never all of them, so deliveries to every other peer (a direct message included)
-- go on meanwhile. The claim (server/db/jobs.c) skips a delivery while another one to the
-- same host[:port] is leased (running); this function names that host and the partial
-- index finds the leased deliveries (never more than the workers) at once.
CREATE FUNCTION parasol_inbox_host(inbox text) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN lower(substring(inbox FROM '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]+)'));

CREATE INDEX jobs_deliver_leased ON jobs (parasol_inbox_host(payload ->> 'inbox'))
	WHERE kind = 'deliver' AND leased_by IS NOT NULL;

-- A Follow a member sent is found by its id when its receiver dereferences it
-- (GET /follows/ID, server/ap/objects.c).
CREATE INDEX follows_uri ON follows (uri) WHERE uri IS NOT NULL;
CREATE INDEX follow_requests_uri ON follow_requests (uri) WHERE uri IS NOT NULL;
