"""The social graph: follows, follow requests to locked accounts, follower and following
lists (and hiding them), blocks and mutes, and what visitors and forged forms get."""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("social")
test = suite.test
inst = harness.Instance(suite, "social")
clients = {}


def setup():
    inst.setup()
    inst.start_server()
    for name in ("alice", "bob", "carol", "dave", "erin", "frank"):
        clients[name] = harness.member(inst, name)
    # lists are hidden by default (test_hidden_collections); these members show theirs
    inst.psql("UPDATE accounts SET hide_collections = false")


ids = {}


def acct_id(name):
    if name not in ids:
        ids[name] = inst.scalar("SELECT id FROM accounts WHERE username = '%s'" % name)
    return ids[name]


def count(table, src, dst):
    return int(inst.scalar(
        "SELECT count(*) FROM %s WHERE account_id = %s AND target_account_id = %s" % (
            table, acct_id(src), acct_id(dst))))


def follows(src, dst):
    return count("follows", src, dst) == 1


def notifications(to, frm, kind):
    return int(inst.scalar(
        "SELECT count(*) FROM notifications WHERE account_id = %s AND from_account_id = %s"
        " AND type = '%s'" % (acct_id(to), acct_id(frm), kind)))


def post(who, path, fields=None, **kw):
    return clients[who].post(path, fields or {}, **kw)


def get(who, path):
    return clients[who].get(path) if who else harness.request(inst.port, "GET", path)


def listed(resp, name):
    """Whether the page links to the profile of name."""
    return ('href="/@%s"' % name) in resp.text


@test
def test_follow_unfollow():
    """following an open account is immediate, notifies it, and unfollowing undoes it"""
    r = post("alice", "/@bob/follow")
    harness.assert_status(r, 303, "follow")
    assert harness.location_path(r) == "/@bob?notice=followed", harness.location_path(r)
    assert follows("alice", "bob")
    assert notifications("bob", "alice", "follow") == 1
    r = post("alice", "/@bob/follow")  # again: nothing new
    harness.assert_status(r, 303, "follow again")
    assert notifications("bob", "alice", "follow") == 1
    r = get("dave", "/@bob/followers")
    harness.assert_status(r, 200, "followers")
    assert listed(r, "alice"), "alice not among bob's followers"
    r = get("dave", "/@alice/following")
    assert listed(r, "bob"), "bob not among whom alice follows"
    r = post("alice", "/@bob/unfollow", {"back": "/@bob/followers"})
    harness.assert_status(r, 303, "unfollow")
    assert harness.location_path(r) == "/@bob/followers?notice=unfollowed"
    assert not follows("alice", "bob")
    assert not listed(get("dave", "/@bob/followers"), "alice")


@test
def test_follow_self_and_unknown():
    """following oneself is refused (422), an unknown account is 404"""
    harness.assert_status(post("alice", "/@alice/follow"), 422, "self follow")
    harness.assert_status(post("alice", "/@nobody_here/follow"), 404, "unknown account")


@test
def test_locked_account_accept():
    """a locked account gets a request, sees it, and accepting makes the follow"""
    inst.psql("UPDATE accounts SET locked = true WHERE username = 'carol'")
    r = post("alice", "/@carol/follow")
    harness.assert_status(r, 303, "follow locked")
    assert "notice=follow_requested" in harness.location_path(r)
    assert not follows("alice", "carol")
    assert count("follow_requests", "alice", "carol") == 1
    assert notifications("carol", "alice", "follow_request") == 1
    assert notifications("carol", "alice", "follow") == 0
    r = get("carol", "/follow_requests")
    harness.assert_status(r, 200, "follow requests page")
    assert listed(r, "alice"), r.text
    m = re.search(r'action="(/follow_requests/\d+/accept)"', r.text)
    assert m, "no accept form"
    # somebody else can't decide carol's requests
    harness.assert_status(post("bob", m.group(1)), 404, "bob accepting carol's request")
    assert count("follow_requests", "alice", "carol") == 1
    r = post("carol", m.group(1))
    harness.assert_status(r, 303, "accept")
    assert "notice=request_accepted" in harness.location_path(r)
    assert follows("alice", "carol")
    assert count("follow_requests", "alice", "carol") == 0
    assert not listed(get("carol", "/follow_requests"), "alice")


