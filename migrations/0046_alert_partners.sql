-- Alert partners (issue 14, core/alerts.h): the peers admins chose to share bad-date alerts
-- with. An alert goes to a partner only when this node marked it, and a partner's alert is
-- stored here only when this node marked that partner (both sides must choose). Removing
-- the peer ends the partnership.
CREATE TABLE alert_partners (
	domain text PRIMARY KEY REFERENCES peers (domain) ON DELETE CASCADE,
	added_at timestamptz NOT NULL DEFAULT now()
);

-- A partner's alert: the partner's domain and its id there (never anything about who filed
-- it). share_id: the random name of one of our alerts as partners know it (its own id is
-- time-ordered and would tell when it was filed).
ALTER TABLE alerts
	ADD COLUMN partner_domain text,
	ADD COLUMN partner_uri text UNIQUE,
	ADD COLUMN share_id text UNIQUE,
	ADD CONSTRAINT alerts_partner_shape CHECK ((partner_domain IS NULL) = (partner_uri IS NULL)
		AND (partner_domain IS NULL OR reporter_id IS NULL));
