-- An inbox job marks its activity seen before applying it (server/ap/receive.c), so that a
-- replay does nothing. The mark was committed on its own: a worker that died between the mark
-- and the activity's effects left an activity that every later run of its job took for a
-- replay, acknowledged to the peer and lost. The mark now names the job that made it, and a
-- run of that same job applies the activity again (db_activity_seen).
ALTER TABLE activities_seen ADD COLUMN job_id bigint;
