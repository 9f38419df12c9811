"""A member exports everything they own (Settings → Export my data, ap/archive.h).

Member ximena has a profile with a picture and a header, posts of every visibility (one with
two images and alt text, one edited after it was posted, a direct message to bob), follows
both ways with a local member (bob) and with accounts on a fake peer (hal she follows, fay
follows her), a mute, blocks of a local and a remote account, bookmarks of a local and a
remote post. Her archive is compared with the database: every post and every media file
(byte for byte against the media directory), the JSON documents parse, and the CSV files
parse with Python's csv module with Mastodon's headers. Bob's export holds nothing of hers
but her handle; hers holds nothing bob wrote. Visitors are sent to sign in, a wrong password
is a 403 without an archive, and a member with two-factor needs a code. Then an account of
10,000 posts is exported and the time and the server's memory are reported.

The server's TOTP clock is injected (PARASOL_TEST_CLOCK_FILE), as in test_two_factor."""

import base64
import csv
import hashlib
import hmac
import io
import json
import os
import re
import struct
import sys
import time
import urllib.parse
import uuid
import zipfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("export")
harness.PER_TEST_TIMEOUT = 600
test = suite.test
A = harness.peer_instance(suite, "export", page_cache_seconds="0")
PASSWORD = harness.PASSWORD
WAIT = 30
NAME = "ximena"
CLOCK = {"path": None, "now": 1800000015}
WORDS = {"public": "publicword_e4k1", "unlisted": "unlistedword_r7d2",
         "private": "privateword_u1q8", "members": "memberword_b6n3",
         "direct": "directword_z2x7", "old": "oldword_t5m9", "new": "newword_j8c4",
         "alt": "altword_f3w6", "bio": "bioword_n9h2"}
BOB_WORDS = ["bobword_a1s5", "bobsecret_k7p3"]
FOLLOWING_HEADER = ["Account address", "Show boosts", "Notify on new posts", "Languages"]
MUTED_HEADER = ["Account address", "Hide notifications"]
state = {}
c = {}


def set_clock(t):
    CLOCK["now"] = t
    with open(CLOCK["path"], "w") as f:
        f.write("%d\n" % t)


def totp(secret, offset=0):
    s = CLOCK["now"] // 30 + offset
    mac = hmac.new(secret, struct.pack(">Q", s), hashlib.sha1).digest()
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7fffffff) % 1000000)


def q(s):
    return s.replace("'", "''")


def base():
    return harness.instance_base(A)


def domain():
    return harness.instance_domain(A)


def local_id(name):
    return A.scalar("SELECT id FROM accounts WHERE domain IS NULL AND username = '%s'" % name)


def remote_id(actor):
    rows = A.psql("SELECT id FROM accounts WHERE uri = '%s'" % q(actor.uri))
    return rows[0][0] if rows else None


def count(sql):
    return int(A.scalar(sql))


def ok(r, what, want=303):
    harness.assert_status(r, want, what)
    return r


def send(actor, activity, path):
    harness.assert_status(actor.post(A.port, path, activity), 202,
                          "%s from %s" % (activity["type"], actor.name))


def post(client, text, **fields):
    ok(harness.publish(client, text, **fields), "posting %r" % text)
    return harness.wait_for(lambda: A.psql(
        "SELECT id FROM statuses WHERE text LIKE '%%%s%%' ORDER BY id DESC LIMIT 1" % q(text)),
        5, what="the post %r" % text)[0][0]


def fixture(name):
    with open(os.path.join(harness.SRCDIR, "tests", "fixtures", "images", name), "rb") as f:
        return f.read()


def media_dir():
    return os.path.join(A.data_dir, "media")


def export(client, password=PASSWORD, **extra):
    return client.post("/settings/export", dict({"password": password}, **extra))


def archive(r, what):
    harness.assert_status(r, 200, what)
    assert r.header("Content-Type") == "application/zip", r.header("Content-Type")
    assert r.header("Content-Disposition", "").startswith("attachment;"), r.headers
    assert r.header("Content-Encoding") is None, "a zip is sent as it is"
    z = zipfile.ZipFile(io.BytesIO(r.body))
    assert z.testzip() is None, "a damaged entry in the archive"
    return z


def error_text(r):
    m = re.search(r'<p class="error" role="alert"[^>]*>(.*?)</p>', r.text, re.S)
    return m.group(1).strip() if m else ""


def search_and_act(client, acct, action):
    ok(client.get("/search?q=" + urllib.parse.quote("@" + acct)), "search " + acct, 200)
    page = client.get("/@" + acct)
    m = re.search(r'<form[^>]*action="([^"]*/%s)"' % action, page.text)
    assert m, "no %s button for %s" % (action, acct)
    ok(client.post(m.group(1).replace("&amp;", "&"), {"back": "/home"}), action + " " + acct)


