"""Authorized fetch of Notes and collections: GET /users/:name/statuses/:id, /outbox,
/followers, /following and /collections/featured need a GET signed by an allowed peer, and
serve only what the signer may see.

One parasol instance; `friend` is a fake peer on its allowlist (actor pat), `stranger` a fake
peer that is not (actor sam). pat's account is stored by the instance once pat has signed a
request; follows and mentions of pat are then inserted directly."""

import json
import os
import sys
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("ap_fetch")
test = suite.test
A = harness.peer_instance(suite, "ap_fetch")
AP = "application/activity+json"
AS = "https://www.w3.org/ns/activitystreams"
PUBLIC = AS + "#Public"

state = {}
posts = {}  # rose's posts: name -> id


def setup():
    A.setup()
    A.start_server()
    friend = harness.FakePeer(suite)
    stranger = harness.FakePeer(suite)
    harness.allow_peer(A, friend.domain)
    state.update(friend=friend, stranger=stranger, pat=friend.add_actor("pat"),
                 sam=stranger.add_actor("sam"), base=harness.instance_base(A))
    rose = harness.member(A, "rose")
    state["rose"] = rose
    for vis in ("public", "unlisted", "private", "members", "direct"):
        posts[vis] = harness.post_and_get_id(A, rose, "rose", "a %s post by rose" % vis,
                                             visibility=vis)
    harness.create_account(A, "lou")
    harness.create_account(A, "pia")
    # lists start hidden (test_hidden_collections); these three show theirs
    A.psql("UPDATE accounts SET hide_collections = false"
           " WHERE username IN ('rose', 'lou', 'pia') AND domain IS NULL")


def get(path, actor=None, accept=AP, key=None):
    """GET path, signed by actor (a FakeActor) when given, with Accept accept."""
    if actor is None:
        return harness.request(A.port, "GET", path, headers={"Accept": accept})
    h = harness.sign_headers(key or actor.key, actor.key_id, "GET", path,
                             harness.instance_domain(A), extra={"Accept": accept})
    return harness.request(A.port, "GET", path, headers=h)


def by_pat(path):
    return get(path, state["pat"])


def doc(resp, what):
    harness.assert_status(resp, 200, what)
    ctype = resp.header("Content-Type", "")
    assert ctype.startswith(AP), "%s: content type %r" % (what, ctype)
    d = resp.json()
    ctx = d.get("@context")
    assert ctx == AS or (isinstance(ctx, list) and AS in ctx), "%s: @context %r" % (what, ctx)
    return d


def account_id(where):
    v = A.scalar("SELECT id FROM accounts WHERE " + where)
    assert v, "no account where " + where
    return v


def pat_id():
    """pat's account here, stored the first time pat signed a request."""
    harness.assert_status(by_pat("/users/rose/outbox"), 200, "a signed GET by pat")
    return account_id("uri = '%s'" % state["pat"].uri)


def note_path(name, status_id):
    return "/users/%s/statuses/%s" % (name, status_id)


def note_uri(name, status_id):
    return state["base"] + note_path(name, status_id)


def insert_posts(username, n, visibility):
    A.psql("INSERT INTO statuses (account_id, text, content, visibility)"
           " SELECT a.id, 'post ' || g, '<p>post ' || g || '</p>', '%s'"
           " FROM accounts a, generate_series(1, %d) g WHERE a.username = '%s' AND a.domain IS NULL"
           % (visibility, n, username))


def walk(path, actor):
    """Follows a collection from its first page through next; returns (root, pages)."""
    root = doc(get(path, actor), "collection " + path)
    pages = []
    url = root.get("first")
    while url:
        assert len(pages) < 20, "too many pages: %r" % pages[-1]
        u = urllib.parse.urlsplit(url)
        assert url.startswith(state["base"] + "/"), url
        target = u.path + ("?" + u.query if u.query else "")
        page = doc(get(target, actor), "page " + target)
        assert page["type"] == "OrderedCollectionPage", page
        assert page["partOf"] == root["id"], page
        pages.append(page)
        url = page.get("next")
    return root, pages


