"""Posts that delete themselves (issue 12): the compose form's expiry (never, an hour, a day, a
week, a month; the member's default from the settings), the settings' auto-delete age with its
exceptions (pinned posts, posts the member bookmarked), and the sweep that deletes due posts
through the normal delete path: the page 404s, the post leaves the timelines, its image files
go, and the peers that got it receive a signed Delete — also when a peer was down, and when
the database refused the delete for a while.

The server's clock is a file (PARASOL_TEST_CLOCK_FILE, util/clock.h) that the tests move
forward; the sweep runs every second, and a "sentinel" post made due at the same moment tells
the test that a round with the new clock has finished, so no check depends on timing."""

import base64
import json
import os
import re
import sys
import time
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("expiry")
test = suite.test
A = harness.peer_instance(suite, "expiry", sweep_interval="1", retry_first_delay="1",
                          workers="2")
FIXTURES = os.path.join(harness.SRCDIR, "tests", "fixtures", "images")
AP = "application/activity+json"
WAIT = 30
HOUR, DAY = 3600, 86400
CLOCK = {"now": int(time.time())}
state = {}
c = {}


def set_clock(t):
    CLOCK["now"] = t
    tmp = CLOCK["path"] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % t)
    os.replace(tmp, CLOCK["path"])


def setup():
    A.setup()
    CLOCK["path"] = os.path.join(A.tmp, "clock")
    set_clock(CLOCK["now"])
    A.env = {"PARASOL_TEST_CLOCK_FILE": CLOCK["path"]}
    A.start_server()
    for name in ("alice", "bob", "carol"):
        c[name] = harness.member(A, name)
    peer = harness.FakePeer(suite)
    harness.allow_peer(A, peer.domain)
    state["F"] = peer
    state["fay"] = peer.add_actor("fay")
    follow(state["fay"], "alice")


def q(s):
    return s.replace("'", "''")


def local_id(name):
    return A.scalar("SELECT id FROM accounts WHERE domain IS NULL AND username = '%s'" % name)


def alice_uri():
    return "%s/users/alice" % harness.instance_base(A)


def follow(actor, name):
    """actor (on the fake peer) follows name on A; A accepts."""
    r = actor.post(A.port, "/users/%s/inbox" % name, {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "%s#follows/%s" % (actor.uri, uuid.uuid4().hex), "type": "Follow",
        "actor": actor.uri, "object": "%s/users/%s" % (harness.instance_base(A), name)})
    harness.assert_status(r, 202, "Follow from %s" % actor.name)
    harness.wait_for(lambda: A.scalar(
        "SELECT count(*) FROM follows f JOIN accounts r ON r.id = f.account_id"
        " WHERE r.uri = '%s' AND f.target_account_id = %s" % (q(actor.uri), local_id(name)))
        == "1", WAIT, what="%s to follow %s" % (actor.name, name))


def marker(what):
    return "%s%s" % (what, uuid.uuid4().hex[:10])


def error_text(r):
    m = re.search(r'<p class="error" role="alert"[^>]*>(.*?)</p>', r.text, re.S)
    return m.group(1).strip() if m else ""


def exists(sid):
    return A.scalar("SELECT count(*) FROM statuses WHERE id = %s" % sid) == "1"


def sentinel(due_at):
    """A post by carol due at due_at: once it is gone, a sweep round that read the clock at
    due_at or later has finished."""
    sid = harness.post_and_get_id(A, c["carol"], "carol", marker("sentinel"))
    A.psql("UPDATE statuses SET expires_at = to_timestamp(%d) WHERE id = %s" % (due_at, sid))
    return sid


def move_clock_and_sweep(t):
    """Moves the clock to t and waits for a whole sweep round at t."""
    sid = sentinel(t)
    set_clock(t)
    harness.wait_for(lambda: not exists(sid), WAIT, what="a sweep round at the new clock")


def post(who, text, expires_in=None, files=(), **fields):
    f = {"text": text}
    if expires_in is not None:
        f["expires_in"] = expires_in
    f.update(fields)
    parts = [("image%d" % (i + 1), name, ctype, data) for i, (name, ctype, data) in
             enumerate(files)]
    r = c[who].post_multipart("/statuses", f, parts)
    assert r.status == 303, "posting as %s: %r %s" % (who, r, error_text(r))
    return harness.last_status_id(A, who)


