"""Shared answers (req_shared_answer, http/server.c): a peer's signed fetch of a post or of a
public collection is answered from the page cache when another peer that may read it fetched
it just before, and never when this peer may not. The handler decides who may read, on every
request; the cache only keeps what every permitted peer gets alike.

One parasol instance with the page cache on (an hour, so that nothing expires during the
test); `pat` (a follower of rose) and `kim` (not one) are actors of two fake peers on its
allowlist."""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("shared_answers")
test = suite.test
A = harness.peer_instance(suite, "shared_answers", page_cache_seconds=3600)
AP = "application/activity+json"

state = {}
posts = {}


def setup():
    A.setup()
    A.start_server()
    one, two = harness.FakePeer(suite), harness.FakePeer(suite)
    harness.allow_peer(A, one.domain)
    harness.allow_peer(A, two.domain)
    state.update(pat=one.add_actor("pat"), kim=two.add_actor("kim"),
                 base=harness.instance_base(A))
    state["rose"] = harness.member(A, "rose")
    # lists start hidden; rose shows hers (test_hidden_lists_not_shared hides them again)
    A.psql("UPDATE accounts SET hide_collections = false WHERE username = 'rose'")
    for vis in ("public", "private"):
        posts[vis] = harness.post_and_get_id(A, state["rose"], "rose", "rose says %s" % vis,
                                             visibility=vis)
    # both actors sign once so that their accounts exist here; pat then follows rose
    for who in ("pat", "kim"):
        harness.assert_status(get("/users/rose/outbox", state[who]), 200, "a first signed GET")
    A.psql("INSERT INTO follows (account_id, target_account_id) SELECT p.id, r.id"
           " FROM accounts p, accounts r WHERE p.uri = '%s' AND r.username = 'rose'"
           " AND r.domain IS NULL" % state["pat"].uri)
    assert A.scalar("SELECT count(*) FROM follows") == "1", "pat does not follow rose"


def get(path, actor, gzip=False):
    extra = {"Accept": AP}
    if gzip:
        extra["Accept-Encoding"] = "gzip"
    h = harness.sign_headers(actor.key, actor.key_id, "GET", path, harness.instance_domain(A),
                             extra=extra)
    return harness.request(A.port, "GET", path, headers=h)


def cached(r):
    return r.header("Age") is not None


def twice(path, actor, gzip=False):
    """Fetches path as actor until an answer comes from the cache, and returns it: the second
    fetch, or a later one when a write landed while the answer before was made (the worker
    may still be delivering a post of an earlier test), which is then not kept."""
    reads = [get(path, actor, gzip)]
    for _ in range(5):
        harness.assert_status(reads[-1], 200, "GET %s" % path)
        reads.append(get(path, actor, gzip))
        if cached(reads[-1]):
            break
    again = reads[-1]
    harness.assert_status(again, 200, "GET %s again" % path)
    assert cached(again), "%s was not kept for the next peer" % path
    assert again.body == reads[-2].body, "the kept answer differs from the one made"
    return again


def items(r):
    return [i["object"]["id"] for i in r.json().get("orderedItems", [])]


@test
def test_followers_only_note_not_shared_with_a_non_follower():
    """pat's fetch of rose's followers-only post is kept, and kim (no follower) still gets
    404, not the kept copy; the public post is shared with both"""
    path = "/users/rose/statuses/%s" % posts["private"]
    twice(path, state["pat"])
    r = get(path, state["kim"])
    harness.assert_status(r, 404, "kim's fetch of a followers-only post pat read before")
    assert not cached(r) and b"rose says" not in r.body, r
    r = twice("/users/rose/statuses/%s" % posts["public"], state["pat"])
    r = get("/users/rose/statuses/%s" % posts["public"], state["kim"])
    harness.assert_status(r, 200, "kim's fetch of the public post")
    assert cached(r) and "rose says public" in r.json()["content"], r