# --- the gate -----------------------------------------------------------------------------------

@test
def test_unsigned_is_401():
    """unsigned ActivityStreams GETs of a note and of every collection are 401"""
    for path in (note_path("rose", posts["public"]), "/users/rose/outbox",
                 "/users/rose/outbox?page=true", "/users/rose/followers",
                 "/users/rose/following", "/users/rose/collections/featured"):
        harness.assert_status(get(path), 401, "unsigned " + path)


@test
def test_non_peer_is_403():
    """a correctly signed GET from a domain that is not a peer is 403, and nothing of it is
    stored but the attempt"""
    sam = state["sam"]
    for path in (note_path("rose", posts["public"]), "/users/rose/outbox",
                 "/users/rose/followers"):
        harness.assert_status(get(path, sam), 403, "non-peer " + path)
    assert A.scalar("SELECT count(*) FROM accounts WHERE domain = '%s'"
                    % state["stranger"].domain) == "0"


@test
def test_bad_signature_is_401():
    """a GET signed by the peer's actor with a key that is not its own is 401"""
    r = get(note_path("rose", posts["public"]), state["pat"], key=harness.RSAKey(suite))
    harness.assert_status(r, 401, "wrong key")


@test
def test_actor_stays_public():
    """the Person and /actor documents still answer unsigned requests"""
    harness.assert_status(get("/users/rose"), 200, "unsigned Person")
    harness.assert_status(get("/actor"), 200, "unsigned instance actor")


# --- notes --------------------------------------------------------------------------------------

@test
def test_public_note():
    """the peer's signed GET of a public post is its Note: id, attributedTo, content, url,
    addressed to Public"""
    sid = posts["public"]
    n = doc(by_pat(note_path("rose", sid)), "public note")
    assert n["type"] == "Note", n
    assert n["id"] == note_uri("rose", sid), n["id"]
    assert n["attributedTo"] == state["base"] + "/users/rose", n["attributedTo"]
    assert "a public post by rose" in n["content"], n["content"]
    assert n["url"] == "%s/@rose/%s" % (state["base"], sid), n["url"]
    assert PUBLIC in n["to"], n["to"]


@test
def test_note_tags():
    """hashtags and mentions travel as tag objects: a Hashtag linking to the tag page, a
    Mention naming the member, who is also addressed"""
    rose = harness.member(A, "rose", create=False)
    harness.create_account(A, "iris")
    sid = harness.post_and_get_id(A, rose, "rose", "hello @iris, see #sexworkiswork",
                                  visibility="public")
    n = doc(by_pat(note_path("rose", sid)), "tagged note")
    tags = {(t["type"], t["name"]): t["href"] for t in n["tag"]}
    assert tags.get(("Hashtag", "#sexworkiswork")) == state["base"] + "/tags/sexworkiswork", n["tag"]
    iris = state["base"] + "/users/iris"
    assert any(t == "Mention" and h == iris for (t, _), h in tags.items()), n["tag"]
    assert iris in n["cc"], n["cc"]


@test
def test_unlisted_note():
    """an unlisted post is served too, with Public in cc"""
    n = doc(by_pat(note_path("rose", posts["unlisted"])), "unlisted note")
    assert "a unlisted post by rose" in n["content"] and PUBLIC in n["cc"], n


@test
def test_followers_only_note():
    """a followers-only post is 404 to the peer's actor until it follows rose, then 200"""
    path = note_path("rose", posts["private"])
    pid = pat_id()
    rose = account_id("username = 'rose' AND domain IS NULL")
    A.psql("DELETE FROM follows WHERE account_id = %s AND target_account_id = %s" % (pid, rose))
    r = by_pat(path)
    harness.assert_status(r, 404, "followers-only note, not following")
    assert "followers-only post" not in r.text
    A.psql("INSERT INTO follows (account_id, target_account_id) VALUES (%s, %s)" % (pid, rose))
    n = doc(by_pat(path), "followers-only note, following")
    assert "a private post by rose" in n["content"], n
    assert n["to"] == [state["base"] + "/users/rose/followers"], n["to"]


