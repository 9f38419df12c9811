-- Every process keeps the accounts and public keys of the peers' actors that sign requests in
-- memory (server/ap/signers.c), so that checking a signature costs no query. The copies are
-- dropped whenever a remote account row changes or goes, whoever changes it (a worker that
-- applies an Update or a Delete, a moderator's suspension, a key refetched, psql by hand):
-- this trigger tells every process, through the cache channel (server/core/cache.h), when the
-- transaction commits. Several changes in one transaction make one notification.
CREATE FUNCTION parasol_remote_account_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('parasol_cache', 'remote');
	RETURN NULL;
END
$$;

CREATE TRIGGER accounts_remote_changed AFTER UPDATE OR DELETE ON accounts
	FOR EACH ROW WHEN (OLD.domain IS NOT NULL)
	EXECUTE FUNCTION parasol_remote_account_changed();
