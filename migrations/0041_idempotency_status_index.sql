-- api_idempotency.status_id references statuses ON DELETE CASCADE: deleting a post looks for
-- the keys that name it, which without an index reads the whole table (test_migrate's
-- test_foreign_keys_indexed holds every foreign key to one).
CREATE INDEX api_idempotency_status ON api_idempotency (status_id);
