"""The admin's lockdown switch (issue 12), between two real parasol instances: A (alice, and
root, an admin) and B (bob, who follows alice). While A is locked down, visitors of A get
the sign-in page for every page but sign-in and about, registration is closed, everything
peers ask A is answered 503 with Retry-After, and A's deliveries wait in its queue untried;
B's deliveries to A are refused and retried. Once A is unlocked, the held post reaches B
exactly once and B's retried delivery reaches A. Both switches are in the moderation log."""

import os
import re
import sys
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("lockdown")
test = suite.test
A = harness.peer_instance(suite, "lockdown_a", retry_first_delay="1", workers="2")
B = harness.peer_instance(suite, "lockdown_b", retry_first_delay="1", workers="2")
AP = "application/activity+json"
WAIT = 30
state = {}
c = {}


def dom(inst):
    return harness.instance_domain(inst)


def q(s):
    return s.replace("'", "''")


def marker(what):
    import uuid
    return "%s%s" % (what, uuid.uuid4().hex[:10])


def local_id(inst, name):
    return inst.scalar("SELECT id FROM accounts WHERE domain IS NULL AND username = '%s'" % name)


def remote_id(inst, uri):
    rows = inst.psql("SELECT id FROM accounts WHERE uri = '%s'" % q(uri))
    return rows[0][0] if rows else None


def follows(inst, follower, target):
    if follower is None or target is None:
        return False
    return inst.scalar("SELECT count(*) FROM follows WHERE account_id = %s AND"
                       " target_account_id = %s" % (follower, target)) == "1"


def statuses_holding(inst, word):
    return int(inst.scalar("SELECT count(*) FROM statuses WHERE text LIKE '%%%s%%' OR"
                           " content LIKE '%%%s%%'" % (q(word), q(word))))


def error_text(r):
    m = re.search(r'<p class="error" role="alert"[^>]*>(.*?)</p>', r.text, re.S)
    return m.group(1).strip() if m else ""


def setup():
    for inst in (A, B):
        inst.setup()
        inst.start_server()
    harness.allow_peer(A, dom(B))
    harness.allow_peer(B, dom(A))
    c["alice"] = harness.member(A, "alice")
    c["root"] = harness.member(A, "root", role="admin")
    c["bob"] = harness.member(B, "bob")
    # bob follows alice from B's pages
    acct = "alice@" + dom(A)
    r = c["bob"].get("/search?q=" + urllib.parse.quote("@" + acct))
    harness.assert_status(r, 200, "search")
    m = re.search(r'href="([^"]*%s[^"]*)"' % re.escape(urllib.parse.quote("@" + acct, safe="@:")),
                  r.text) or re.search(r'href="(/@alice@[^"]+)"', r.text)
    assert m, "no search result for %s" % acct
    path = urllib.parse.urlsplit(m.group(1)).path
    page = c["bob"].get(path)
    f = re.search(r'<form[^>]*action="([^"]*/follow)"', page.text)
    assert f, "no Follow button on %s" % path
    harness.assert_status(c["bob"].post(f.group(1), {"back": path}), 303, "follow")
    alice_uri = "%s/users/alice" % harness.instance_base(A)
    harness.wait_for(lambda: follows(B, local_id(B, "bob"), remote_id(B, alice_uri)), WAIT,
                     what="B to record bob's follow of alice as accepted")
    state["alice_uri"] = alice_uri


def switch(on, reason=""):
    return c["root"].post("/admin/lockdown", {"lockdown": "on" if on else "off",
                                              "reason": reason})


def held_deliveries():
    return int(A.scalar("SELECT count(*) FROM jobs WHERE kind = 'deliver'"))


