"""More of the Mastodon client API (issue 13), over raw HTTP and with the real Mastodon.py:
editing posts with their history and source, who liked and boosted a post, follower and
following lists (hidden as on the web), follow requests, blocks and mutes lists, one
notification, dismissing and clearing, read markers, registration in each mode with an app's
own token, the limit on app registrations, and what a suspended member's apps still reach.
toot's own code and CLI are driven where toot calls these endpoints. Hostile input gets a
precise 4xx JSON error and writes nothing."""

import json
import os
import sys
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apiclient  # noqa: E402
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("api_more")
test = suite.test
inst = harness.Instance(suite, "api_more", page_cache_seconds=0)
PASSWORD = harness.PASSWORD
_sources = [10]


def source():
    """A loopback address of its own, so that one test's limits don't touch another's."""
    _sources[0] += 1
    return "127.0.1.%d" % _sources[0]


def call(method, path, token=None, **kw):
    """One API request (apiclient.request)."""
    return apiclient.request(inst.port, method, path, token, **kw)


def want(r, status, what):
    return apiclient.want(r, status, what)


def error_of(r, status, what, says=None):
    return apiclient.error_of(r, status, what, says)


def oversize(method, path, tok):
    """A request whose declared body is past every limit: answered before it is sent."""
    s = harness.raw_connect(inst.port)
    try:
        s.sendall(("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                   % (method, path, tok, 512 * 1024 * 1024)).encode())
        return harness.read_response(s)
    finally:
        s.close()


def link_path(r, rel):
    """The path and query of r's Link header's rel link."""
    for part in r.header("Link", "").split(","):
        url, _, kind = part.strip().partition(";")
        if kind.strip() == 'rel="%s"' % rel:
            u = urllib.parse.urlsplit(url.strip()[1:-1])
            return u.path + "?" + u.query
    raise AssertionError("no %s link in %r" % (rel, r.header("Link")))


API = apiclient.Node(inst, "more app")


def app(scopes="read write follow push", src=None):
    return API.app(scopes, src)


def token(name, scope="read write follow"):
    return API.token(name, scope)


def app_token(scope="read write", a=None):
    return API.app_token(scope, a)


def count(sql):
    return int(inst.scalar(sql))


def acct_id(name):
    return inst.scalar("SELECT id FROM accounts WHERE username = '%s'" % name)


def post(tok, text, **fields):
    return API.post(tok, text, **fields)


def set_mode(mode):
    harness.db_change(inst, "INSERT INTO instance_settings (key, value) VALUES "
                      "('registration_mode', '%s') ON CONFLICT (key) DO UPDATE SET "
                      "value = EXCLUDED.value" % mode, "settings")


def setup():
    inst.setup()
    inst.start_server()
    for name in ("rose", "lily", "iris", "fern", "kit", "ana", "ben", "nia", "oli", "moe"):
        harness.create_account(inst, name)


def mastodon(name):
    from mastodon import Mastodon
    base = "http://127.0.0.1:%d" % inst.port
    cid, secret = Mastodon.create_app("more mastodon.py", api_base_url=base)
    api = Mastodon(client_id=cid, client_secret=secret, api_base_url=base)
    if name is not None:
        api.log_in(name, PASSWORD)
    return api


# --- editing --------------------------------------------------------------------------------------

@test
def test_edit_history_source():
    """PUT /api/v1/statuses/:id edits (the content warning kept when not sent back), the
    history lists both versions oldest first to the author, only the current one to anyone
    else; /source is the author's; someone else's edit is 403 and writes nothing"""
    rose, lily = token("rose"), token("lily")
    st = post(rose, "the first words", spoiler_text="careful")
    assert st["edited_at"] is None
    sid = st["id"]
    before = inst.psql("SELECT text, spoiler_text, edited_at FROM statuses WHERE id = %s" % sid)
    error_of(call("PUT", "/api/v1/statuses/%s" % sid, lily, body={"status": "hijacked"}), 403,
             "someone else's post")
    assert inst.psql("SELECT text, spoiler_text, edited_at FROM statuses WHERE id = %s"
                     % sid) == before
    assert count("SELECT count(*) FROM status_edits WHERE status_id = %s" % sid) == 0
    doc = want(call("PUT", "/api/v1/statuses/%s" % sid, rose, body={"status": "better words"}),
               200, "edit")
    assert "better words" in doc["content"] and doc["spoiler_text"] == "careful", doc
    assert doc["edited_at"] is not None and doc["edited_at"].endswith("Z") and \
        "." in doc["edited_at"], doc["edited_at"]
    again = want(call("GET", "/api/v1/statuses/%s" % sid), 200, "the post")
    assert again["edited_at"] == doc["edited_at"]
    hist = want(call("GET", "/api/v1/statuses/%s/history" % sid, rose), 200, "history")
    assert ["first words" in h["content"] for h in hist] == [True, False], hist
    assert all(h["account"]["acct"] == "rose" and h["spoiler_text"] == "careful"
               for h in hist), hist
    for who in (lily, None):
        r = call("GET", "/api/v1/statuses/%s/history" % sid, who)
        hist = want(r, 200, "someone else's view of the history")
        assert len(hist) == 1 and "better words" in hist[0]["content"], hist
        assert b"first words" not in r.body
    src = want(call("GET", "/api/v1/statuses/%s/source" % sid, rose), 200, "source")
    assert src == {"id": sid, "text": "better words", "spoiler_text": "careful"}, src
    error_of(call("GET", "/api/v1/statuses/%s/source" % sid, lily), 403, "another's source")
    error_of(call("GET", "/api/v1/statuses/%s/source" % sid), 401, "a visitor's source")
    # a followers-only post does not exist for a stranger: 404, nothing written
    hidden = post(rose, "for followers", visibility="private")
    error_of(call("PUT", "/api/v1/statuses/%s" % hidden["id"], lily, body={"status": "x"}), 404,
             "a post one can't see")
    error_of(call("GET", "/api/v1/statuses/%s/history" % hidden["id"], lily), 404,
             "the history of a post one can't see")
    error_of(call("PUT", "/api/v1/statuses/99999999999", rose, body={"status": "x"}), 404,
             "an unknown post")
    error_of(call("PUT", "/api/v1/statuses/nonsense", rose, body={"status": "x"}), 404,
             "a malformed id")
    # the visibility never changes through an edit
    doc = want(call("PUT", "/api/v1/statuses/%s" % hidden["id"], rose,
                    form={"status": "still for followers", "visibility": "public"}), 200,
               "form edit")
    assert doc["visibility"] == "private"
    assert inst.scalar("SELECT visibility FROM statuses WHERE id = %s" % hidden["id"]) == \
        "private"


@test
def test_edit_hostile_input():
    """malformed JSON, wrong types, text past the limit, other images, no token or a read-only
    token: a precise 4xx JSON error each, and the post unchanged"""
    rose = token("rose")
    sid = post(rose, "stay as I am")["id"]
    snap = "SELECT text, spoiler_text, sensitive, edited_at FROM statuses WHERE id = %s" % sid
    before = inst.psql(snap)
    path = "/api/v1/statuses/%s" % sid
    error_of(call("PUT", path, rose, body=b'{"status": "x"'), 400, "malformed JSON")
    error_of(call("PUT", path, rose, body=b'["status"]'), 400, "a JSON array")
    error_of(call("PUT", path, rose, body={"status": 5}), 422, "a number", "status")
    error_of(call("PUT", path, rose, body={"sensitive": "perhaps"}), 422, "a bad boolean",
             "sensitive")
    error_of(call("PUT", path, rose, body={"spoiler_text": ["a"]}), 422, "a list",
             "spoiler_text")
    error_of(call("PUT", path, rose, body={"status": "x" * 6000}), 422, "past the limit")
    error_of(call("PUT", path, rose, body={"status": ""}), 422, "empty")
    error_of(call("PUT", path, rose, body={"status": "new", "media_ids": ["12345"]}), 422,
             "images the post doesn't have")
    error_of(call("PUT", path, body={"status": "new"}), 401, "no token")
    error_of(call("PUT", path, token("rose", scope="read"), body={"status": "new"}), 403,
             "a read-only token")
    error_of(call("PUT", path, rose, body=json.dumps({"status": "é" * 70000})), 422,
             "oversize text")
    error_of(call("PUT", path, rose, body=b'{"status": "a", "status": "b"}'), 400,
             "duplicate keys")
    error_of(oversize("PUT", path, rose), 413, "an oversize body")
    assert inst.psql(snap) == before
    assert count("SELECT count(*) FROM status_edits WHERE status_id = %s" % sid) == 0


@test
def test_edit_keeps_images():
    """a post with an image (from the web's form): an edit that sends its media_ids back
    keeps it, and every version in the history shows it"""
    web = harness.member(inst, "lily", create=False)
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures",
                           "images", "photo.jpg"), "rb") as f:
        jpg = f.read()
    r = web.post_multipart("/statuses", {"text": "with a picture", "alt1": "a lamp"},
                           [("image1", "photo.jpg", "image/jpeg", jpg)])
    assert r.status == 303, r
    sid = harness.last_status_id(inst, "lily")
    lily = token("lily")
    media = want(call("GET", "/api/v1/statuses/%s" % sid, lily), 200, "")["media_attachments"]
    assert len(media) == 1, media
    doc = want(call("PUT", "/api/v1/statuses/%s" % sid, lily, form={
        "status": "with a picture, edited", "media_ids[]": [media[0]["id"]]}), 200, "edit")
    assert [m["id"] for m in doc["media_attachments"]] == [media[0]["id"]], doc
    hist = want(call("GET", "/api/v1/statuses/%s/history" % sid, lily), 200, "history")
    assert len(hist) == 2 and all([m["id"] for m in h["media_attachments"]] == [media[0]["id"]]
                                  for h in hist), hist
    assert hist[0]["media_attachments"][0]["description"] == "a lamp"