@test
def test_members_only_note_is_404():
    """a members-only post is 404 to the peer even when it follows and is mentioned; an
    unknown post id answers the same"""
    pid = pat_id()
    rose = account_id("username = 'rose' AND domain IS NULL")
    sid = posts["members"]
    A.psql("INSERT INTO follows (account_id, target_account_id) VALUES (%s, %s)"
           " ON CONFLICT DO NOTHING" % (pid, rose))
    A.psql("INSERT INTO mentions (status_id, account_id) VALUES (%s, %s)"
           " ON CONFLICT DO NOTHING" % (sid, pid))
    r = by_pat(note_path("rose", sid))
    harness.assert_status(r, 404, "members-only note")
    missing = by_pat(note_path("rose", "1234"))
    harness.assert_status(missing, 404, "unknown post")
    assert r.text == missing.text, "a members-only post answers differently from none"


@test
def test_direct_note():
    """a direct post is 404 unless the peer's actor is mentioned"""
    path = note_path("rose", posts["direct"])
    pid = pat_id()
    A.psql("DELETE FROM mentions WHERE status_id = %s" % posts["direct"])
    harness.assert_status(by_pat(path), 404, "direct note, not mentioned")
    A.psql("INSERT INTO mentions (status_id, account_id) VALUES (%s, %s)"
           % (posts["direct"], pid))
    n = doc(by_pat(path), "direct note, mentioned")
    assert "a direct post by rose" in n["content"], n
    assert state["pat"].uri in n["to"], n["to"]


@test
def test_blocked_peer_actor_sees_nothing():
    """when rose blocks the peer's actor, even her public post is 404 to it and her outbox
    counts nothing"""
    pid = pat_id()
    rose = account_id("username = 'rose' AND domain IS NULL")
    A.psql("INSERT INTO blocks (account_id, target_account_id) VALUES (%s, %s)" % (rose, pid))
    try:
        harness.assert_status(by_pat(note_path("rose", posts["public"])), 404,
                              "public note to a blocked actor")
        assert doc(by_pat("/users/rose/outbox"), "outbox")["totalItems"] == 0
    finally:
        A.psql("DELETE FROM blocks WHERE account_id = %s" % rose)
    harness.assert_status(by_pat(note_path("rose", posts["public"])), 200, "after unblocking")


@test
def test_boost_and_wrong_member_are_404():
    """a boost is not a Note (404); a post under another member's path is 404; an unknown
    member is 404"""
    lou = harness.member(A, "lou", create=False)
    r = lou.post("/statuses/%s/reblog" % posts["public"], {})
    assert r.status == 303, r
    boost = A.scalar("SELECT s.id FROM statuses s JOIN accounts a ON a.id = s.account_id"
                     " WHERE a.username = 'lou' AND s.reblog_of_id = %s" % posts["public"])
    assert boost, "the boost was not made"
    harness.assert_status(by_pat(note_path("lou", boost)), 404, "a boost")
    harness.assert_status(by_pat(note_path("lou", posts["public"])), 404, "rose's post as lou's")
    harness.assert_status(by_pat(note_path("nobody", posts["public"])), 404, "unknown member")
    harness.assert_status(by_pat("/users/nobody/outbox"), 404, "unknown member's outbox")
    harness.assert_status(by_pat(note_path("rose", "notanid")), 404, "a bad id")