@test
def test_locked_account_reject():
    """rejecting a request leaves no follow and no request"""
    post("dave", "/@carol/follow")
    assert count("follow_requests", "dave", "carol") == 1
    r = get("carol", "/follow_requests")
    m = re.search(r'action="(/follow_requests/\d+/reject)"', r.text)
    assert m, "no reject form"
    r = post("carol", m.group(1))
    harness.assert_status(r, 303, "reject")
    assert "notice=request_rejected" in harness.location_path(r)
    assert not follows("dave", "carol")
    assert count("follow_requests", "dave", "carol") == 0
    # deciding it again: gone
    harness.assert_status(post("carol", m.group(1)), 404, "reject twice")


@test
def test_unfollow_withdraws_request():
    """unfollowing a locked account withdraws a pending request"""
    post("erin", "/@carol/follow")
    assert count("follow_requests", "erin", "carol") == 1
    harness.assert_status(post("erin", "/@carol/unfollow"), 303, "unfollow")
    assert count("follow_requests", "erin", "carol") == 0
    inst.psql("UPDATE accounts SET locked = false WHERE username = 'carol'")


@test
def test_hidden_collections():
    """hidden follower lists: the owner sees them, other members and visitors don't; a new
    member's lists start hidden (SAFETY.md: no public follower lists by default)"""
    clients["gwen"] = harness.member(inst, "gwen")
    post("alice", "/@gwen/follow")
    assert follows("alice", "gwen")
    for who in ("dave", None):
        r = get(who, "/@gwen/followers")
        harness.assert_status(r, 200, "%s on gwen's followers" % (who or "visitor"))
        assert not listed(r, "alice") and "keeps this list hidden" in r.text, r.text
    assert listed(clients["gwen"].get("/@gwen/followers"), "alice")
    post("alice", "/@bob/follow")
    post("bob", "/@erin/follow")
    inst.psql("UPDATE accounts SET hide_collections = true WHERE username = 'bob'")
    for path, who_listed in (("/@bob/followers", "alice"), ("/@bob/following", "erin")):
        r = get("bob", path)
        harness.assert_status(r, 200, "owner " + path)
        assert listed(r, who_listed), "the owner doesn't see %s on %s" % (who_listed, path)
        for who in ("dave", None):
            r = get(who, path)
            harness.assert_status(r, 200, "%s on %s" % (who or "visitor", path))
            assert not listed(r, who_listed), "%s sees %s on %s" % (who, who_listed, path)
            assert "keeps this list hidden" in r.text, r.text
    inst.psql("UPDATE accounts SET hide_collections = false WHERE username = 'bob'")
    assert listed(get(None, "/@bob/followers"), "alice")


@test
def test_block():
    """a block removes follows both ways, and neither side can follow again until unblocked"""
    post("alice", "/@bob/follow")
    post("bob", "/@alice/follow")
    assert follows("alice", "bob") and follows("bob", "alice")
    inst.psql("UPDATE accounts SET locked = true WHERE username = 'alice'")
    post("bob", "/@alice/unfollow")
    post("bob", "/@alice/follow")  # a pending request from bob to alice
    assert count("follow_requests", "bob", "alice") == 1
    r = post("alice", "/@bob/block")
    harness.assert_status(r, 303, "block")
    assert "notice=blocked" in harness.location_path(r)
    assert count("blocks", "alice", "bob") == 1
    assert not follows("alice", "bob") and not follows("bob", "alice")
    assert count("follow_requests", "bob", "alice") == 0
    inst.psql("UPDATE accounts SET locked = false WHERE username = 'alice'")
    r = post("bob", "/@alice/follow")
    harness.assert_status(r, 403, "blocked account following its blocker")
    assert "blocks" in r.text, "no clear message: %s" % r.text[:2000]
    assert not follows("bob", "alice")
    harness.assert_status(post("alice", "/@bob/follow"), 403, "blocker following")
    assert not follows("alice", "bob")
    r = get("alice", "/blocks")
    harness.assert_status(r, 200, "blocks page")
    assert listed(r, "bob")
    assert 'action="/@bob/unblock"' in r.text
    r = post("alice", "/@bob/unblock", {"back": "/blocks"})
    harness.assert_status(r, 303, "unblock")
    assert harness.location_path(r) == "/blocks?notice=unblocked"
    assert count("blocks", "alice", "bob") == 0
    assert not listed(get("alice", "/blocks"), "bob")
    harness.assert_status(post("bob", "/@alice/follow"), 303, "follow after unblock")
    assert follows("bob", "alice")