@test
def test_mastodonpy_edit():
    """Mastodon.py status_update, status_history and status_source"""
    api = mastodon("iris")
    st = api.status_post("iris writes", spoiler_text="cw")
    up = api.status_update(st["id"], status="iris rewrites", spoiler_text="cw",
                           sensitive=True)
    assert "iris rewrites" in up["content"] and up["sensitive"] is True and up["edited_at"]
    hist = api.status_history(st["id"])
    assert len(hist) == 2 and "iris writes" in hist[0]["content"] and \
        "iris rewrites" in hist[1]["content"], hist
    assert api.status_source(st["id"])["text"] == "iris rewrites"
    assert inst.scalar("SELECT text FROM statuses WHERE id = %d" % st["id"]) == "iris rewrites"


# --- who liked, who boosted -----------------------------------------------------------------------

@test
def test_favourited_and_reblogged_by():
    """favourited_by and reblogged_by: a followers-only post's likes are not a stranger's or a
    visitor's to read (404), pages with a Link header, accounts a block stands between left
    out"""
    fern, lily, iris, ana = token("fern"), token("lily"), token("iris"), token("ana")
    want(call("POST", "/api/v1/accounts/%s/follow" % acct_id("fern"), lily), 200, "lily follows")
    private = post(fern, "only for my followers", visibility="private")
    want(call("POST", "/api/v1/statuses/%s/favourite" % private["id"], lily), 200, "like")
    path = "/api/v1/statuses/%s/favourited_by" % private["id"]
    got = want(call("GET", path, lily), 200, "a follower")
    assert [a["acct"] for a in got] == ["lily"], got
    error_of(call("GET", path, iris), 404, "a stranger")
    error_of(call("GET", path), 404, "a visitor")
    error_of(call("GET", "/api/v1/statuses/%s/reblogged_by" % private["id"], iris), 404,
             "a stranger's boosts list")
    public = post(fern, "for everyone")
    for who in (lily, iris, ana):
        want(call("POST", "/api/v1/statuses/%s/favourite" % public["id"], who), 200, "like")
        want(call("POST", "/api/v1/statuses/%s/reblog" % public["id"], who), 200, "boost")
    for kind in ("favourited_by", "reblogged_by"):
        path = "/api/v1/statuses/%s/%s" % (public["id"], kind)
        got = want(call("GET", path), 200, kind)
        assert [a["acct"] for a in got] == ["ana", "iris", "lily"], got
        r = call("GET", path + "?limit=2")
        first = want(r, 200, "first page")
        link = r.header("Link", "")
        assert link.startswith("<") and 'rel="next"' in link.split(",")[0], link
        rest = want(call("GET", link_path(r, "next")), 200, "next page")
        assert [a["acct"] for a in first + rest] == ["ana", "iris", "lily"], (first, rest)
    # fern blocks iris: iris is not in fern's view of her likes, nor fern's post in iris's
    want(call("POST", "/api/v1/accounts/%s/block" % acct_id("iris"), fern), 200, "block")
    got = want(call("GET", "/api/v1/statuses/%s/favourited_by" % public["id"], fern), 200, "")
    assert [a["acct"] for a in got] == ["ana", "lily"], got
    error_of(call("GET", "/api/v1/statuses/%s/favourited_by" % public["id"], iris), 404,
             "the blocked")
    # ana blocks lily: lily doesn't see ana among those who liked it (the other direction)
    want(call("POST", "/api/v1/accounts/%s/block" % acct_id("lily"), ana), 200, "ana blocks")
    got = want(call("GET", "/api/v1/statuses/%s/reblogged_by" % public["id"], lily), 200, "")
    assert [a["acct"] for a in got] == ["iris", "lily"], got
    want(call("POST", "/api/v1/accounts/%s/unblock" % acct_id("lily"), ana), 200, "unblock")
    error_of(call("GET", "/api/v1/statuses/99999999999/favourited_by"), 404, "unknown post")
    error_of(call("GET", "/api/v1/statuses/%s/favourited_by?limit=x" % public["id"]), 422,
             "a bad limit")