def verify_signature(req):
    """A POST A made to the fake peer: signed with alice's key over (request-target), host,
    date and digest, with a Digest that matches the body."""
    doc = harness.request(A.port, "GET", "/users/alice", headers={"Accept": AP}).json()
    h = {k.lower(): v for k, v in req["headers"].items()}
    assert h.get("digest") == harness.body_digest(req["body"]), "Digest mismatch: %r" % h
    sig = harness.parse_signature_header(h["signature"])
    assert sig["keyId"] == doc["publicKey"]["id"], sig
    names = sig["headers"].split()
    for must in ("(request-target)", "host", "date", "digest"):
        assert must in names, names
    text = harness.signing_string("POST", req["path"], h, names)
    assert harness.rsa_verify(doc["publicKey"]["publicKeyPem"], text.encode(),
                              base64.b64decode(sig["signature"])), "bad signature on the Delete"


def deletes_of(note, answered=None):
    out = []
    for r in state["F"].requests_to("POST"):
        try:
            act = json.loads(r["body"])
        except ValueError:
            continue
        obj = act.get("object")
        oid = obj if isinstance(obj, str) else (obj or {}).get("id")
        if act.get("type") == "Delete" and oid == note and \
                (answered is None or r.get("answered") == answered):
            out.append((act, r))
    return out


def creates_of(word):
    return [a for a in state["F"].activities("Create") if word in json.dumps(a)]


def selected(page, select_id):
    m = re.search(r'<select id="%s"[^>]*>(.*?)</select>' % select_id, page, re.S)
    assert m, "no select %s on the page" % select_id
    got = re.findall(r'<option value="([^"]*)" selected', m.group(1))
    return got[0] if got else None


# --- the forms -------------------------------------------------------------------------------

@test
def test_compose_offers_expiry():
    """the compose form offers never, 1 hour, 1 day, 1 week, 1 month, with never selected"""
    page = c["alice"].get("/statuses/new")
    harness.assert_status(page, 200, "compose page")
    m = re.search(r'<select id="expires_in" name="expires_in"[^>]*>(.*?)</select>', page.text,
                  re.S)
    assert m, "no expiry on the compose form"
    assert re.findall(r'<option value="([^"]*)"', m.group(1)) == ["never", "1h", "1d", "1w",
                                                                   "1m"], m.group(1)
    assert selected(page.text, "expires_in") == "never"
    assert selected(c["alice"].get("/home").text, "expires_in") == "never"


@test
def test_bad_expiry_refused():
    """an expiry not in the list is refused with a 422 and the form again; no post is made"""
    before = A.scalar("SELECT count(*) FROM statuses")
    for bad in ("forever", "2h", "", "1h; DROP TABLE statuses"):
        r = c["alice"].post("/statuses", {"text": marker("badexpiry"), "expires_in": bad})
        harness.assert_status(r, 422, "expiry %r" % bad)
        assert "Choose when the post deletes itself" in error_text(r), error_text(r)
    assert A.scalar("SELECT count(*) FROM statuses") == before, "a refused post was stored"


@test
def test_settings_default_expiry():
    """the default chosen in the settings is what the compose forms start with, and a post
    from a form without the field (an older page) gets it"""
    r = c["bob"].post("/settings/expiry", {"default_expiry": "1d", "auto_delete_amount": "",
                                           "auto_delete_unit": "weeks"})
    harness.assert_status(r, 303, "save the expiry settings")
    page = c["bob"].get("/settings")
    assert selected(page.text, "default_expiry") == "1d"
    assert selected(c["bob"].get("/statuses/new").text, "expires_in") == "1d"
    assert selected(c["bob"].get("/home").text, "expires_in") == "1d"
    sid = harness.post_and_get_id(A, c["bob"], "bob", marker("olderform"))
    left = A.scalar("SELECT extract(epoch FROM expires_at)::bigint - %d FROM statuses"
                    " WHERE id = %s" % (CLOCK["now"], sid))
    assert left == str(DAY), "the post expires %s s from the clock, not a day" % left
    r = c["bob"].post("/settings/expiry", {"default_expiry": "never", "auto_delete_amount": "",
                                           "auto_delete_unit": "weeks"})
    harness.assert_status(r, 303, "back to never")
    A.psql("UPDATE statuses SET expires_at = NULL WHERE id = %s" % sid)


