-- Sessions a member can tell apart and end one by one (issue 11): when each began (created_at,
-- there already), a coarse label of the browser ("Firefox, Android": never the User-Agent
-- itself, never an address), and whether the member asked not to be kept signed in on that
-- device: then the cookie ends with the browser and the session after a few idle hours
-- (last_used_at, moved forward at most once a minute).
ALTER TABLE sessions
	ADD COLUMN label text NOT NULL DEFAULT '' CHECK (char_length(label) <= 40),
	ADD COLUMN persistent boolean NOT NULL DEFAULT true,
	ADD COLUMN last_used_at timestamptz NOT NULL DEFAULT now();