# --- account lists --------------------------------------------------------------------------------

@test
def test_followers_and_following():
    """followers and following, paged, of a member who shows them; one who hides them (the
    default) shows them to herself only (an empty list to anyone else, as on the web and on
    Mastodon); Mastodon.py's account_followers"""
    moe = token("moe")
    moe_id = acct_id("moe")
    inst.psql("UPDATE accounts SET hide_collections = false WHERE username = 'moe'")
    for name in ("nia", "oli", "ben"):
        want(call("POST", "/api/v1/accounts/%s/follow" % moe_id, token(name)), 200, "follow")
    want(call("POST", "/api/v1/accounts/%s/follow" % acct_id("rose"), moe), 200, "moe follows")
    got = want(call("GET", "/api/v1/accounts/%s/followers" % moe_id), 200, "followers")
    assert [a["acct"] for a in got] == ["ben", "oli", "nia"], got
    r = call("GET", "/api/v1/accounts/%s/followers?limit=1" % moe_id)
    assert [a["acct"] for a in want(r, 200, "page")] == ["ben"]
    assert 'rel="next"' in r.header("Link", "").split(",")[0], r.headers
    r = call("GET", link_path(r, "next"))
    assert [a["acct"] for a in want(r, 200, "the next page")] == ["oli"]
    r = call("GET", link_path(r, "prev"))
    assert [a["acct"] for a in want(r, 200, "back (min_id)")] == ["ben"]
    got = want(call("GET", "/api/v1/accounts/%s/following" % moe_id), 200, "following")
    assert [a["acct"] for a in got] == ["rose"], got
    api = mastodon("nia")
    assert [a["acct"] for a in api.account_followers(int(moe_id))] == ["ben", "oli", "nia"]
    inst.psql("UPDATE accounts SET hide_collections = true WHERE username = 'moe'")
    for who in (None, token("nia")):
        for kind in ("followers", "following"):
            assert want(call("GET", "/api/v1/accounts/%s/%s" % (moe_id, kind), who), 200,
                        "hidden") == []
    # the web says the same
    page = harness.member(inst, "nia", create=False).get("/@moe/followers")
    assert "@oli" not in page.text
    assert len(want(call("GET", "/api/v1/accounts/%s/followers" % moe_id, moe), 200,
                    "her own")) == 3
    error_of(call("GET", "/api/v1/accounts/99999999999/followers"), 404, "unknown account")


