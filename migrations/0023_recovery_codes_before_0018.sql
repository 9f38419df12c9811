-- Members approved before 0018 never saw their recovery codes: the codes were made with their
-- application and shown to nobody, and 0018 marked only the applicants still waiting. Once
-- approved, nothing in the database tells an applicant from a member who joined by invite (and
-- saw theirs on the sign-up page), so every member here whose codes all date from before 0018
-- gets a fresh set at their next sign-in (the page says the old ones stop working). Members
-- who have seen codes made since (their codes are newer than 0018) and those already due are
-- left alone. Codes' ids are time-ordered (parasol_id: milliseconds << 16).
UPDATE accounts a SET recovery_codes_due = true
FROM schema_migrations m
WHERE m.version = '0018_member_defects.sql'
	AND a.domain IS NULL AND a.approved AND NOT a.recovery_codes_due
	AND a.created_at < m.applied_at
	AND NOT EXISTS (
		SELECT 1 FROM recovery_codes c
		WHERE c.account_id = a.id
			AND c.id >= (floor(extract(epoch FROM m.applied_at) * 1000)::bigint << 16));
