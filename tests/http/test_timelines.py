"""Timelines: home (own and followed, boosts included), local (public only; closed to visitors
unless the admin opens it), hashtag pages, profiles with pinned posts first, bookmarks, and
keyset pagination (newer/older links, no duplicates, no gaps, malformed ids refused)."""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("timelines")
test = suite.test
inst = harness.Instance(suite, "timelines")
c = {}


def setup():
    inst.setup()
    inst.start_server()
    for name in ("alice", "bob", "carol", "pager"):
        c[name] = harness.member(inst, name)
    assert c["alice"].post("/@bob/follow", {}).status == 303


def new_post(who, text, **kw):
    return harness.post_and_get_id(inst, c[who], who, text, **kw)


def ids(who, path):
    r = c[who].get(path) if who else harness.request(inst.port, "GET", path)
    assert r.status == 200, (path, r)
    return harness.status_ids_on(r.text)


def set_local_public(value):
    harness.db_change(inst, "INSERT INTO instance_settings (key, value)"
                      " VALUES ('local_timeline_public', '%s')"
                      " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value" % value,
                      "settings")


@test
def test_home():
    """home: own posts and followed accounts' posts and boosts, newest first; not others'"""
    own = new_post("alice", "alice's own")
    followed = new_post("bob", "bob's post")
    other = new_post("carol", "carol's post")
    home = ids("alice", "/home")
    assert own in home and followed in home, home
    assert other not in home, home
    assert home.index(followed) < home.index(own), "not newest first"
    c["bob"].post("/statuses/%s/reblog" % other, {})
    r = c["alice"].get("/home")
    assert other in harness.status_ids_on(r.text), "bob's boost is missing"
    assert "Boosted by bob" in r.text
    assert "What do you want to say?" in r.text, "no compose form on /home"


@test
def test_home_needs_signin():
    """a visitor asking for /home, /bookmarks or /notifications is sent to /login"""
    for path in ("/home", "/bookmarks", "/notifications"):
        r = harness.request(inst.port, "GET", path)
        assert r.status == 303 and "/login" in r.header("Location"), (path, r)


@test
def test_home_mute():
    """a muted account's posts leave the home timeline"""
    sid = new_post("bob", "muted soon")
    assert sid in ids("alice", "/home")
    assert c["alice"].post("/@bob/mute", {}).status == 303
    assert sid not in ids("alice", "/home")
    assert c["alice"].post("/@bob/unmute", {}).status == 303
    assert sid in ids("alice", "/home")


@test
def test_local():
    """local: public posts, no boosts, no unlisted or private; visitors only when opened"""
    pub = new_post("carol", "local public", visibility="public")
    unl = new_post("carol", "local unlisted", visibility="unlisted")
    priv = new_post("carol", "local private", visibility="private")
    c["bob"].post("/statuses/%s/reblog" % pub, {})
    local = ids("bob", "/local")
    assert pub in local and unl not in local and priv not in local, local
    assert local.count(pub) == 1, "the boost shows in local"
    set_local_public("false")
    r = harness.request(inst.port, "GET", "/local")
    assert r.status == 303 and "/login" in r.header("Location"), r
    set_local_public("true")
    assert pub in ids(None, "/local")
    set_local_public("false")


@test
def test_hashtag():
    """a tag page lists the tagged posts, case-insensitively, and only them"""
    a = new_post("alice", "about #Rights today")
    b = new_post("bob", "more #rights")
    other = new_post("carol", "nothing tagged #elsewhere")
    page = ids("carol", "/tags/rights")
    assert a in page and b in page and other not in page, page
    assert ids("carol", "/tags/RIGHTS") == page
    assert ids(None, "/tags/nothing_here") == []


@test
def test_profile_pinned_first():
    """a profile lists pinned posts first, then posts and boosts newest first"""
    older = new_post("carol", "pinned one")
    newer = new_post("carol", "not pinned")
    boosted = new_post("alice", "boosted by carol")
    assert c["carol"].post("/statuses/%s/pin" % older, {}).status == 303
    c["carol"].post("/statuses/%s/reblog" % boosted, {})
    r = c["bob"].get("/@carol")
    page = harness.status_ids_on(r.text)
    assert page[0] == older, page
    rest = page[1:]
    assert rest.index(boosted) < rest.index(newer) < rest.index(older), rest
    assert "Pinned posts" in r.text
    assert re.search(r"Posts: \d+", r.text)
    assert harness.request(inst.port, "GET", "/@nobody_here").status == 404


@test
def test_bookmarks():
    """bookmarks list what the member bookmarked, newest first"""
    a = new_post("alice", "bookmark a")
    b = new_post("bob", "bookmark b")
    new_post("bob", "not bookmarked")
    for sid in (a, b):
        assert c["carol"].post("/statuses/%s/bookmark" % sid, {}).status == 303
    assert ids("carol", "/bookmarks") == [b, a]


def follow_links(who, path):
    r = c[who].get(path)
    assert r.status == 200, (path, r)
    assert len(r.body) < 50 * 1024, "%s is %d bytes" % (path, len(r.body))
    newer = re.search(r'href="([^"]*)" rel="prev"', r.text)
    older = re.search(r'href="([^"]*)" rel="next"', r.text)
    unescape = (lambda m: m.group(1).replace("&amp;", "&") if m else None)
    return harness.status_ids_on(r.text), unescape(newer), unescape(older)


@test
def test_pagination():
    """45 posts: 20, 20, 5 through the older links; the newer link goes back; no gaps"""
    made = [new_post("pager", "page post %d" % i) for i in range(45)]
    made.reverse()  # newest first
    p1, newer, older = follow_links("pager", "/@pager")
    assert len(p1) == 20 and newer is None and older, (len(p1), newer, older)
    p2, newer2, older2 = follow_links("pager", older)
    assert len(p2) == 20 and newer2 and older2
    p3, newer3, older3 = follow_links("pager", older2)
    assert len(p3) == 5 and older3 is None, (len(p3), older3)
    assert p1 + p2 + p3 == made, "duplicates or gaps"
    back, _, _ = follow_links("pager", newer3)
    assert back == p2, "the newer link does not lead back"
    back, newer_top, _ = follow_links("pager", newer2)
    assert back == p1 and newer_top is None
    hp, _, hold = follow_links("pager", "/home")
    assert hp == made[:20] and hold


@test
def test_malformed_page_ids():
    """a malformed max_id or min_id is 400"""
    for q in ("max_id=abc", "min_id=-1", "max_id=1e5", "max_id=99999999999999999999"):
        for path in ("/home", "/@pager", "/tags/rights", "/bookmarks"):
            r = c["alice"].get(path + "?" + q)
            assert r.status == 400, (path, q, r)


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