@test
def test_follow_requests():
    """a locked member lists follow requests, authorizes one (a follow now) and rejects
    another (gone, no follow); unknown requests are 404; Mastodon.py follow_requests"""
    inst.psql("UPDATE accounts SET locked = true WHERE username = 'kit'")
    kit = token("kit")
    kit_id = acct_id("kit")
    for name in ("ana", "ben", "oli"):
        rel = want(call("POST", "/api/v1/accounts/%s/follow" % kit_id, token(name)), 200, "")
        assert rel["requested"] is True, rel
    got = want(call("GET", "/api/v1/follow_requests", kit), 200, "requests")
    assert [a["acct"] for a in got] == ["oli", "ben", "ana"], got
    rel = want(call("POST", "/api/v1/follow_requests/%s/authorize" % acct_id("ana"), kit), 200,
               "authorize")
    assert rel["followed_by"] is True and rel["id"] == acct_id("ana"), rel
    rel = want(call("POST", "/api/v1/follow_requests/%s/reject" % acct_id("ben"), kit), 200,
               "reject")
    assert rel["followed_by"] is False, rel
    assert count("SELECT count(*) FROM follows WHERE target_account_id = %s" % kit_id) == 1
    assert count("SELECT count(*) FROM follow_requests WHERE target_account_id = %s"
                 % kit_id) == 1
    # a request nobody made, another member's, a malformed id: 404, nothing written
    error_of(call("POST", "/api/v1/follow_requests/%s/authorize" % acct_id("ben"), kit), 404,
             "a rejected request")
    error_of(call("POST", "/api/v1/follow_requests/%s/authorize" % acct_id("oli"),
                  token("rose")), 404, "a request to someone else")
    error_of(call("POST", "/api/v1/follow_requests/x/authorize", kit), 404, "malformed")
    error_of(call("POST", "/api/v1/follow_requests/%s/authorize" % acct_id("oli"),
                  token("kit", scope="read")), 403, "a read-only token")
    assert count("SELECT count(*) FROM follows WHERE target_account_id = %s" % kit_id) == 1
    api = mastodon("kit")
    assert [a["acct"] for a in api.follow_requests()] == ["oli"]
    api.follow_request_authorize(int(acct_id("oli")))
    assert api.follow_requests() == []
    assert count("SELECT count(*) FROM follows WHERE target_account_id = %s" % kit_id) == 2
    inst.psql("UPDATE accounts SET locked = false WHERE username = 'kit'")


@test
def test_blocks_and_mutes_lists():
    """the member's own blocks and mutes, newest first, and the scopes they need"""
    ana = token("ana")
    for path, who in (("block", "rose"), ("block", "lily"), ("mute", "iris")):
        want(call("POST", "/api/v1/accounts/%s/%s" % (acct_id(who), path), ana), 200, path)
    got = want(call("GET", "/api/v1/blocks", ana), 200, "blocks")
    assert [a["acct"] for a in got] == ["lily", "rose"], got
    got = want(call("GET", "/api/v1/mutes", ana), 200, "mutes")
    assert [a["acct"] for a in got] == ["iris"], got
    error_of(call("GET", "/api/v1/blocks"), 401, "a visitor")
    error_of(call("GET", "/api/v1/blocks", token("ana", scope="read:mutes")), 403,
             "without read:blocks")
    for who in ("rose", "lily"):
        want(call("POST", "/api/v1/accounts/%s/unblock" % acct_id(who), ana), 200, "unblock")
    want(call("POST", "/api/v1/accounts/%s/unmute" % acct_id("iris"), ana), 200, "unmute")


# --- notifications --------------------------------------------------------------------------------

