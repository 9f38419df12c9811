-- Deliveries that hold up under deletes and crashes.
--
-- Deleting a post drops the pending deliveries of its Create and Update (what it said must not
-- go out after it is gone): they are found by the id of the activity's object, so that lookup
-- has an index (db_drop_object_deliveries in server/db/federation.c uses this expression).
CREATE INDEX jobs_deliver_object ON jobs ((payload #>> '{activity,object,id}'))
	WHERE kind = 'deliver';

-- A claimed job records the PostgreSQL backend of the connection that claimed it. When that
-- backend is gone (its worker process was killed, so its connection closed), the job is due
-- again at once instead of when its lease runs out (server/db/jobs.c, db_job_release_orphans).
ALTER TABLE jobs ADD COLUMN leased_by integer;
CREATE INDEX jobs_leased ON jobs (leased_by) WHERE leased_by IS NOT NULL;