@test
def test_settings_refuse_bad_values():
    """bad settings values get a 422 next to the form, and nothing is stored"""
    good = {"default_expiry": "1w", "auto_delete_amount": "3", "auto_delete_unit": "months"}
    r = c["carol"].post("/settings/expiry", good)
    harness.assert_status(r, 303, "save")
    row = A.psql("SELECT default_expiry, auto_delete_amount, auto_delete_unit FROM"
                 " post_expiry_settings WHERE account_id = %s" % local_id("carol"))
    for field, value in (("auto_delete_amount", "abc"), ("auto_delete_amount", "1001"),
                         ("auto_delete_amount", "-1"), ("auto_delete_amount", "99999999999"),
                         ("auto_delete_unit", "years"), ("default_expiry", "2h")):
        bad = dict(good, **{field: value})
        r = c["carol"].post("/settings/expiry", bad)
        harness.assert_status(r, 422, "%s=%r" % (field, value))
        assert 'id="expiry-error"' in r.text, "no error next to the form for %s" % field
        assert A.psql("SELECT default_expiry, auto_delete_amount, auto_delete_unit FROM"
                      " post_expiry_settings WHERE account_id = %s" % local_id("carol")) == row
    r = c["carol"].post("/settings/expiry", dict(good, auto_delete_amount="",
                                                 default_expiry="never"))
    harness.assert_status(r, 303, "auto-delete off again")
    assert A.scalar("SELECT auto_delete_amount IS NULL FROM post_expiry_settings"
                    " WHERE account_id = %s" % local_id("carol")) == "t"


@test
def test_auto_delete_zero_refused_and_off_shows_no_unit():
    """auto-delete takes 1 to 1000 as its hint says: 0 (or 000) gets a 422 naming the range,
    nothing stored; while it is off the unit list says "off", not "weeks"; a number with
    "off" as its unit asks for a unit; saving it off with the unit "off" works"""
    good = {"default_expiry": "never", "auto_delete_amount": "2", "auto_delete_unit": "days"}
    harness.assert_status(c["carol"].post("/settings/expiry", good), 303, "save")
    row = A.psql("SELECT default_expiry, auto_delete_amount, auto_delete_unit FROM"
                 " post_expiry_settings WHERE account_id = %s" % local_id("carol"))
    for zero in ("0", "000"):
        r = c["carol"].post("/settings/expiry", dict(good, auto_delete_amount=zero))
        harness.assert_status(r, 422, "auto-delete %r" % zero)
        assert re.search(r'id="expiry-error">[^<]*1 to 1000', r.text), r.text[:3000]
        assert A.psql("SELECT default_expiry, auto_delete_amount, auto_delete_unit FROM"
                      " post_expiry_settings WHERE account_id = %s" % local_id("carol")) == row
    r = c["carol"].post("/settings/expiry", dict(good, auto_delete_unit=""))
    harness.assert_status(r, 422, "a number without a unit")
    assert "Choose days, weeks or months." in r.text
    r = c["carol"].post("/settings/expiry", dict(good, auto_delete_amount="",
                                                 auto_delete_unit=""))
    harness.assert_status(r, 303, "off, with the unit list on off")
    assert A.scalar("SELECT auto_delete_amount IS NULL FROM post_expiry_settings"
                    " WHERE account_id = %s" % local_id("carol")) == "t"
    text = c["carol"].get("/settings").text
    units = re.search(r'<select id="auto_delete_unit".*?</select>', text, re.S).group(0)
    selected = re.findall(r'<option value="(\w*)" selected', units)
    assert selected == [""], units
    assert re.search(r'<option value="" selected="selected">off</option>', units), units


# --- the sweep -------------------------------------------------------------------------------