@test
def test_notification_get_dismiss_clear():
    """one notification by id (only one's own), account_id filter, dismiss (only one's own:
    another's is 404 and stays), clear (only one's own); Mastodon.py's dismiss and clear"""
    nia, oli, ben = token("nia"), token("oli"), token("ben")
    st = post(nia, "notice this")
    want(call("POST", "/api/v1/statuses/%s/favourite" % st["id"], oli), 200, "oli likes")
    want(call("POST", "/api/v1/statuses/%s/favourite" % st["id"], ben), 200, "ben likes")
    post(ben, "@nia hello")
    got = want(call("GET", "/api/v1/notifications", nia), 200, "list")
    assert [(n["type"], n["account"]["acct"]) for n in got][:3] == \
        [("mention", "ben"), ("favourite", "ben"), ("favourite", "oli")], got
    got_from = want(call("GET", "/api/v1/notifications?account_id=%s" % acct_id("ben"), nia),
                    200, "account_id")
    assert {n["account"]["acct"] for n in got_from} == {"ben"} and len(got_from) == 2, got_from
    one = want(call("GET", "/api/v1/notifications/%s" % got[2]["id"], nia), 200, "one")
    assert one["id"] == got[2]["id"] and one["type"] == "favourite" and \
        one["status"]["id"] == st["id"], one
    error_of(call("GET", "/api/v1/notifications/%s" % got[2]["id"], oli), 404, "another's")
    error_of(call("GET", "/api/v1/notifications/99999999999", nia), 404, "unknown")
    error_of(call("POST", "/api/v1/notifications/%s/dismiss" % got[2]["id"], oli), 404,
             "dismissing another's")
    error_of(call("POST", "/api/v1/notifications/%s/dismiss" % got[2]["id"],
                  token("nia", scope="read")), 403, "a read-only token")
    assert count("SELECT count(*) FROM notifications WHERE id = %s" % got[2]["id"]) == 1
    assert want(call("POST", "/api/v1/notifications/%s/dismiss" % got[2]["id"], nia), 200,
                "dismiss") == {}
    assert count("SELECT count(*) FROM notifications WHERE id = %s" % got[2]["id"]) == 0
    error_of(call("GET", "/api/v1/notifications/%s" % got[2]["id"], nia), 404, "dismissed")
    oli_before = count("SELECT count(*) FROM notifications WHERE account_id = %s"
                       % acct_id("oli"))
    post(nia, "@oli hi back")
    assert want(call("POST", "/api/v1/notifications/clear", nia), 200, "clear") == {}
    assert want(call("GET", "/api/v1/notifications", nia), 200, "cleared") == []
    assert count("SELECT count(*) FROM notifications WHERE account_id = %s"
                 % acct_id("oli")) == oli_before + 1
    api = mastodon("oli")
    notes = api.notifications()
    assert notes and notes[0]["type"] == "mention", notes
    api.notifications_dismiss(notes[0]["id"])
    assert count("SELECT count(*) FROM notifications WHERE id = %d" % notes[0]["id"]) == 0
    api.notifications_clear()
    assert api.notifications() == []


# --- markers --------------------------------------------------------------------------------------

@test
def test_markers():
    """markers: set by form (Mastodon.py) and JSON (web clients), the version counts up, GET
    with and without timeline[]; hostile input writes nothing; deleted with the account"""
    ana = token("ana")
    assert want(call("GET", "/api/v1/markers", ana), 200, "none yet") == {}
    doc = want(call("POST", "/api/v1/markers", ana, form={"home[last_read_id]": "1234"}), 200,
               "form")
    assert doc["home"]["last_read_id"] == "1234" and doc["home"]["version"] == 0 and \
        doc["home"]["updated_at"].endswith("Z"), doc
    doc = want(call("POST", "/api/v1/markers", ana, body={
        "home": {"last_read_id": "1240"}, "notifications": {"last_read_id": 77}}), 200, "JSON")
    assert doc["home"]["last_read_id"] == "1240" and doc["home"]["version"] == 1 and \
        doc["notifications"] == dict(doc["notifications"], last_read_id="77", version=0), doc
    got = want(call("GET", "/api/v1/markers?timeline[]=notifications", ana), 200, "one")
    assert list(got) == ["notifications"], got
    assert set(want(call("GET", "/api/v1/markers", ana), 200, "all")) == \
        {"home", "notifications"}
    snap = "SELECT timeline, last_read_id, version FROM markers ORDER BY 1, 2"
    before = inst.psql(snap)
    for what, kw, status in (
            ("malformed JSON", dict(body=b'{"home": '), 400),
            ("a string for the object", dict(body={"home": "1"}), 422),
            ("a boolean id", dict(body={"home": {"last_read_id": True}}), 422),
            ("a negative id", dict(body={"home": {"last_read_id": -4}}), 422),
            ("a word for an id", dict(form={"home[last_read_id]": "latest"}), 422),
            ("nothing to set", dict(form={"other[last_read_id]": "5"}), 422),
            ("one good, one bad", dict(body={"home": {"last_read_id": "9"},
                                             "notifications": {"last_read_id": "x"}}), 422)):
        error_of(call("POST", "/api/v1/markers", ana, **kw), status, what)
    error_of(oversize("POST", "/api/v1/markers", ana), 413, "an oversize body")
    error_of(call("POST", "/api/v1/markers", form={"home[last_read_id]": "5"}), 401, "no token")
    error_of(call("POST", "/api/v1/markers", token("ana", scope="read"),
                  form={"home[last_read_id]": "5"}), 403, "a read-only token")
    assert inst.psql(snap) == before
    api = mastodon("ben")
    api.markers_set(["home", "notifications"], [4321, 99])
    got = api.markers_get(["home", "notifications"])
    assert got["home"]["last_read_id"] == 4321 and got["notifications"]["last_read_id"] == 99, got
    # deleting the account deletes its markers
    harness.create_account(inst, "gone")
    gone = token("gone")
    want(call("POST", "/api/v1/markers", gone, form={"home[last_read_id]": "1"}), 200, "")
    web = harness.member(inst, "gone", create=False)
    r = web.post("/settings/delete", {"password": PASSWORD})
    assert r.status in (200, 303), r
    assert count("SELECT count(*) FROM markers m JOIN accounts a ON a.id = m.account_id"
                 " WHERE a.username = 'gone'") == 0