def setup():
    A.setup()
    CLOCK["path"] = os.path.join(A.tmp, "clock")
    set_clock(CLOCK["now"])
    A.env = {"PARASOL_TEST_CLOCK_FILE": CLOCK["path"]}
    A.start_server()
    for name in (NAME, "bob", "carol", "tess"):
        c[name] = harness.member(A, name)
    c["root"] = harness.member(A, "root", role="admin")
    F = harness.FakePeer(suite)
    harness.allow_peer(A, F.domain)
    state.update(F=F, fay=F.add_actor("fay"), hal=F.add_actor("hal"), dan=F.add_actor("dan"))
    build_account()


def build_account():
    x, bob = c[NAME], c["bob"]
    F, hal, fay = state["F"], state["hal"], state["fay"]
    ok(x.post("/settings/profile", {"display_name": "Ximena X", "bio": WORDS["bio"]}),
       "profile")
    ok(x.post_multipart("/settings/images", {}, [
        ("avatar", "a.jpg", "image/jpeg", fixture("photo.jpg")),
        ("header", "h.gif", "image/gif", fixture("photo.gif"))]), "avatar and header")
    # posts of every visibility; one with two images; one edited
    ok(x.post_multipart("/statuses", {"text": WORDS["public"], "visibility": "public",
                                      "alt1": WORDS["alt"]},
                        [("image1", "p.jpg", "image/jpeg", fixture("photo.jpg")),
                         ("image2", "p.gif", "image/gif", fixture("photo.gif"))]),
       "image post")
    for vis in ("unlisted", "private", "members"):
        post(x, WORDS[vis], visibility=vis)
    post(x, "@bob " + WORDS["direct"], visibility="direct")
    state["edited"] = post(x, WORDS["old"], visibility="public")
    ok(x.post("/statuses/%s/edit" % state["edited"], {"text": WORDS["new"]}), "edit")
    # bob's posts: one she bookmarks, one direct to carol she never sees
    state["bobs"] = post(bob, BOB_WORDS[0])
    post(bob, "@carol " + BOB_WORDS[1], visibility="direct")
    ok(x.post("/statuses/%s/bookmark" % state["bobs"], {}), "bookmark bob's post")
    ok(x.post("/statuses/%s/reblog" % state["bobs"], {}), "boost bob's post")
    # follows both ways, local and remote
    ok(x.post("/@bob/follow", {}), "follow bob")
    ok(bob.post("/@%s/follow" % NAME, {}), "bob follows")
    send(fay, {"@context": "https://www.w3.org/ns/activitystreams",
               "id": "%s#follows/%s" % (fay.uri, uuid.uuid4().hex), "type": "Follow",
               "actor": fay.uri, "object": "%s/users/%s" % (base(), NAME)},
         "/users/%s/inbox" % NAME)
    harness.wait_for(lambda: remote_id(fay) and count(
        "SELECT count(*) FROM follows WHERE account_id = %s AND target_account_id = %s"
        % (remote_id(fay), local_id(NAME))) == 1, WAIT, what="fay to follow")
    search_and_act(x, "hal@%s" % F.domain, "follow")
    follow = harness.wait_for(lambda: [a for a in F.activities("Follow")
                                       if a.get("object") == hal.uri], WAIT,
                              what="the Follow at hal")[0]
    send(hal, {"@context": "https://www.w3.org/ns/activitystreams",
               "id": "%s#accepts/%s" % (hal.uri, uuid.uuid4().hex), "type": "Accept",
               "actor": hal.uri, "object": follow}, "/users/%s/inbox" % NAME)
    harness.wait_for(lambda: count(
        "SELECT count(*) FROM follows WHERE account_id = %s AND target_account_id = %s"
        % (local_id(NAME), remote_id(hal))) == 1, WAIT, what="the follow of hal")
    # a remote post she bookmarks
    note = "%s/notes/%s" % (hal.uri, uuid.uuid4().hex)
    send(hal, {"@context": "https://www.w3.org/ns/activitystreams", "id": note + "/activity",
               "type": "Create", "actor": hal.uri,
               "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [],
               "object": {"id": note, "type": "Note", "attributedTo": hal.uri,
                          "content": "<p>a note by hal</p>",
                          "published": "2026-01-01T00:00:00Z",
                          "to": ["https://www.w3.org/ns/activitystreams#Public"]}},
         "/users/%s/inbox" % NAME)
    hal_post = harness.wait_for(lambda: A.psql(
        "SELECT id FROM statuses WHERE uri = '%s'" % q(note)), WAIT, what="hal's note")[0][0]
    ok(x.post("/statuses/%s/bookmark" % hal_post, {}), "bookmark hal's post")
    state["hal_note"] = note
    # a mute, a local block and a remote one
    ok(x.post("/@carol/mute", {}), "mute carol")
    ok(x.post("/@root/block", {}), "block root")
    search_and_act(x, "dan@%s" % F.domain, "block")
    state["id"] = local_id(NAME)