@test
def test_browser_gets_the_page():
    """a browser GET of a note is sent (303) to the thread page, of a collection to the
    profile or the follower list"""
    sid = posts["public"]
    r = get(note_path("rose", sid), accept="text/html")
    harness.assert_status(r, 303, "browser GET of a note")
    assert harness.location_path(r) == "/@rose/%s" % sid, r.header("Location")
    r = get("/users/rose/outbox", accept="text/html")
    harness.assert_status(r, 303, "browser GET of the outbox")
    assert harness.location_path(r) == "/@rose", r.header("Location")
    r = get("/users/rose/followers", accept="text/html")
    assert harness.location_path(r) == "/@rose/followers", r.header("Location")


# --- collections --------------------------------------------------------------------------------

@test
def test_outbox_pages():
    """the outbox counts only public and unlisted posts (not followers-only, members-only,
    direct or boosts); its pages of at most 20 Create activities chain with next, newest
    first, and hold each of 45 posts exactly once"""
    insert_posts("pia", 30, "public")
    insert_posts("pia", 15, "unlisted")
    for vis in ("private", "members", "direct"):
        insert_posts("pia", 2, vis)
    A.psql("INSERT INTO statuses (account_id, visibility, reblog_of_id)"
           " SELECT id, 'public', %s FROM accounts WHERE username = 'pia'" % posts["public"])
    pia = account_id("username = 'pia' AND domain IS NULL")
    A.psql("INSERT INTO follows (account_id, target_account_id) VALUES (%s, %s)"
           " ON CONFLICT DO NOTHING" % (pat_id(), pia))
    root, pages = walk("/users/pia/outbox", state["pat"])
    assert root["type"] == "OrderedCollection", root
    assert root["id"] == state["base"] + "/users/pia/outbox", root
    assert root["totalItems"] == 45, root["totalItems"]
    assert "orderedItems" not in root, "the collection itself carries no items"
    assert [len(p["orderedItems"]) for p in pages] == [20, 20, 5], [
        len(p["orderedItems"]) for p in pages]
    assert "next" not in pages[-1], pages[-1].get("next")
    items = [i for p in pages for i in p["orderedItems"]]
    notes = [i["object"]["id"] for i in items]
    assert len(set(notes)) == 45, "duplicates across pages"
    ids = [int(n.rsplit("/", 1)[1]) for n in notes]
    assert ids == sorted(ids, reverse=True), "not newest first"
    want = A.psql("SELECT s.id FROM statuses s JOIN accounts a ON a.id = s.account_id"
                  " WHERE a.username = 'pia' AND s.reblog_of_id IS NULL"
                  " AND s.visibility IN ('public', 'unlisted') ORDER BY s.id DESC")
    assert ids == [int(w[0]) for w in want], "the outbox holds other posts than pia's public ones"
    for i in items:
        assert i["type"] == "Create" and i["actor"] == state["base"] + "/users/pia", i
        assert i["id"] == i["object"]["id"] + "/activity", i["id"]
        assert i["object"]["type"] == "Note", i
        assert PUBLIC in i["to"] + i["cc"], i


@test
def test_outbox_max_id():
    """?max_id=ID alone is a page of the posts older than ID"""
    root, pages = walk("/users/pia/outbox", state["pat"])
    first = [i["object"]["id"] for i in pages[0]["orderedItems"]]
    bound = first[4].rsplit("/", 1)[1]
    page = doc(by_pat("/users/pia/outbox?max_id=" + bound), "max_id page")
    got = [i["object"]["id"] for i in page["orderedItems"]]
    assert got[:15] == first[5:], (got[:15], first[5:])
    assert len(got) == 20 and page.get("next"), page.get("next")
    harness.assert_status(by_pat("/users/pia/outbox?max_id=junk"), 400, "a bad max_id")