@test
def test_mute():
    """mute and unmute, and the muted list"""
    r = post("dave", "/@erin/mute")
    harness.assert_status(r, 303, "mute")
    assert "notice=muted" in harness.location_path(r)
    assert count("mutes", "dave", "erin") == 1
    post("dave", "/@erin/mute")
    assert count("mutes", "dave", "erin") == 1
    r = get("dave", "/mutes")
    harness.assert_status(r, 200, "mutes page")
    assert listed(r, "erin") and 'action="/@erin/unmute"' in r.text
    assert not listed(get("erin", "/mutes"), "dave")
    r = post("dave", "/@erin/unmute")
    harness.assert_status(r, 303, "unmute")
    assert count("mutes", "dave", "erin") == 0
    assert not listed(get("dave", "/mutes"), "erin")


@test
def test_visitor_sent_to_login():
    """a visitor POSTing follow (with a valid CSRF token) is sent to /login"""
    c = harness.WebClient(inst.port)
    r = c.post("/@bob/follow", {})
    harness.assert_status(r, 303, "visitor follow")
    assert harness.location_path(r).startswith("/login"), harness.location_path(r)
    for path in ("/follow_requests", "/blocks", "/mutes"):
        r = c.get(path)
        harness.assert_status(r, 303, "visitor " + path)
        assert harness.location_path(r).startswith("/login?next=" + path)


@test
def test_csrf_missing():
    """a follow or block without the CSRF token is refused with 403 and changes nothing"""
    harness.assert_status(post("frank", "/@dave/follow", csrf=False), 403, "follow, no csrf")
    harness.assert_status(post("frank", "/@dave/block", csrf=False), 403, "block, no csrf")
    harness.assert_status(post("frank", "/@dave/follow", csrf="x" * 43), 403, "wrong csrf")
    assert not follows("frank", "dave") and count("blocks", "frank", "dave") == 0


@test
def test_followers_pagination():
    """follower lists page by 20 with older and newer links"""
    inst.psql("INSERT INTO accounts (username, password_hash)"
              " SELECT 'fan' || i, 'x' FROM generate_series(1, 25) i")
    inst.psql("INSERT INTO follows (account_id, target_account_id)"
              " SELECT a.id, (SELECT id FROM accounts WHERE username = 'frank')"
              " FROM accounts a WHERE a.username LIKE 'fan%' ORDER BY a.username")
    r = get("dave", "/@frank/followers")
    first = set(re.findall(r'href="/@(fan\d+)"', r.text))
    assert len(first) == 20, sorted(first)
    m = re.search(r'href="(/@frank/followers\?max_id=\d+)"', r.text)
    assert m, "no older link"
    assert "min_id=" not in r.text, "a newer link on the first page"
    r = get("dave", m.group(1))
    second = set(re.findall(r'href="/@(fan\d+)"', r.text))
    assert len(second) == 5 and not first & second, (sorted(first), sorted(second))
    assert "max_id=" not in r.text, "an older link on the last page"
    m = re.search(r'href="(/@frank/followers\?min_id=\d+)"', r.text)
    assert m, "no newer link on the second page"
    r = get("dave", m.group(1).replace("&amp;", "&"))
    assert set(re.findall(r'href="/@(fan\d+)"', r.text)) == first
    harness.assert_status(get("dave", "/@frank/followers?max_id=bad"), 400, "bad max_id")


def search(who, q):
    import urllib.parse
    r = get(who, "/search?q=" + urllib.parse.quote(q))
    harness.assert_status(r, 200, "search %r" % q)
    results = r.text.split('id="accounts-heading"', 1)
    if len(results) < 2:
        assert q.strip("@# ") == "", "no results section for %r" % q
        return [], []
    accounts = re.findall(r'<li><a href="/@(\w+)">', results[1])
    tags = re.findall(r'<li><a href="/tags/(\w+)">#', results[1])
    return accounts, tags