@test
def test_hour_expiry_deletes_and_federates():
    """a public post with an image and a 1-hour expiry: there (page, timelines, file, the
    author told when it goes) until the hour is over, then gone everywhere, and the follower's
    server receives a signed Delete"""
    word = marker("hourpost")
    with open(os.path.join(FIXTURES, "photo.jpg"), "rb") as f:
        jpg = f.read()
    sid = post("alice", "for an hour " + word, "1h", files=[("p.jpg", "image/jpeg", jpg)],
               alt1="a test picture", visibility="public")
    files = [x for row in A.psql("SELECT file_name, thumb_name FROM media WHERE status_id = %s"
                                 % sid) for x in row]
    assert len(files) == 2, files
    media = os.path.join(A.data_dir, "media")
    for name in files:
        assert os.path.exists(os.path.join(media, name)), name
    harness.wait_for(lambda: creates_of(word), WAIT, what="the Create at fay's server")
    url = "/@alice/%s" % sid
    visitor = harness.WebClient(A.port)
    harness.assert_status(visitor.get(url), 200, "the post before the hour")
    own = c["alice"].get(url)
    assert "Deletes itself on" in own.text, "the author is not told when it goes"
    assert "Deletes itself on" not in visitor.get(url).text, "a visitor is told the expiry"
    assert "Deletes itself on" not in c["bob"].get(url).text, "another member is told"

    move_clock_and_sweep(CLOCK["now"] + HOUR - 60)
    assert exists(sid), "the post went before its hour"
    harness.assert_status(visitor.get(url), 200, "the post a minute before the hour")
    assert not deletes_of("%s/statuses/%s" % (alice_uri(), sid)), "a Delete went early"

    move_clock_and_sweep(CLOCK["now"] + 120)
    assert not exists(sid), "the post is still there after its hour"
    harness.assert_status(visitor.get(url), 404, "the post's page after the hour")
    harness.assert_status(c["alice"].get(url), 404, "the post's page for its author")
    for path in ("/local", "/@alice"):
        assert word not in visitor.get(path).text, "the post is still on %s" % path
    assert word not in c["alice"].get("/home").text, "the post is still in the home timeline"
    harness.wait_for(lambda: not any(os.path.exists(os.path.join(media, n)) for n in files),
                     WAIT, what="the image files to go")
    assert A.scalar("SELECT count(*) FROM media WHERE status_id = %s" % sid) == "0"
    note = "%s/statuses/%s" % (alice_uri(), sid)
    got = harness.wait_for(lambda: deletes_of(note, 202), WAIT, what="the Delete at fay's")
    act, req = got[0]
    assert act["actor"] == alice_uri(), act
    verify_signature(req)
    assert len(deletes_of(note)) == 1, "the Delete went more than once"


@test
def test_peer_down_gets_delete_later():
    """the follower's server is down when a followers-only post expires: the Delete is
    retried until it is accepted"""
    F = state["F"]
    word = marker("downpeer")
    sid = post("alice", "followers only " + word, "1d", visibility="private")
    harness.wait_for(lambda: creates_of(word), WAIT, what="the Create at fay's server")
    note = "%s/statuses/%s" % (alice_uri(), sid)
    F.inbox_status = 503
    try:
        move_clock_and_sweep(CLOCK["now"] + DAY + 1)
        assert not exists(sid), "the post is still there after its day"
        harness.wait_for(lambda: deletes_of(note, 503), WAIT, what="a refused Delete")
    finally:
        F.inbox_status = 202
    harness.wait_for(lambda: deletes_of(note, 202), WAIT, what="the Delete accepted later")


@test
def test_database_refusal_retried():
    """while the database refuses to delete a due post, the sweep fails and keeps it due;
    once it accepts, the next round deletes it and federates the Delete"""
    word = marker("refused")
    sid = post("alice", "stubborn " + word, "1h", visibility="public")
    harness.wait_for(lambda: creates_of(word), WAIT, what="the Create at fay's server")
    A.psql("CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS"
           " $$BEGIN RAISE EXCEPTION 'refused by the test'; END$$;"
           " CREATE TRIGGER test_refuse BEFORE DELETE ON statuses FOR EACH ROW"
           " WHEN (OLD.id = %s) EXECUTE FUNCTION test_refuse()" % sid)
    try:
        set_clock(CLOCK["now"] + HOUR + 1)
        harness.wait_for(lambda: "expired post %s not deleted yet" % sid in A.server.log(),
                         WAIT, what="a failed sweep round")
        assert exists(sid), "the post went although the database refused"
    finally:
        A.psql("DROP TRIGGER test_refuse ON statuses; DROP FUNCTION test_refuse()")
    harness.wait_for(lambda: not exists(sid), WAIT, what="the post deleted on a later round")
    note = "%s/statuses/%s" % (alice_uri(), sid)
    harness.wait_for(lambda: deletes_of(note, 202), WAIT, what="the Delete at fay's")
    assert len(deletes_of(note)) == 1, "the Delete went more than once"