@test
def test_followers_and_following():
    """rose's followers collection counts and lists pat (by its uri) and lou (by our actor
    uri); lou's following lists rose"""
    pid = pat_id()
    rose = account_id("username = 'rose' AND domain IS NULL")
    lou = account_id("username = 'lou' AND domain IS NULL")
    A.psql("INSERT INTO follows (account_id, target_account_id) VALUES (%s, %s), (%s, %s)"
           " ON CONFLICT DO NOTHING" % (pid, rose, lou, rose))
    root, pages = walk("/users/rose/followers", state["pat"])
    assert root["id"] == state["base"] + "/users/rose/followers", root
    assert root["totalItems"] == 2, root
    items = [i for p in pages for i in p["orderedItems"]]
    assert sorted(items) == sorted([state["pat"].uri, state["base"] + "/users/lou"]), items
    root, pages = walk("/users/lou/following", state["pat"])
    assert root["totalItems"] == 1, root
    assert [i for p in pages for i in p["orderedItems"]] == [state["base"] + "/users/rose"]


@test
def test_followers_pages():
    """25 followers come in two pages, 20 then 5, each once"""
    A.psql("INSERT INTO accounts (username, password_hash)"
           " SELECT 'fan' || g, 'x' FROM generate_series(1, 25) g")
    A.psql("INSERT INTO follows (account_id, target_account_id)"
           " SELECT f.id, p.id FROM accounts f, accounts p"
           " WHERE f.username LIKE 'fan%' AND p.username = 'pia'")
    root, pages = walk("/users/pia/followers", state["pat"])
    items = [i for p in pages for i in p["orderedItems"]]
    assert root["totalItems"] == len(items) == len(set(items)), (root, len(items))
    assert [len(p["orderedItems"]) for p in pages][:2] == [20, len(items) - 20], pages
    fans = sorted(i for i in items if "/users/fan" in i)
    assert fans == sorted(state["base"] + "/users/fan%d" % g for g in range(1, 26)), fans


@test
def test_hidden_collections():
    """when rose hides her lists, followers and following have neither totalItems nor first,
    and a page request gets no items; a new member's lists start hidden"""
    harness.create_account(A, "nell")
    d = doc(by_pat("/users/nell/followers"), "a new member's followers")
    assert "totalItems" not in d and "first" not in d, d
    A.psql("UPDATE accounts SET hide_collections = true WHERE username = 'rose'")
    try:
        for what in ("followers", "following"):
            d = doc(by_pat("/users/rose/" + what), "hidden " + what)
            assert d["type"] == "OrderedCollection", d
            assert d["id"] == state["base"] + "/users/rose/" + what, d
            assert "totalItems" not in d and "first" not in d, d
            assert "orderedItems" not in d, d
            page = doc(by_pat("/users/rose/%s?page=true" % what), "hidden page")
            assert page.get("orderedItems") == [] and "next" not in page, page
    finally:
        A.psql("UPDATE accounts SET hide_collections = false WHERE username = 'rose'")
    d = doc(by_pat("/users/rose/followers"), "shown again")
    assert "totalItems" in d and "first" in d, d


@test
def test_featured():
    """featured holds rose's pinned public and unlisted posts as Notes, newest pin first, and
    never a pinned followers-only or members-only post"""
    rose = state["rose"]
    for vis in ("public", "private", "members", "unlisted"):
        r = rose.post("/statuses/%s/pin" % posts[vis], {})
        assert r.status == 303, "pin %s: %r" % (vis, r)
    assert A.scalar("SELECT count(*) FROM pins") == "4"
    d = doc(by_pat("/users/rose/collections/featured"), "featured")
    assert d["type"] == "OrderedCollection", d
    assert d["id"] == state["base"] + "/users/rose/collections/featured", d
    assert d["totalItems"] == 2, d
    assert [n["id"] for n in d["orderedItems"]] == [
        note_uri("rose", posts["unlisted"]), note_uri("rose", posts["public"])], d
    assert all(n["type"] == "Note" for n in d["orderedItems"]), d
    lou = doc(by_pat("/users/lou/collections/featured"), "lou's featured")
    assert lou["totalItems"] == 0 and lou["orderedItems"] == [], lou


harness.add_server_end_tests(suite, lambda: A.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