@test
def test_page_and_who_may_export():
    """Settings links the page, which asks for the password (translated); a visitor is sent
    to sign in for the page and the download; a wrong password is a 403 with the form again,
    no archive; a stale CSRF token is refused"""
    x = c[NAME]
    assert 'href="/settings/export"' in x.get("/settings").text
    page = x.get("/settings/export")
    harness.assert_status(page, 200, "the export page")
    assert 'name="password"' in page.text and 'action="/settings/export"' in page.text
    assert 'name="code"' not in page.text, "no code field without two-factor"
    zh = harness.member(A, NAME, lang="zh-CN", create=False)
    text = zh.get("/settings/export").text
    assert "导出" in text, "the page is not translated"
    anon = harness.WebClient(A.port)
    for r in (anon.get("/settings/export"), export(anon)):
        harness.assert_status(r, 303, "a visitor")
        assert harness.location_path(r).startswith("/login"), r.header("Location")
    r = export(x, "not the password")
    harness.assert_status(r, 403, "a wrong password")
    assert r.header("Content-Type", "").startswith("text/html"), r.header("Content-Type")
    assert error_text(r), "no error next to the form"
    r = x.post("/settings/export", {"password": PASSWORD}, csrf="x" * 43)
    assert r.status == 403 and "PK" not in r.text[:2], r.status


def files_of(z):
    return {n: z.read(n) for n in z.namelist()}


@test
def test_archive_holds_every_post_and_file():
    """her archive: actor.json, every post of hers (all visibilities, the edit's current
    text, no boost) as a Create in outbox.json, every media file byte for byte, the lists as
    collections"""
    z = archive(export(c[NAME]), "her export")
    state["files"] = files_of(z)
    names = set(z.namelist())
    for n in ("actor.json", "outbox.json", "following.json", "followers.json",
              "bookmarks.json", "following_accounts.csv", "blocked_accounts.csv",
              "muted_accounts.csv", "bookmarks.csv"):
        assert n in names, "%s missing from %s" % (n, sorted(names))
    actor = json.loads(z.read("actor.json"))
    assert actor["id"] == "%s/users/%s" % (base(), NAME), actor["id"]
    assert actor["type"] == "Person" and WORDS["bio"] in actor["summary"]
    outbox = json.loads(z.read("outbox.json"))
    assert outbox["type"] == "OrderedCollection"
    items = outbox["orderedItems"]
    assert outbox["totalItems"] == len(items)
    ids = [r[0] for r in A.psql("SELECT id FROM statuses WHERE account_id = %s"
                                " AND reblog_of_id IS NULL ORDER BY id DESC" % state["id"])]
    assert len(ids) == 6, ids  # public (two images), unlisted, private, members, direct, edited
    want = ["%s/users/%s/statuses/%s" % (base(), NAME, i) for i in ids]
    assert [a["object"]["id"] for a in items] == want, "posts missing or out of order"
    assert all(a["type"] == "Create" and a["actor"] == actor["id"] for a in items)
    text = json.dumps(items)
    for k in ("public", "unlisted", "private", "members", "direct", "new", "alt"):
        assert WORDS[k] in text, "%s missing from the outbox" % k
    assert WORDS["old"] not in text, "the edited post's old text is in the outbox"
    edited = [a["object"] for a in items if a["object"]["id"].endswith("/" + state["edited"])]
    assert "updated" in edited[0], edited
    # media: every file of hers, the same bytes as on disk, each named as in the documents
    rows = A.psql("SELECT file_name FROM media WHERE account_id = %s" % state["id"])
    assert len(rows) == 4, rows  # two attachments, the avatar and the header
    media = {n[len("media/"):] for n in names if n.startswith("media/")}
    assert media == {r[0] for r in rows}, (media, rows)
    for name in media:
        with open(os.path.join(media_dir(), name), "rb") as f:
            assert f.read() == z.read("media/" + name), "media/%s differs" % name
    urls = {d["url"].rsplit("/", 1)[1] for a in items for d in a["object"]["attachment"]}
    urls |= {actor[k]["url"].rsplit("/", 1)[1] for k in ("icon", "image")}
    assert urls == media, (urls, media)
    following = json.loads(z.read("following.json"))["orderedItems"]
    assert sorted(following) == sorted(["%s/users/bob" % base(), state["hal"].uri])
    followers = json.loads(z.read("followers.json"))["orderedItems"]
    assert sorted(followers) == sorted(["%s/users/bob" % base(), state["fay"].uri])
    bookmarks = json.loads(z.read("bookmarks.json"))["orderedItems"]
    assert sorted(bookmarks) == sorted(["%s/users/bob/statuses/%s" % (base(), state["bobs"]),
                                        state["hal_note"]])