@test
def test_failing_part_starves_nothing():
    """a part of the sweep that fails every round (the database refuses to end a timed
    suspension, which the sweep does first) keeps no due post from deleting itself; the
    failure is logged each round"""
    harness.create_account(A, "stuck")
    A.psql("UPDATE accounts SET suspended_at = now() - interval '2 days',"
           " suspended_until = now() - interval '1 day' WHERE username = 'stuck'")
    A.psql("CREATE FUNCTION test_refuse_unsuspend() RETURNS trigger LANGUAGE plpgsql AS"
           " $$BEGIN RAISE EXCEPTION 'unsuspension refused by the test'; END$$;"
           " CREATE TRIGGER test_refuse_unsuspend BEFORE UPDATE ON accounts FOR EACH ROW"
           " WHEN (OLD.username = 'stuck' AND NEW.suspended_until IS NULL)"
           " EXECUTE FUNCTION test_refuse_unsuspend()")
    try:
        harness.wait_for(lambda: "unsuspension refused by the test" in A.server.log(), WAIT,
                         what="the moderation part failing")
        CLOCK["now"] += HOUR
        move_clock_and_sweep(CLOCK["now"])  # a post due now went: the expiry part ran
        assert A.scalar("SELECT count(*) FROM accounts WHERE username = 'stuck'"
                        " AND suspended_until IS NOT NULL") == "1"
        assert "sweep: moderation failed" in A.server.log()
    finally:
        A.psql("DROP TRIGGER test_refuse_unsuspend ON accounts;"
               " DROP FUNCTION test_refuse_unsuspend()")
    harness.wait_for(lambda: A.scalar("SELECT count(*) FROM accounts WHERE username = 'stuck'"
                                      " AND suspended_until IS NULL") == "1", WAIT,
                     what="the suspension ended once the database accepts")


@test
def test_auto_delete_keeps_pins_and_bookmarks():
    """bob deletes his posts older than two weeks: an old post goes, one he pinned, one he
    bookmarked and a younger one stay; one only alice bookmarked goes; carol, who did not
    turn it on, keeps hers"""
    r = c["bob"].post("/settings/expiry", {"default_expiry": "never",
                                           "auto_delete_amount": "2", "auto_delete_unit": "weeks"})
    harness.assert_status(r, 303, "turn auto-delete on")
    ids = {}
    for what in ("old", "pinned", "bookmarked", "alice_bookmarked", "young"):
        ids[what] = harness.post_and_get_id(A, c["bob"], "bob", marker(what),
                                            visibility="public")
    carols = harness.post_and_get_id(A, c["carol"], "carol", marker("carols"))
    for who, sid, action in (("bob", ids["pinned"], "pin"), ("bob", ids["bookmarked"],
                                                            "bookmark"),
                             ("alice", ids["alice_bookmarked"], "bookmark")):
        harness.assert_status(c[who].post("/statuses/%s/%s" % (sid, action), {"back": "/home"}),
                              303, action)
    # the posts were written at the real time, which the earlier tests' clock is ahead of:
    # they are dated at the clock's now, the young one ten days later
    now = CLOCK["now"]
    A.psql("UPDATE statuses SET created_at = to_timestamp(%d) WHERE id IN (%s)"
           % (now, ", ".join(ids.values())))
    A.psql("UPDATE statuses SET created_at = to_timestamp(%d) WHERE id = %s"
           % (now + 10 * DAY, ids["young"]))
    move_clock_and_sweep(now + 13 * DAY)
    assert all(exists(s) for s in ids.values()), "a post went before two weeks"
    move_clock_and_sweep(now + 15 * DAY)
    assert not exists(ids["old"]), "the old post is still there"
    assert not exists(ids["alice_bookmarked"]), "alice's bookmark kept bob's post"
    for what in ("pinned", "bookmarked", "young"):
        assert exists(ids[what]), "the %s post was deleted" % what
    assert exists(carols), "carol's post was deleted without her choosing it"
    r = c["bob"].post("/settings/expiry", {"default_expiry": "never", "auto_delete_amount": "",
                                           "auto_delete_unit": "weeks"})
    harness.assert_status(r, 303, "auto-delete off")


harness.add_server_end_tests(suite, lambda: A.server)

if __name__ == "__main__":
    suite.run(setup)