@test
def test_outbox_page_not_shared_with_a_blocked_peer():
    """once rose blocks kim, kim's outbox page is empty and not the one pat's fetch kept;
    unblocked, kim gets the kept page"""
    path = "/users/rose/outbox?page=true"
    page = twice(path, state["pat"])
    want = items(page)
    assert "%s/users/rose/statuses/%s" % (state["base"], posts["public"]) in want, want
    A.psql("INSERT INTO blocks (account_id, target_account_id) SELECT r.id, k.id"
           " FROM accounts r, accounts k WHERE r.username = 'rose' AND r.domain IS NULL"
           " AND k.uri = '%s'" % state["kim"].uri)
    assert A.scalar("SELECT count(*) FROM blocks") == "1", "rose did not block kim"
    try:
        r = get(path, state["kim"])
        harness.assert_status(r, 200, "a blocked peer's outbox page")
        assert not cached(r) and items(r) == [], "a blocked peer got rose's posts: %r" % r.body
        r = get("/users/rose/collections/featured", state["kim"])
        assert not cached(r) and r.json()["orderedItems"] == [], r.body
    finally:
        A.psql("DELETE FROM blocks")
    r = get(path, state["kim"])
    assert cached(r) and items(r) == want, r


@test
def test_limited_author_pages_only_for_followers():
    """when rose is limited, only her followers see her outbox: pat (a follower) gets the
    kept page, kim (not one) an empty page made for kim"""
    path = "/users/rose/outbox?page=true&x=limited"
    want = items(twice(path, state["pat"]))
    A.psql("UPDATE accounts SET limited = true WHERE username = 'rose' AND domain IS NULL")
    try:
        r = get(path, state["kim"])
        assert not cached(r) and items(r) == [], "kim saw a limited member's posts"
        r = get(path, state["pat"])
        assert cached(r) and items(r) == want, r
    finally:
        A.psql("UPDATE accounts SET limited = false WHERE username = 'rose' AND domain IS NULL")


@test
def test_hidden_lists_not_shared():
    """a followers list kept while shown is not served once rose hides her lists"""
    twice("/users/rose/followers?page=true", state["pat"])
    A.psql("UPDATE accounts SET hide_collections = true WHERE username = 'rose'")
    try:
        r = get("/users/rose/followers?page=true", state["kim"])
        assert not cached(r) and r.json()["orderedItems"] == [], r.body
    finally:
        A.psql("UPDATE accounts SET hide_collections = false WHERE username = 'rose'")


@test
def test_new_post_shows_at_once():
    """a post rose publishes (a write by this process) shows in the next outbox fetch, not
    the page kept before it"""
    path = "/users/rose/outbox?page=true&x=new"
    twice(path, state["pat"])
    new = harness.post_and_get_id(A, state["rose"], "rose", "rose again", visibility="public")
    r = get(path, state["kim"])
    assert not cached(r), "a page kept before the post was served"
    assert items(r)[0] == "%s/users/rose/statuses/%s" % (state["base"], new), items(r)


@test
def test_encodings_kept_apart():
    """the gzip answer and the plain one are kept apart"""
    path = "/users/rose/outbox?page=true&x=gzip"
    plain = twice(path, state["pat"])
    assert plain.header("Content-Encoding") is None, plain.headers
    r = get(path, state["kim"], gzip=True)
    assert r.header("Content-Encoding") == "gzip", "a gzip reader got the plain answer"
    r = twice(path, state["kim"], gzip=True)
    assert r.header("Content-Encoding") == "gzip", r.headers
    r = twice(path, state["pat"])
    assert r.header("Content-Encoding") is None, "a plain reader got the gzip answer"


def suspend_by_hand(actor, on):
    """Suspends (or lifts the suspension of) actor's account here with psql alone, no NOTIFY,
    and waits until the server has heard of it from the trigger (migration 0021)."""
    rows = A.psql("SELECT pg_backend_pid(); UPDATE accounts SET suspended_at = %s WHERE uri = '%s'"
                  % ("now()" if on else "NULL", actor.uri))
    line = harness.cache_notified_line("remote", rows[0][0])
    harness.wait_for(lambda: line in A.server.log(), timeout=15,
                     what="the server to hear that a remote account changed")


@test
def test_signer_suspended_by_hand_is_refused():
    """the signers kept in memory (ap/signers.c) follow the database: once kim's account is
    suspended by hand, kim's next signed fetch is 404, although kim's account was kept in
    memory as not suspended a moment before; lifted, kim reads again"""
    path = "/users/rose/statuses/%s" % posts["public"]
    harness.assert_status(get(path, state["kim"]), 200, "kim's fetch before")
    suspend_by_hand(state["kim"], True)
    try:
        harness.assert_status(get(path, state["kim"]), 404, "a suspended signer's fetch")
    finally:
        suspend_by_hand(state["kim"], False)
    harness.assert_status(get(path, state["kim"]), 200, "kim's fetch after")


harness.add_server_end_tests(suite, lambda: A.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