# --- registration ---------------------------------------------------------------------------------

def register(tok, src, **fields):
    form = dict(username=fields.pop("username", "newbie"), password=PASSWORD, agreement="true",
                locale="en", email="never@kept.example")
    form.update(fields)
    return call("POST", "/api/v1/accounts", tok, form=form, src=src)


def accounts():
    return count("SELECT count(*) FROM accounts")


def invite_code(*args):
    p = inst.cli("admin", "invite", *args)
    assert p.returncode == 0, harness.describe(p)
    return urllib.parse.parse_qs(urllib.parse.urlsplit(p.stdout.strip()).query)["invite"][0]


@test
def test_registration_by_invite():
    """in the default mode (invite) an app's token registers only with a usable invite code:
    none, a wrong one or a used one is a 422 and writes nothing; a good one answers a token
    that works at once; the email an app sends is never kept; the recovery codes come at the
    first sign-in on the website"""
    set_mode("invite")
    src = source()
    tok = app_token("read write")
    n = accounts()
    error_of(register(tok, src), 422, "no invite", "invitation")
    error_of(register(tok, src, invite_code="not-a-real-code-at-all"), 422, "a wrong code")
    code = invite_code("--uses", "1")
    error_of(register(tok, src, invite_code=code, agreement="false"), 422, "no agreement",
             "agreement")
    error_of(register(tok, src, invite_code=code, username="rose"), 422, "a taken name", "taken")
    assert accounts() == n
    doc = want(register(tok, src, invite_code=code, username="invited", locale="zh-Hans"), 200,
               "a good code")
    assert doc["token_type"] == "Bearer" and doc["scope"] == "read write" and \
        doc.get("refresh_token"), doc
    me = want(call("GET", "/api/v1/accounts/verify_credentials", doc["access_token"]), 200,
              "the new token")
    assert me["acct"] == "invited"
    assert inst.scalar("SELECT language FROM accounts WHERE username = 'invited'") == "zh-CN"
    assert accounts() == n + 1
    error_of(register(tok, src, invite_code=code, username="second"), 422, "a used code")
    assert accounts() == n + 1
    assert "never@kept.example" not in inst.cluster.dump_data(inst.dbname)
    # the recovery codes nobody saw yet are shown at the first sign-in on the website
    web = harness.WebClient(inst.port)
    r = web.login("invited", PASSWORD)
    assert r.status == 303 and harness.location_path(r).startswith("/recovery-codes"), \
        r.header("Location")


@test
def test_registration_tokens_and_input():
    """registration needs an app's own token with write:accounts: none is 401, a member's is
    403, a read-only app token 403; wrong types are 422; nothing written"""
    set_mode("open")
    src = source()
    n = accounts()
    error_of(register(None, src), 401, "no token")
    error_of(register(token("rose"), src), 403, "a member's token")
    error_of(register(app_token("read"), src), 403, "a read-only app token")
    tok = app_token("read write")
    error_of(call("POST", "/api/v1/accounts", tok, body={"username": 5, "password": PASSWORD,
                                                         "agreement": True}, src=src),
             422, "a number for a name", "username")
    error_of(call("POST", "/api/v1/accounts", tok, body=b'{"username": "x",', src=src), 400,
             "malformed JSON")
    error_of(call("POST", "/api/v1/accounts", tok, body={"username": "x" * 300,
                                                         "password": PASSWORD,
                                                         "agreement": True}, src=src),
             422, "a long name")
    error_of(register(tok, src, username="bad name!"), 422, "a bad name")
    error_of(oversize("POST", "/api/v1/accounts", tok), 413, "an oversize body")
    error_of(call("POST", "/api/v1/accounts", tok, body=b'{"username": "a", "username": "b"}',
                  src=src), 400, "duplicate keys")
    error_of(register(tok, src, password="short"), 422, "a short password")
    error_of(call("POST", "/api/v1/accounts", tok, form={"username": "nopass",
                                                         "agreement": "1"}, src=src),
             422, "no password")
    assert accounts() == n
    set_mode("invite")