@test
def test_search_accounts():
    """members find accounts by part of a username or display name, in any case"""
    inst.psql("UPDATE accounts SET display_name = 'Zed Nightingale' WHERE username = 'erin'")
    inst.psql("INSERT INTO accounts (username, password_hash, approved)"
              " VALUES ('a_b', 'x', true), ('axb', 'x', true), ('pending_pat', 'x', false)")
    assert "alice" in search("dave", "ali")[0]
    assert "alice" in search("dave", "LIC")[0]
    assert search("dave", "@alice")[0][0] == "alice", "exact match first"
    assert "alice" in search("dave", "@alice@elsewhere.example")[0]
    assert "erin" in search("dave", "nightin")[0], "display name not searched"
    assert search("dave", "a_b")[0] == ["a_b"], "LIKE's _ not escaped"
    assert search("dave", "%")[0] == [], "LIKE's % not escaped"
    assert search("dave", "pending")[0] == [], "a pending account is found"
    assert search("dave", "")[0] == []


@test
def test_search_visitors_and_blocks():
    """visitors only find exact usernames; an account that blocks you is not found"""
    assert search(None, "ali")[0] == []
    assert search(None, "ALICE")[0] == ["alice"]
    post("frank", "/@erin/block")
    try:
        assert "frank" not in search("erin", "frank")[0]
        assert "frank" in search("dave", "frank")[0]
        assert "erin" in search("frank", "erin")[0], "the blocker can still find them"
    finally:
        post("frank", "/@erin/unblock")
    r = get("dave", "/search?q=" + "x" * 101)
    harness.assert_status(r, 422, "long query")


@test
def test_search_tags():
    """hashtags are found by name, only when the searcher may see a post with them"""
    inst.psql(
        "WITH s1 AS (INSERT INTO statuses (account_id, text, visibility)"
        "  SELECT id, '#Flowers', 'public' FROM accounts WHERE username = 'alice' RETURNING id),"
        " s2 AS (INSERT INTO statuses (account_id, text, visibility)"
        "  SELECT id, '#secretgarden', 'members' FROM accounts WHERE username = 'alice'"
        "  RETURNING id),"
        " t1 AS (INSERT INTO tags (name) VALUES ('Flowers') RETURNING id),"
        " t2 AS (INSERT INTO tags (name) VALUES ('secretgarden') RETURNING id)"
        " INSERT INTO status_tags (status_id, tag_id)"
        " SELECT s1.id, t1.id FROM s1, t1 UNION ALL SELECT s2.id, t2.id FROM s2, t2")
    assert search(None, "#flow")[1] == ["Flowers"]
    assert search("dave", "FLOWERS")[1] == ["Flowers"]
    assert search("dave", "garden")[1] == ["secretgarden"]
    assert search(None, "garden")[1] == [], "a visitor finds a members-only tag"
    r = get(None, "/search?q=%23flowers")
    assert 'href="/tags/Flowers"' in r.text


@test
def test_pages_small():
    """the list pages are under 50 KB and carry no script"""
    for who, path in (("frank", "/@frank/followers"), ("alice", "/blocks"),
                      ("carol", "/follow_requests"), ("dave", "/mutes"), ("dave", "/search?q=a")):
        r = get(who, path)
        harness.assert_status(r, 200, path)
        assert len(r.body) < 50 * 1024, "%s is %d bytes" % (path, len(r.body))
        assert "<script" not in r.text


@test
def test_suspended_absent():
    """a suspended account is absent from follower and following lists (visitors' and
    members') and from search, and comes back when the suspension is lifted"""
    clients["gina"] = harness.member(inst, "gina")
    harness.assert_status(post("gina", "/@frank/follow"), 303, "gina follows frank")
    harness.assert_status(post("frank", "/@gina/follow"), 303, "frank follows gina")
    for who in (None, "dave"):
        assert listed(get(who, "/@frank/followers"), "gina")
        assert listed(get(who, "/@frank/following"), "gina")
    assert "gina" in search("dave", "gina")[0]
    inst.psql("UPDATE accounts SET suspended_at = now() WHERE username = 'gina'")
    for who in (None, "dave", "frank"):
        r = get(who, "/@frank/followers")
        harness.assert_status(r, 200, "followers")
        assert not listed(r, "gina"), "a suspended account among the followers (%s)" % who
        r = get(who, "/@frank/following")
        harness.assert_status(r, 200, "following")
        assert not listed(r, "gina"), "a suspended account among the followed (%s)" % who
    assert search("dave", "gina")[0] == [], "search finds a suspended account"
    assert search("dave", "@gina")[0] == [], "exact search finds a suspended account"
    inst.psql("UPDATE accounts SET suspended_at = NULL WHERE username = 'gina'")
    assert listed(get("dave", "/@frank/followers"), "gina")
    assert "gina" in search("dave", "gina")[0]


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