@test
def test_only_admins_switch():
    """a member who is not an admin can't switch the lockdown; a bad value is refused"""
    r = c["alice"].post("/admin/lockdown", {"lockdown": "on", "reason": ""})
    assert r.status in (403, 404), r
    r = c["root"].post("/admin/lockdown", {"lockdown": "maybe", "reason": ""})
    harness.assert_status(r, 422, "a bad value")
    assert A.scalar("SELECT count(*) FROM instance_settings WHERE key = 'lockdown'") == "0"
    assert A.scalar("SELECT count(*) FROM mod_actions WHERE kind IN ('lockdown', 'unlock')") \
        == "0"


@test
def test_lockdown_holds_and_releases():
    """A locks down: visitors see sign-in pages, peers get 503, alice's followers-only post
    waits in A's queue untried while bob's mention of alice is refused by A; A unlocks: the
    held post reaches B exactly once, bob's post reaches A, and the log has both switches"""
    before = "public before " + marker("before")
    sid_public = harness.post_and_get_id(A, c["alice"], "alice", before, visibility="public")
    harness.wait_for(lambda: statuses_holding(B, before) == 1, WAIT, what="the post at B")

    r = switch(True, "a raid on a partner venue")
    harness.assert_status(r, 303, "lockdown on")
    assert "notice=lockdown_on" in r.header("Location", ""), r.header("Location")
    settings = c["root"].get("/admin/settings")
    assert "Switch the lockdown off" in settings.text
    harness.assert_status(switch(True), 409, "on twice")

    # visitors: the sign-in page for every page with content; sign-in and about work
    visitor = harness.WebClient(A.port)
    for path in ("/@alice", "/local", "/@alice/%s" % sid_public, "/", "/register",
                 "/tags/anything", "/@alice/followers", "/search?q=alice"):
        r = visitor.get(path)
        harness.assert_status(r, 303, "a visitor's %s" % path)
        assert harness.location_path(r).startswith("/login"), (path, r.header("Location"))
        assert before not in r.text
    for path in ("/login", "/about", "/robots.txt"):
        harness.assert_status(visitor.get(path), 200, "a visitor's %s" % path)
    r = visitor.post("/register", {"username": "newcomer", "password": "a long enough password",
                                   "invite": ""})
    assert r.status == 303 and harness.location_path(r).startswith("/login"), r
    assert A.scalar("SELECT count(*) FROM accounts WHERE username = 'newcomer'") == "0"
    # members still read everything
    harness.assert_status(c["alice"].get("/local"), 200, "alice's /local")
    assert before in c["alice"].get("/@alice/%s" % sid_public).text

    # peers: 503 with Retry-After for everything
    for path in ("/users/alice", "/users/alice/statuses/%s" % sid_public,
                 "/users/alice/followers", "/.well-known/webfinger?resource=acct:alice@"
                 + dom(A), "/.well-known/host-meta", "/.well-known/nodeinfo", "/nodeinfo/2.0",
                 "/actor", "/@alice"):
        r = harness.request(A.port, "GET", path, headers={"Accept": AP})
        harness.assert_status(r, 503, "a peer's GET %s" % path)
        assert r.header("Retry-After"), "no Retry-After on %s" % path
        assert before not in r.text

    # alice's followers-only post waits in A's queue
    held = "held " + marker("held")
    harness.post_and_get_id(A, c["alice"], "alice", held, visibility="private")
    assert held_deliveries() >= 1
    # a job of another kind, due after the delivery, is claimed: the workers went past the
    # delivery (which, due first, they would have taken) without trying it
    sentinel = A.scalar("INSERT INTO jobs (kind, payload, run_at) VALUES ('inbox',"
                        " '{\"activity\": {}, \"signer\": \"0\"}', now() + interval '1 second')"
                        " RETURNING id")
    harness.wait_for(lambda: A.scalar("SELECT count(*) FROM jobs WHERE id = %s AND attempts = 0"
                                      % sentinel) == "0", WAIT, what="the sentinel job claimed")
    rows = A.psql("SELECT attempts, last_error IS NULL FROM jobs WHERE kind = 'deliver'")
    assert rows and all(r == ["0", "t"] for r in rows), "a held delivery was tried: %r" % rows
    assert statuses_holding(B, held) == 0, "the held post reached B"

    # bob mentions alice: B's delivery to A is refused, and B keeps it for a retry
    mention = "hello @alice@%s %s" % (dom(A), marker("mention"))
    harness.post_and_get_id(B, c["bob"], "bob", mention, visibility="public")
    harness.wait_for(lambda: B.scalar("SELECT count(*) FROM jobs WHERE kind = 'deliver'"
                                      " AND attempts >= 1 AND last_error LIKE '%%answered 503%%'"
                                      " AND payload->>'inbox' LIKE '%s/%%'"
                                      % harness.instance_base(A)) != "0",
                     WAIT, what="A to refuse B's delivery, and B to keep it for a retry")
    assert statuses_holding(A, mention.split()[-1]) == 0

    r = switch(False)
    harness.assert_status(r, 303, "lockdown off")
    harness.wait_for(lambda: statuses_holding(B, held) == 1, WAIT,
                     what="the held post at B")
    harness.wait_for(lambda: held_deliveries() == 0, WAIT, what="A's queue empty")
    assert statuses_holding(B, held) == 1, "the held post arrived more than once"
    harness.wait_for(lambda: statuses_holding(A, mention.split()[-1]) == 1, WAIT,
                     what="bob's retried post at A")
    harness.assert_status(visitor.get("/@alice/%s" % sid_public), 200, "the post open again")

    rows = A.psql("SELECT m.kind, a.username, m.reason FROM mod_actions m JOIN accounts a"
                  " ON a.id = m.moderator_id WHERE m.kind IN ('lockdown', 'unlock')"
                  " ORDER BY m.id")
    assert rows == [["lockdown", "root", "a raid on a partner venue"],
                    ["unlock", "root", "—"]], rows
    log = c["alice"].get("/moderation/log")
    assert "Lockdown switched on" in log.text and "Lockdown switched off" in log.text, \
        "the switches are not in the members' log"