@test
def test_registration_by_approval_and_open():
    """approval mode: a reason is needed; the applicant's token is refused until a moderator
    approves, then works; open mode with the real Mastodon.py create_account"""
    set_mode("approval")
    src = source()
    tok = app_token("read write")
    n = accounts()
    error_of(register(tok, src, username="applicant"), 422, "no reason")
    assert accounts() == n
    doc = want(register(tok, src, username="applicant", reason="I work with the collective"),
               200, "an application")
    assert count("SELECT count(*) FROM accounts WHERE username = 'applicant'"
                 " AND NOT approved") == 1
    error_of(call("GET", "/api/v1/accounts/verify_credentials", doc["access_token"]), 403,
             "a pending account")
    inst.psql("UPDATE accounts SET approved = true WHERE username = 'applicant'")
    me = want(call("GET", "/api/v1/accounts/verify_credentials", doc["access_token"]), 200,
              "approved")
    assert me["acct"] == "applicant"
    set_mode("open")
    from mastodon import Mastodon
    base = "http://127.0.0.1:%d" % inst.port
    cid, secret = Mastodon.create_app("signing up", api_base_url=base)
    api = Mastodon(client_id=cid, client_secret=secret, api_base_url=base)
    api.create_account("opened", PASSWORD, "ignored@example.invalid", agreement=True)
    assert api.account_verify_credentials()["acct"] == "opened"
    set_mode("invite")


@test
def test_registration_closed_in_a_lockdown():
    """during a lockdown registration is closed (403, as the web's sign-up is), whatever the
    mode, and nothing is written"""
    set_mode("open")
    tok = app_token("read write")
    harness.create_account(inst, "keeper", role="admin")
    root = harness.member(inst, "keeper", create=False)
    assert root.post("/admin/lockdown", {"lockdown": "on", "reason": ""}).status == 303
    try:
        n = accounts()
        error_of(register(tok, source(), username="locked"), 403, "in a lockdown", "locked down")
        error_of(register(None, source(), username="locked"), 401, "no token in a lockdown")
        assert accounts() == n
    finally:
        assert root.post("/admin/lockdown", {"lockdown": "off", "reason": ""}).status == 303
        set_mode("invite")
    want(register(tok, source(), username="unlocked", invite_code=invite_code()), 200, "after")


@test
def test_registration_limited_like_the_web():
    """guessed invite codes count against the client as on the web's sign-up: after 30,
    429 with Retry-After, even for a right code, and another client is not touched"""
    set_mode("invite")
    src = source()
    tok = app_token("read write")
    for i in range(30):
        error_of(register(tok, src, invite_code="guess-%d-xxxxxxxxxxxx" % i), 422, "a guess")
    code = invite_code()
    r = register(tok, src, invite_code=code, username="limited")
    error_of(r, 429, "past the limit")
    assert r.header("Retry-After"), r.headers
    want(register(tok, source(), invite_code=code, username="elsewhere"), 200, "another client")


