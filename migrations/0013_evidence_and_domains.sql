-- Reports keep their evidence, and domains are stored in one spelling (issue 10).

-- Domains: the default port is no port (core/federation.h), so "peer.example:443" and
-- "peer.example" are one peer. A spelling whose normal form is listed already goes.
DELETE FROM peers p WHERE p.domain ~ ':(443|80)$'
	AND EXISTS (SELECT 1 FROM peers q WHERE q.domain = regexp_replace(p.domain, ':(443|80)$', ''));
UPDATE peers SET domain = regexp_replace(domain, ':(443|80)$', '') WHERE domain ~ ':(443|80)$';
UPDATE accounts a SET domain = regexp_replace(a.domain, ':(443|80)$', '')
	WHERE a.domain ~ ':(443|80)$' AND NOT EXISTS (
		SELECT 1 FROM accounts b WHERE b.username = a.username
			AND b.domain = regexp_replace(a.domain, ':(443|80)$', ''));
