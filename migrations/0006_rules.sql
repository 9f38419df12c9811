-- The community's rules, written by its moderators and admins: a short title and an
-- explanation, shown numbered (position, 1-based) on the about page, at sign-up and, later,
-- in every report and action that cites them. No rule exists until a person writes one.
CREATE TABLE rules (
	id bigint PRIMARY KEY DEFAULT parasol_id(),
	position integer NOT NULL CHECK (position >= 1),
	title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
	body text NOT NULL DEFAULT '' CHECK (char_length(body) <= 2000),
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	-- deferred, so that a swap or a renumbering may pass through duplicates within a statement
	CONSTRAINT rules_position_unique UNIQUE (position) DEFERRABLE INITIALLY DEFERRED
);