@test
def test_apps_limited_per_client():
    """POST /api/v1/apps: 100 apps per client an hour, then 429 with Retry-After; another
    client is not touched"""
    src = source()
    n = count("SELECT count(*) FROM oauth_apps")
    for i in range(100):
        want(call("POST", "/api/v1/apps", form={"client_name": "app %d" % i,
                                                "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
                  src=src), 200, "app %d" % i)
    r = call("POST", "/api/v1/apps", form={"client_name": "one more",
                                           "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}, src=src)
    error_of(r, 429, "the 101st")
    assert r.header("Retry-After"), r.headers
    assert count("SELECT count(*) FROM oauth_apps") == n + 100
    want(call("POST", "/api/v1/apps", form={"client_name": "elsewhere",
                                            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
              src=source()), 200, "another client")


@test
def test_app_tokens_limited_per_client():
    """an app's own tokens (client_credentials, a row each) count with the registrations:
    one app and 99 tokens, then the 101st is 429 and stores no token"""
    src = source()
    app = want(call("POST", "/api/v1/apps", form={"client_name": "tokens",
                                                  "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
                    src=src), 200, "the app")
    grant = {"grant_type": "client_credentials", "client_id": app["client_id"],
             "client_secret": app["client_secret"], "scope": "read"}
    for i in range(99):
        want(call("POST", "/oauth/token", form=grant, src=src), 200, "token %d" % i)
    n = count("SELECT count(*) FROM oauth_tokens")
    r = call("POST", "/oauth/token", form=grant, src=src)
    error_of(r, 429, "the 101st")
    assert r.header("Retry-After"), r.headers
    assert count("SELECT count(*) FROM oauth_tokens") == n


# --- toot -----------------------------------------------------------------------------------------

def toot_cli(home, *args):
    """Runs the toot CLI (Debian's 0.34) with a private HOME; stdin answers its prompts."""
    import subprocess
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
               LANG="C.UTF-8", LC_ALL="C.UTF-8", NO_COLOR="1", TERM="dumb")
    p = subprocess.run(["toot"] + list(args), capture_output=True, text=True, env=env,
                       timeout=60, input=PASSWORD + "\n")
    assert p.returncode == 0, "toot %s: rc %d\n%s\n%s" % (" ".join(args), p.returncode,
                                                          p.stdout, p.stderr)
    return p.stdout


@test
def test_toot():
    """toot's own code: register_account (the client-credentials token, then
    POST /api/v1/accounts as JSON) in open mode, followers and following read to the end
    through the Link header, and the CLI's `toot notifications --clear`"""
    import tempfile
    from toot import App, User, api as toot_api
    set_mode("open")
    domain = "127.0.0.1:%d" % inst.port
    made = toot_api.create_app(domain, scheme="http")
    app_ = App(domain, "http://" + domain, made["client_id"], made["client_secret"])
    doc = toot_api.register_account(app_, "tooter", "tooter@example.invalid", PASSWORD)
    assert doc.get("access_token"), doc
    set_mode("invite")
    user = User(domain, "tooter", doc["access_token"])
    tooter_id = acct_id("tooter")
    inst.psql("UPDATE accounts SET hide_collections = false WHERE username = 'tooter'")
    names = ["fern", "iris", "lily", "nia", "oli", "ben", "ana", "kit"]
    for name in names:
        want(call("POST", "/api/v1/accounts/%s/follow" % tooter_id, token(name)), 200, name)
    # toot reads page after page (20 a page by default): force several with a small limit
    got = toot_api._get_response_list(app_, user, "/api/v1/accounts/%s/followers?limit=3"
                                      % tooter_id)
    assert sorted(a["acct"] for a in got) == sorted(names), got
    assert toot_api.following(app_, user, tooter_id) == []
    home = tempfile.mkdtemp(prefix="parasol-toot-")
    suite.add_cleanup(__import__("shutil").rmtree, home, True)
    toot_cli(home, "login_cli", "--disable-https", "-i", domain, "-e", "tooter")
    assert count("SELECT count(*) FROM notifications WHERE account_id = %s" % tooter_id) == 8
    toot_cli(home, "notifications", "--clear")
    assert count("SELECT count(*) FROM notifications WHERE account_id = %s" % tooter_id) == 0


# --- suspension -----------------------------------------------------------------------------------

@test
def test_suspended_member_apps():
    """a suspended member's apps reach what the web still shows them and no more: who they
    are and the moderators' notice (only it, of their notifications); the home timeline,
    posting, following, dismissing get 403 with a clear error and write nothing. The
    suspension ends the tokens the member had; signing in to an app again works, as signing
    in on the website does; lifting the suspension opens everything again"""
    harness.create_account(inst, "sus")
    harness.create_account(inst, "judge", role="admin")
    judge = harness.member(inst, "judge", create=False)
    assert judge.post("/admin/rules", {"title": "No outing", "text": ""}).status == 303
    rule = inst.scalar("SELECT id FROM rules ORDER BY position LIMIT 1")
    tok = token("sus")
    st = post(tok, "before the suspension")
    want(call("POST", "/api/v1/statuses/%s/favourite" % st["id"], token("lily")), 200, "like")
    r = judge.post("/admin/accounts/%s/act" % acct_id("sus"), [
        ("kind", "suspend"), ("reason", "Outing a colleague"), ("rule", rule),
        ("suspend_days", "0")])
    assert r.status == 303, r
    assert count("SELECT count(*) FROM accounts WHERE username = 'sus'"
                 " AND suspended_at IS NOT NULL") == 1
    # the suspension ended the token the member had (a thief's app dies with it)
    error_of(call("GET", "/api/v1/accounts/verify_credentials", tok), 401, "the old token")
    tok = token("sus")
    n = count("SELECT count(*) FROM statuses")
    follows = count("SELECT count(*) FROM follows")
    for method, path, body in (("GET", "/api/v1/timelines/home", None),
                               ("POST", "/api/v1/statuses", {"status": "after"}),
                               ("POST", "/api/v1/accounts/%s/follow" % acct_id("rose"), {}),
                               ("POST", "/api/v1/notifications/clear", {}),
                               ("GET", "/api/v1/accounts/%s" % acct_id("rose"), None)):
        doc = error_of(call(method, path, tok, body=body), 403, "%s %s" % (method, path))
        assert "suspended" in doc["error"] and "website" in doc["error"], doc
    assert count("SELECT count(*) FROM statuses") == n
    assert count("SELECT count(*) FROM follows") == follows
    me = want(call("GET", "/api/v1/accounts/verify_credentials", tok), 200, "who they are")
    assert me["acct"] == "sus"
    notes = want(call("GET", "/api/v1/notifications", tok), 200, "notifications")
    assert [n["type"] for n in notes] == ["moderation_warning"], notes
    assert "Outing a colleague" in notes[0]["moderation_warning"]["text"], notes
    assert count("SELECT count(*) FROM notifications n JOIN accounts a ON a.id = n.account_id"
                 " WHERE a.username = 'sus' AND n.type = 'favourite'") == 1
    like = inst.scalar("SELECT n.id FROM notifications n JOIN accounts a ON"
                       " a.id = n.account_id WHERE a.username = 'sus' AND n.type = 'favourite'")
    error_of(call("GET", "/api/v1/notifications/%s" % like, tok), 404, "a like's notification")
    want(call("GET", "/api/v1/notifications/%s" % notes[0]["id"], tok), 200, "the notice")
    # a new sign-in in an app reaches the same
    again = token("sus", scope="read")
    error_of(call("GET", "/api/v1/timelines/public", again), 403, "with a new token")
    # the web shows them the same: their moderation page
    assert harness.member(inst, "sus", create=False).get("/moderation/mine").status == 200
    inst.psql("UPDATE accounts SET suspended_at = NULL, purge_at = NULL WHERE username = 'sus'")
    want(call("GET", "/api/v1/timelines/home", tok), 200, "after the suspension")


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
