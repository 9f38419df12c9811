-- A delivery asks, when it runs, whether its inbox is still one of the author's followers'
-- (server/ap/deliver.c, db_remote_follower_inbox_is): from the accounts on that inbox to
-- their follow, by key, instead of listing every follower for each of a post's deliveries.
CREATE INDEX accounts_delivery_inbox ON accounts ((coalesce(shared_inbox_url, inbox_url)))
	WHERE domain IS NOT NULL;
