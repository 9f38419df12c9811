-- Trust of what is fetched (ap/resolve.c): a remote account's handle counts only once
-- WebFinger on its domain has named that very actor. handle_verified_at is when that was
-- last seen; rows stored before this migration have none, so the next lookup by handle asks
-- WebFinger again (a row whose claim no longer verifies is renamed "unverified~<id>").
ALTER TABLE accounts ADD COLUMN handle_verified_at timestamptz;

-- activities_seen is pruned by the periodic sweep (ap_sweep: ids older than 30 days).
CREATE INDEX activities_seen_seen_at ON activities_seen (seen_at);
