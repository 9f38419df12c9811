-- Indexes for the foreign keys that had none. Deleting a post cascades to its notifications
-- and bookmarks, and purging an account to the notifications it caused, the replies that
-- name it and the mutes of it: without these, each of those deletes read the whole table
-- (186 ms for one post at 1.1M notifications). tests/db/test_migrate checks that every
-- foreign key has its index.
CREATE INDEX notifications_status ON notifications (status_id) WHERE status_id IS NOT NULL;
CREATE INDEX notifications_from ON notifications (from_account_id)
	WHERE from_account_id IS NOT NULL;
CREATE INDEX notifications_mod_action ON notifications (mod_action_id)
	WHERE mod_action_id IS NOT NULL;
CREATE INDEX bookmarks_status ON bookmarks (status_id);
CREATE INDEX pins_status ON pins (status_id);
CREATE INDEX statuses_reply_account ON statuses (in_reply_to_account_id)
	WHERE in_reply_to_account_id IS NOT NULL;
CREATE INDEX mutes_target ON mutes (target_account_id);
CREATE INDEX recovery_codes_account ON recovery_codes (account_id);
CREATE INDEX invites_created_by ON invites (created_by) WHERE created_by IS NOT NULL;
CREATE INDEX reports_reporter ON reports (reporter_id) WHERE reporter_id IS NOT NULL;
CREATE INDEX reports_review_rule ON reports (review_rule_id) WHERE review_rule_id IS NOT NULL;
CREATE INDEX reports_claimed_by ON reports (claimed_by) WHERE claimed_by IS NOT NULL;
CREATE INDEX review_rules_created_by ON review_rules (created_by) WHERE created_by IS NOT NULL;
CREATE INDEX mod_actions_report ON mod_actions (report_id) WHERE report_id IS NOT NULL;
CREATE INDEX mod_actions_approved_by ON mod_actions (approved_by) WHERE approved_by IS NOT NULL;
CREATE INDEX mod_actions_moderator ON mod_actions (moderator_id);
CREATE INDEX appeals_account ON appeals (account_id);
CREATE INDEX appeals_decided_by ON appeals (decided_by) WHERE decided_by IS NOT NULL;
