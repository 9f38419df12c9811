-- Hashtags in any script. 0002's CHECK used [[:alnum:]], which PostgreSQL evaluates with the
-- database's locale: under the C locale it refuses every non-ASCII letter, so #性工作者 could
-- not be stored. core/text.c decides what a tag is; the table only refuses what can never be
-- one (empty, too long, spaces, control characters, ASCII punctuation other than '_').
ALTER TABLE tags DROP CONSTRAINT tags_name_check;
ALTER TABLE tags ADD CONSTRAINT tags_name_check CHECK (
	char_length(name) BETWEEN 1 AND 100
	AND name !~ '[[:space:][:cntrl:]]'
	AND translate(name, '!"#$%&''()*+,-./:;<=>?@[\]^`{|}~', '') = name);