def csv_rows(name):
    text = state["files"][name].decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


@test
def test_csv_files_are_mastodons():
    """the CSV files parse with Python's csv module, in Mastodon's columns: following with its
    header, blocks and bookmarks without one, mutes with its header"""
    F = state["F"]
    rows = csv_rows("following_accounts.csv")
    assert rows[0] == FOLLOWING_HEADER, rows[0]
    assert sorted(rows[1:]) == sorted([["bob@%s" % domain(), "true", "false", ""],
                                       ["hal@%s" % F.domain, "true", "false", ""]]), rows
    assert sorted(csv_rows("blocked_accounts.csv")) == sorted(
        [["root@%s" % domain()], ["dan@%s" % F.domain]])
    rows = csv_rows("muted_accounts.csv")
    assert rows == [MUTED_HEADER, ["carol@%s" % domain(), "true"]], rows
    assert sorted(csv_rows("bookmarks.csv")) == sorted(
        [["%s/users/bob/statuses/%s" % (base(), state["bobs"])], [state["hal_note"]]])


@test
def test_nothing_of_anyone_else():
    """nothing bob wrote is in her archive (his post she bookmarked is named by its URI
    only), and bob's archive holds none of her posts, only her handle in his lists"""
    blob = b"".join(state["files"].values())
    for w in BOB_WORDS:
        assert w.encode() not in blob, "bob's words in her archive"
    z = archive(export(c["bob"]), "bob's export")
    theirs = files_of(z)
    blob = b"".join(theirs.values())
    for k, w in WORDS.items():
        assert w.encode() not in blob, "her %s words in bob's archive" % k
    outbox = json.loads(theirs["outbox.json"])
    assert {a["actor"] for a in outbox["orderedItems"]} == {"%s/users/bob" % base()}
    assert len(outbox["orderedItems"]) == 2
    assert not [n for n in theirs if n.startswith("media/")], "bob has no images"