@test
def test_images_closed_while_locked_down():
    """A member's images are content too: while A is locked down a visitor (or a peer, or
    anyone who kept an image's address from before) gets no image, a signed-in member still
    does; once A is unlocked the image opens to all again (before, /media/ answered 200 to
    everyone all through the lockdown)"""
    with open(os.path.join(harness.SRCDIR, "tests", "fixtures", "images", "photo.jpg"),
              "rb") as f:
        photo = f.read()
    r = c["alice"].post_multipart("/statuses", {"text": "a picture", "alt1": "a picture",
                                                "visibility": "public"},
                                  [("image1", "p.jpg", "image/jpeg", photo)])
    harness.assert_status(r, 303, "a post with an image")
    sid = harness.last_status_id(A, "alice")
    names = A.psql("SELECT file_name, thumb_name FROM media WHERE status_id = %s" % sid)[0]
    visitor = harness.WebClient(A.port)
    for name in names:
        harness.assert_status(visitor.get("/media/" + name), 200, "the image before")
    harness.assert_status(switch(True), 303, "lockdown on")
    try:
        for name in names:
            for accept in (None, "image/*"):  # a browser's or a peer's fetch
                r = visitor.get("/media/" + name, headers={"Accept": accept} if accept else None)
                harness.assert_status(r, 303, "a visitor's image while locked down")
                assert "/login" in r.header("Location", ""), r.header("Location")
                assert not r.body and not r.header("Content-Type", "").startswith("image/"), \
                    "an image answered while locked down"
            harness.assert_status(c["alice"].get("/media/" + name), 200,
                                  "a member's image while locked down")
            harness.assert_status(c["root"].get("/media/" + name), 200,
                                  "another member's view of it")
    finally:
        harness.assert_status(switch(False), 303, "lockdown off")
    for name in names:
        harness.assert_status(visitor.get("/media/" + name), 200, "the image after")


harness.add_server_end_tests(suite, lambda: A.server)

if __name__ == "__main__":
    suite.run(setup)
