-- A claim (server/db/jobs.c, db_job_claim) walks the due jobs in the order it takes them and
-- stops at the first it may run. With only (run_at) indexed it sorted every due job by
-- (run_at, id) and tested each one first: with 500 deliveries queued a claim took 94 ms,
-- and draining n queued jobs cost n x n tests.
CREATE INDEX jobs_due_order ON jobs (run_at, id);
DROP INDEX jobs_due;

-- The claim's "no older delivery to the same inbox" test must read jobs_deliver_inbox. The
-- jobs table empties and fills all day, so its statistics are often stale, and then the
-- planner took jobs_deliver_object for that test, because that index's predicate
-- (kind = 'deliver') was all the test had to match: every queued delivery read per test.
-- With IS NOT NULL in its predicate it only serves what it is for, the search by object
-- (db_drop_object_deliveries: its equality implies the predicate).
DROP INDEX jobs_deliver_object;
CREATE INDEX jobs_deliver_object ON jobs ((payload #>> '{activity,object,id}'))
	WHERE kind = 'deliver' AND (payload #>> '{activity,object,id}') IS NOT NULL;