def enrol_two_factor(client):
    ok(client.post("/settings/two-factor/start", {"two_factor_password": PASSWORD}),
       "two-factor start")
    page = client.get("/settings/two-factor")
    m = re.search(r'<code class="secret" id="secret">([A-Z2-7 ]+)</code>', page.text)
    assert m, "no secret on the set-up page"
    b32 = m.group(1).replace(" ", "")
    secret = base64.b32decode(b32 + "=" * (-len(b32) % 8))
    ok(client.post("/settings/two-factor/enable", {"code": totp(secret)}), "two-factor on")
    set_clock((CLOCK["now"] // 30 + 1) * 30 + 15)  # the next step: that code is used
    return secret


@test
def test_two_factor_needs_a_code():
    """with two-factor on, the page asks for a code; the password alone or with a wrong code
    is a 403; the password and a right code give the archive"""
    t = c["tess"]
    secret = enrol_two_factor(t)
    assert 'name="code"' in t.get("/settings/export").text
    harness.assert_status(export(t), 403, "no code")
    harness.assert_status(export(t, code=totp(secret, 5)), 403, "a wrong code")
    harness.assert_status(export(t, "not the password", code=totp(secret)), 403,
                          "a wrong password with a right code")
    z = archive(export(t, code=totp(secret)), "password and code")
    assert "actor.json" in z.namelist()


def server_files():
    """What the server holds open under its data directory, and the directory's files."""
    held = []
    fd_dir = "/proc/%d/fd" % A.server.pid
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        if target.startswith(A.data_dir):
            held.append(target)
    files = []
    for root, _, names in os.walk(A.data_dir):
        files += [os.path.join(root, n) for n in names]
    return sorted(held), sorted(files)


@test
def test_nothing_left_behind():
    """the archive is written into a file with no name: while one is made nothing new
    appears in the data directory, and once it is sent the server holds no file of it"""
    # an earlier test's archive is let go once its answer has ended, which the server
    # learns a moment after the client has read it all
    harness.wait_for(lambda: not [f for f in server_files()[0] if "(deleted)" in f], 10,
                     what="the server to let go of the earlier archives")
    before = server_files()
    z = archive(export(c[NAME]), "her export again")
    assert "outbox.json" in z.namelist()
    harness.wait_for(lambda: server_files() == before, 10,
                     what="the server to let go of the archive")


@test
def test_missing_file_is_left_out():
    """an image whose file is gone from the disk (a crash between a delete and the sweep, a
    restored backup) is left out of the archive, which is still made; the log says so
    without naming the member"""
    sid = post_with_image(c["carol"], "carolword_q4v8")
    name = A.scalar("SELECT file_name FROM media WHERE status_id = %s" % sid)
    os.unlink(os.path.join(media_dir(), name))
    z = archive(export(c["carol"]), "carol's export without the file")
    assert "media/" + name not in z.namelist()
    outbox = json.loads(z.read("outbox.json"))
    assert "carolword_q4v8" in json.dumps(outbox), "the post itself is there"
    assert "a media file is missing" in A.server.log()
    assert "carol" not in [line for line in A.server.log().splitlines()
                           if "media file is missing" in line][0]


def post_with_image(client, text):
    ok(client.post_multipart("/statuses", {"text": text, "visibility": "public"},
                             [("image1", "p.jpg", "image/jpeg", fixture("photo.jpg"))]),
       "image post")
    return harness.wait_for(lambda: A.psql(
        "SELECT id FROM statuses WHERE text = '%s'" % q(text)), 5, what="the post")[0][0]


@test
def test_two_archives_at_once_then_503():
    """two archives are made at once, a third request meanwhile gets 503 with Retry-After
    before its password is looked at; once they are done, the next is made (the two are
    held by a lock on bookmarks, which the archive reads last: no timing involved)"""
    import subprocess
    import threading
    cl = A.cluster
    lock = subprocess.Popen(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"] +
                            cl._args(A.dbname), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    answers = {}
    waiting = []
    try:
        lock.stdin.write("BEGIN; LOCK TABLE bookmarks IN ACCESS EXCLUSIVE MODE;"
                         " SELECT 'locked';\n")
        lock.stdin.flush()
        line = lock.stdout.readline().strip()
        assert line == "locked", "psql said %r" % line
        for name in (NAME, "bob"):
            t = threading.Thread(target=lambda n=name: answers.__setitem__(n, export(c[n])))
            t.start()
            waiting.append(t)
        harness.wait_for(lambda: count(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock'") == 2, WAIT, what="two archives in the making")
        r = export(c["carol"], "not even the password")
        harness.assert_status(r, 503, "a third archive at once")
        assert r.header("Retry-After"), r.headers
        assert "try again in a minute" in r.text, r.text[:500]
    finally:
        lock.stdin.write("COMMIT;\n")
        lock.stdin.close()
        lock.wait(timeout=30)
        for t in waiting:
            t.join(timeout=120)
    for name in (NAME, "bob"):
        assert "outbox.json" in archive(answers[name], name).namelist()
    assert "outbox.json" in archive(export(c["carol"]), "carol afterwards").namelist()


def rss_kb():
    with open("/proc/%d/status" % A.server.pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


@test
def test_big_account():
    """an account of 10,000 posts: the archive holds them all, in pages (the time and the
    server's peak memory are reported, not asserted)"""
    big = harness.member(A, "bigpen")
    big.timeout = 300
    bid = local_id("bigpen")
    A.psql("INSERT INTO statuses (account_id, text, content, visibility, created_at)"
           " SELECT %s, 'bulk post ' || g, '<p>bulk post ' || g || ' ' || repeat('x', 200)"
           " || '</p>', (ARRAY['public','unlisted','private','members','direct'])[1 + g %% 5],"
           " now() - g * interval '1 minute' FROM generate_series(1, 10000) g" % bid)
    before = rss_kb()
    start = time.monotonic()
    r = export(big)
    took = time.monotonic() - start
    z = archive(r, "the big export")
    outbox = json.loads(z.read("outbox.json"))
    assert outbox["totalItems"] == 10000 and len(outbox["orderedItems"]) == 10000
    got = {a["object"]["id"].rsplit("/", 1)[1] for a in outbox["orderedItems"]}
    want = {r[0] for r in A.psql("SELECT id FROM statuses WHERE account_id = %s" % bid)}
    assert got == want
    harness.Suite._diag("10,000 posts: %.2f s, %d bytes; server peak RSS %d kB -> %d kB"
                        % (took, len(r.body), before, rss_kb()))


harness.add_server_end_tests(suite, lambda: A.server)

if __name__ == "__main__":
    suite.run(setup)
