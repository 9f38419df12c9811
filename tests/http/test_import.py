"""Importing Mastodon's CSV lists of follows, blocks and mutes (Settings → Import, issue 12;
core/import.h).

A (alice imports; bob, carol, erin, frank, gina are members there) federates with B, a second
parasol (dave and dora), and allows nobody else: an address on another server fails alone,
"not an allowed server". Imports are applied by A's job workers, so every check polls (at
most WAIT seconds) until the import is finished. Merge keeps what alice had; overwrite
removes what the file does not name (B hears the Undo). Hostile files are refused whole with
the reason on the form, and nothing is written (the row counts of every table involved are
compared). Addresses with spaces, capitals, a leading '@' or a duplicate make one entry;
`javascript:` and HTML in addresses fail as "not an account address" and are escaped on the
status page.

K runs no job worker in the server: a `parasol worker` does, and is killed (SIGKILL) while a
peer (this script's fake server F) holds the WebFinger answer of the third address; started
again, it finishes the import, and every follow, notification and Follow happened once.
Then alice's export is imported by a new member, who ends up following, blocking and muting
the same accounts, and deleting that member's account deletes the imports."""

import html
import io
import os
import re
import sys
import threading
import time
import zipfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("import")
harness.PER_TEST_TIMEOUT = 600
test = suite.test
# few threads: each holds a database connection
A = harness.peer_instance(suite, "import_a", page_cache_seconds="0", threads="2", workers="2")
B = harness.peer_instance(suite, "import_b", threads="2", workers="2")
K = harness.peer_instance(suite, "import_k", threads="2", workers="0")
PASSWORD = harness.PASSWORD
WAIT = 30
FOLLOWING = "Account address,Show boosts,Notify on new posts,Languages\n"
MUTES = "Account address,Hide notifications\n"
c = {}
state = {}


def dom(inst):
    return harness.instance_domain(inst)


def q(s):
    return s.replace("'", "''")


def local_id(inst, name):
    return inst.scalar("SELECT id FROM accounts WHERE domain IS NULL AND username = '%s'" % name)


def remote_id(inst, name, domain):
    return inst.scalar("SELECT id FROM accounts WHERE username = '%s' AND domain = '%s'"
                       % (q(name), q(domain)))


def related(inst, table, member):
    """The handles ("name", "name@domain") of the accounts member has a row of table with."""
    rows = inst.psql("SELECT t.username, coalesce(t.domain, '') FROM %s r"
                     " JOIN accounts t ON t.id = r.target_account_id"
                     " WHERE r.account_id = %s ORDER BY 1, 2" % (table, local_id(inst, member)))
    return sorted(u + ("@" + d if d else "") for u, d in rows)


def follows_of(inst, member):
    """Follows and follow requests (a remote follow is a request until its Accept)."""
    return sorted(set(related(inst, "follows", member) + related(inst, "follow_requests", member)))


def counts(inst):
    """The rows an import (or a refused one) may write."""
    return inst.psql("SELECT (SELECT count(*) FROM imports), (SELECT count(*) FROM import_entries),"
                     " (SELECT count(*) FROM jobs WHERE kind = 'import'),"
                     " (SELECT count(*) FROM follows), (SELECT count(*) FROM follow_requests),"
                     " (SELECT count(*) FROM blocks), (SELECT count(*) FROM mutes),"
                     " (SELECT count(*) FROM notifications)")[0]


def upload(client, kind, data, mode="merge", confirm=False, filename="list.csv",
           ctype="text/csv", csrf=True):
    if isinstance(data, str):
        data = data.encode("utf-8")
    fields = [("kind", kind), ("mode", mode)]
    if confirm:
        fields.append(("confirm", "yes"))
    return client.post_multipart("/settings/import", fields, [("file", filename, ctype, data)],
                                 csrf=csrf)


def error_on(r):
    m = re.search(r'<p class="error" role="alert"[^>]*>(.*?)</p>', r.text, re.S)
    return html.unescape(m.group(1)) if m else None


def newest_import(inst, member):
    rows = inst.psql("SELECT id, state, total, done, failed FROM imports WHERE account_id = %s"
                     " ORDER BY id DESC LIMIT 1" % local_id(inst, member))
    return rows[0] if rows else None


def finished(inst, member):
    """Waits until member's newest import is finished; returns (id, total, done, failed)."""
    row = harness.wait_for(lambda: (lambda r: r if r and r[1] == "finished" else None)(
        newest_import(inst, member)), WAIT, what="%s's import to finish" % member)
    return row[0], int(row[2]), int(row[3]), int(row[4])


def entries(inst, import_id):
    return {a: (s, e) for a, s, e in inst.psql(
        "SELECT address, state, coalesce(error, '') FROM import_entries WHERE import_id = %s"
        % import_id)}


def imported(client, inst, member, kind, data, **kw):
    r = upload(client, kind, data, **kw)
    harness.assert_status(r, 303, "importing %s" % kind)
    assert harness.location_path(r).startswith("/settings/import?"), r.header("Location")
    return finished(inst, member)


def jobs_idle(inst):
    return inst.scalar("SELECT count(*) FROM jobs WHERE kind IN ('inbox', 'deliver')"
                       " AND (last_error IS NULL OR run_at <= now() + interval '1 second')") == "0"


def setup():
    for inst in (A, B, K):
        inst.setup()
        inst.start_server()
    harness.allow_peer(A, dom(B))
    harness.allow_peer(B, dom(A))
    for name in ("alice", "bob", "carol", "erin", "frank", "gina", "lou", "sid", "zed"):
        c[name] = harness.member(A, name)
    A.psql("UPDATE accounts SET locked = true WHERE username = 'lou'")
    for name in ("dave", "dora"):
        c[name] = harness.member(B, name)
    c["visitor"] = harness.WebClient(A.port)
    A.psql("UPDATE accounts SET suspended_at = now() WHERE username = 'sid'")


@test
def test_follows_local_and_remote():
    """a following_accounts.csv naming members here (bare and name@this-node; lou is locked),
    an account on B and one on a server A doesn't federate with: the follows happen (lou gets
    a follow request; B gets the Follow and accepts it), the last fails alone, "not an
    allowed server", on the status page in both languages"""
    data = (FOLLOWING + "bob,true,false,\ncarol@%s,true,false,\ndave@%s,true,false,\n"
            "lou,true,false,\nnobody@disallowed.example,true,false,\n" % (dom(A), dom(B)))
    iid, total, done, failed = imported(c["alice"], A, "alice", "following", data)
    assert (total, done, failed) == (5, 4, 1), (total, done, failed)
    e = entries(A, iid)
    assert e == {"bob": ("done", ""), "carol": ("done", ""), "lou": ("done", ""),
                 "dave@" + dom(B): ("done", ""),
                 "nobody@disallowed.example": ("failed", "not_allowed")}, e
    assert related(A, "follows", "alice") == ["bob", "carol"], related(A, "follows", "alice")
    assert "lou" in related(A, "follow_requests", "alice"), "lou is locked: a request"
    assert A.scalar("SELECT count(*) FROM notifications WHERE account_id = %s"
                    " AND type = 'follow_request'" % local_id(A, "lou")) == "1"
    harness.wait_for(lambda: B.scalar(
        "SELECT count(*) FROM follows f JOIN accounts a ON a.id = f.account_id"
        " WHERE a.username = 'alice' AND a.domain = '%s' AND f.target_account_id = %s"
        % (dom(A), local_id(B, "dave"))) == "1", WAIT, what="B to have alice follow dave")
    harness.wait_for(lambda: "dave@" + dom(B) in related(A, "follows", "alice"), WAIT,
                     what="B's Accept on A")
    # bob was told once, as by the Follow button
    assert A.scalar("SELECT count(*) FROM notifications WHERE account_id = %s AND type = 'follow'"
                    " AND from_account_id = %s" % (local_id(A, "bob"), local_id(A, "alice"))) == "1"
    page = c["alice"].get("/settings/import")
    harness.assert_status(page, 200, "the status page")
    assert "nobody@disallowed.example</code>: not an allowed server" in page.text, page.text
    assert "Accounts in the file: 5 · done: 4 · failed: 1" in page.text, page.text
    assert 'href="/settings/import#imports"' in page.text, "no reload link"
    zh = harness.WebClient(A.port, lang="zh-CN")
    zh.cookies = dict(c["alice"].cookies)
    page = zh.get("/settings/import")
    assert "导入" in page.text and "Import follows, blocks and mutes" not in page.text, page.text
    assert "不是允许的服务器" in page.text, "the failure is not in Chinese"


@test
def test_blocks_and_mutes_take_effect():
    """a bare blocked_accounts.csv and a muted_accounts.csv with Mastodon's header: the
    blocks and mutes show on alice's /blocks and /mutes pages, and a block ends a follow"""
    A.psql("INSERT INTO follows (account_id, target_account_id) VALUES (%s, %s)"
           % (local_id(A, "frank"), local_id(A, "alice")))
    iid, total, done, failed = imported(c["alice"], A, "alice", "blocks",
                                        "erin\n@Frank@%s\n" % dom(A).upper())
    assert (total, done, failed) == (2, 2, 0), (total, done, failed)
    assert related(A, "blocks", "alice") == ["erin", "frank"]
    assert related(A, "follows", "frank") == [], "the block left frank following alice"
    page = c["alice"].get("/blocks").text
    assert 'href="/@erin"' in page and 'href="/@frank"' in page, page
    iid, total, done, failed = imported(c["alice"], A, "alice", "mutes",
                                        MUTES + "dora@%s,true\n" % dom(B))
    assert (total, done, failed) == (1, 1, 0), (total, done, failed)
    assert related(A, "mutes", "alice") == ["dora@" + dom(B)]
    page = c["alice"].get("/mutes").text
    assert "dora@" + dom(B) in page, page


@test
def test_merge_keeps_overwrite_removes():
    """merge adds gina and keeps the rest; overwrite without the confirmation box is refused
    (nothing stored); confirmed, it leaves exactly the file's accounts, and B hears the Undo
    of the follow of dave; an overwrite of blocks unblocks who is not in it"""
    imported(c["alice"], A, "alice", "following", "gina\n")
    assert follows_of(A, "alice") == sorted(["bob", "carol", "dave@" + dom(B), "gina", "lou"])
    before = counts(A)
    r = upload(c["alice"], "following", "bob\ngina\n", mode="overwrite")
    harness.assert_status(r, 422, "an overwrite without its confirmation")
    assert error_on(r) == "To overwrite, tick the box that says you understand what it removes."
    assert counts(A) == before, "an unconfirmed overwrite wrote something"
    iid, total, done, failed = imported(c["alice"], A, "alice", "following",
                                        FOLLOWING + "bob,true,false,\ngina,true,false,\n",
                                        mode="overwrite", confirm=True)
    assert (total, done, failed) == (2, 2, 0)
    assert follows_of(A, "alice") == ["bob", "gina"], follows_of(A, "alice")
    assert related(A, "follow_requests", "alice") == [], "lou's request was not withdrawn"
    harness.wait_for(lambda: B.scalar(
        "SELECT count(*) FROM follows f JOIN accounts a ON a.id = f.account_id"
        " WHERE a.username = 'alice' AND f.target_account_id = %s" % local_id(B, "dave")) == "0",
        WAIT, what="B to hear alice's Undo")
    imported(c["alice"], A, "alice", "blocks", "erin\n", mode="overwrite", confirm=True)
    assert related(A, "blocks", "alice") == ["erin"], related(A, "blocks", "alice")
    assert related(A, "mutes", "alice") == ["dora@" + dom(B)], "a blocks import touched mutes"


def jpeg():
    with open(os.path.join(harness.SRCDIR, "tests", "fixtures", "images", "photo.jpg"), "rb") as f:
        return f.read()


HOSTILE = [
    ("an empty file", "following", b"", "The file is empty.", None),
    ("a header only", "following", FOLLOWING.encode(), "The file has a header but no accounts.",
     None),
    ("empty addresses", "mutes", (MUTES + ",true\n\" \",false\n").encode(),
     "The file lists no accounts.", None),
    ("a wrong header", "following", b"Display name,Account\nbob,x\n",
     "The first line is not a header this import knows.", 1),
    ("a mutes list as follows", "following", (MUTES + "bob,true\n").encode(),
     "This file is a list of mutes: choose \"Mutes\" above.", 1),
    ("a follows list as blocks", "blocks", (FOLLOWING + "bob,true,false,\n").encode(),
     "This file is a list of follows: choose \"Follows\" above.", 1),
    ("10 MB", "blocks", b"someone@peer.example\n" * 500000,
     "The file is bigger than this server takes in one import.", None),
    ("100,000 rows", "blocks", b"bob\n" * 100000,
     "The file lists more accounts than this server takes in one import.", None),
    ("NUL bytes", "blocks", b"bob\ncarol\x00\n", "This is not a CSV file: it holds binary data.",
     2),
    ("a JPEG renamed .csv", "blocks", None, "This is not a CSV file", 1),
    ("a quote never closed", "mutes", (MUTES + "bob,true\n\"carol,true\n").encode(),
     "A quote mark is never closed.", 3),
    ("a quote inside a value", "mutes", (MUTES + "bo\"b,true\n").encode(),
     "A quote mark is in the middle of a value", 2),
    ("text after a closing quote", "mutes", (MUTES + "\"bob\"x,true\n").encode(),
     "Something follows a closing quote mark", 2),
    ("a ragged row", "mutes", (MUTES + "bob,true\ncarol\n").encode(),
     "A line has another number of columns than the first line.", 3),
    ("not UTF-8", "blocks", b"bob\ncaf\xe9\n", "This is not a CSV file in UTF-8 text.", 2),
]


@test
def test_hostile_files_refused_whole():
    """empty, header only, wrong header, another list's header, 10 MB, 100,000 rows, NUL
    bytes, a JPEG, broken quoting, ragged rows, Latin-1: each a 422 with its reason (and
    line) on the form, and no row written anywhere; a missing file or kind too"""
    before = counts(A)
    for what, kind, data, message, line in HOSTILE:
        if data is None:
            data = jpeg()
        r = upload(c["gina"], kind, data, filename="photo.csv")
        harness.assert_status(r, 422, what)
        err = error_on(r)
        assert err is not None and err.startswith(message), "%s: %r" % (what, err)
        if line is not None:
            assert err.endswith("Line: %d" % line), "%s: %r" % (what, err)
        else:
            assert "Line:" not in err, "%s: %r" % (what, err)
        assert 'name="file"' in r.text, "%s: the form is not shown again" % what
    r = c["gina"].post_multipart("/settings/import", {"kind": "following", "mode": "merge"})
    harness.assert_status(r, 422, "no file")
    assert error_on(r) == "Choose the file to import."
    r = upload(c["gina"], "friends", "bob\n")
    harness.assert_status(r, 422, "an unknown kind")
    assert error_on(r) == "Choose what the file lists: follows, blocks or mutes."
    r = c["gina"].post("/settings/import", {"kind": "following", "mode": "merge", "file": "bob"})
    harness.assert_status(r, 422, "a form without a file part")
    assert counts(A) == before, "a refused file wrote something"


@test
def test_addresses_normalised_and_escaped():
    """spaces, capitals, a leading '@' and this node's host name one member: one entry,
    done; `javascript:` and HTML fail as no address and show escaped, never as markup or a
    link; so does an address too long for any handle; one on an allowed server that doesn't
    answer fails alone"""
    long = "a" * 255 + "@" + "b" * 50 + ".example"  # a name and a host, too long together
    down = "127.0.0.1:%d" % harness.free_port()  # an allowed server that doesn't answer
    harness.allow_peer(A, down)
    data = (" @Bob \nBOB\nbob@%s\njavascript:alert(1)\n<b>x</b>@peer.example\n"
            "a b@c.example\n<script>alert(1)</script>\n%s\nghost@%s\n"
            % (dom(A).upper(), long, down))
    iid, total, done, failed = imported(c["gina"], A, "gina", "following", data)
    e = entries(A, iid)
    assert e == {"bob": ("done", ""), "javascript:alert(1)": ("failed", "bad_address"),
                 "<b>x</b>@peer.example": ("failed", "bad_address"),
                 "a b@c.example": ("failed", "bad_address"),
                 "<script>alert(1)</script>": ("failed", "bad_address"),
                 long[:300]: ("failed", "bad_address"),
                 "ghost@" + down: ("failed", "unreachable")}, e
    assert (total, done, failed) == (7, 1, 6)
    assert "bob" in follows_of(A, "gina")
    page = c["gina"].get("/settings/import").text
    assert "<b>x</b>" not in page and "<script>alert" not in page, "markup from a file"
    assert "&lt;b&gt;x&lt;/b&gt;@peer.example</code>: not an account address" in page, page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<code>javascript:alert(1)</code>" in page
    assert "<code>ghost@%s</code>: its server did not answer" % down in page
    assert 'href="javascript' not in page


@test
def test_refused_callers_write_nothing():
    """no CSRF token: 403; a visitor: sent to sign in; a suspended member: the suspended page;
    none of them writes a row"""
    before = counts(A)
    r = upload(c["alice"], "following", "carol\n", csrf=False)
    harness.assert_status(r, 403, "no CSRF token")
    r = upload(c["alice"], "following", "carol\n", csrf="x" * 43)
    harness.assert_status(r, 403, "a wrong CSRF token")
    r = upload(c["visitor"], "following", "carol\n")
    harness.assert_status(r, 303, "a visitor")
    assert harness.location_path(r).startswith("/login"), r.header("Location")
    harness.assert_status(c["visitor"].get("/settings/import"), 303, "a visitor's GET")
    r = upload(c["sid"], "following", "carol\n")
    harness.assert_status(r, 403, "a suspended member")
    assert "suspended" in r.text
    assert counts(A) == before, "a refused caller wrote something"


@test
def test_worker_killed_mid_import_completes_once():
    """on K, whose server runs no job: an import stays running and a second one is refused
    (409) without a row; a `parasol worker` killed while F holds the WebFinger answer of the
    third address, then started again, finishes the import: each follow, its notification
    and the Follow to F happened exactly once, and done + failed = total"""
    fake = harness.FakePeer(suite)
    harness.allow_peer(K, fake.domain)
    fake.add_actor("slow")
    held = threading.Event()
    asked = threading.Event()
    suite.add_cleanup(held.set)

    def webfinger(path):
        if "slow" in path:
            asked.set()
            held.wait(120)
        return None
    fake.routes["/.well-known/webfinger"] = webfinger
    kim = harness.member(K, "kim")
    for name in ("l1", "l2", "l3", "l4"):
        harness.create_account(K, name)
    data = "l1\nl2\nslow@%s\nl3\nl4\nl1@%s\n" % (fake.domain, dom(K))
    r = upload(kim, "following", data)
    harness.assert_status(r, 303, "the import")
    before = counts(K)
    r = upload(kim, "blocks", "l1\n")
    harness.assert_status(r, 409, "a second import while one runs")
    assert error_on(r).startswith("An import of yours is still running."), error_on(r)
    assert counts(K) == before, "the refused import wrote something"
    page = kim.get("/settings/import").text
    assert "An import is running." in page and "waiting: 5" in page, page
    conf = K.write_config(os.path.join(K.tmp, "worker.conf"), dict(K.settings, workers=1))
    worker = harness.Worker(conf, "import_worker")
    suite.add_cleanup(worker.stop)
    worker.start()
    assert asked.wait(WAIT), "the worker never asked F for slow"
    iid = newest_import(K, "kim")[0]
    assert entries(K, iid)["l2"] == ("done", ""), entries(K, iid)
    assert entries(K, iid)["slow@" + fake.domain] == ("pending", "")
    worker.kill9()
    held.set()
    worker.start()
    iid2, total, done, failed = finished(K, "kim")
    worker.stop()
    assert iid2 == iid
    assert (total, done, failed) == (5, 5, 0), (total, done, failed)
    assert follows_of(K, "kim") == sorted(["l1", "l2", "l3", "l4", "slow@" + fake.domain])
    for name in ("l1", "l2", "l3", "l4"):
        assert K.scalar("SELECT count(*) FROM notifications WHERE account_id = %s"
                        " AND from_account_id = %s AND type = 'follow'"
                        % (local_id(K, name), local_id(K, "kim"))) == "1", name
    harness.wait_for(lambda: fake.activities("Follow"), WAIT, what="the Follow at F")
    harness.wait_for(lambda: K.scalar("SELECT count(*) FROM jobs") == "0", WAIT,
                     what="K's jobs to be done")
    follows = fake.activities("Follow")
    assert len(follows) == 1, follows


@test
def test_given_up_job_finishes_its_import():
    """on K: an import whose job the queue gives up (here: claimed too often, as after
    crashes each time) is finished with what was left failed, and the member may import
    again; an import of a member suspended before it ran stops, acting on nobody"""
    kim = harness.member(K, "kim", create=False)
    harness.assert_status(upload(kim, "following", "l1\nl2\n"), 303, "the import")
    iid = newest_import(K, "kim")[0]
    K.psql("UPDATE jobs SET attempts = 20 WHERE kind = 'import'")
    conf = K.write_config(os.path.join(K.tmp, "worker2.conf"), dict(K.settings, workers=1))
    worker = harness.Worker(conf, "import_worker_give_up")
    suite.add_cleanup(worker.stop)
    worker.start()
    iid2, total, done, failed = finished(K, "kim")
    worker.stop()
    assert iid2 == iid and (total, done, failed) == (2, 0, 2), (iid2, total, done, failed)
    assert set(entries(K, iid).values()) == {("failed", "refused")}, entries(K, iid)
    assert K.scalar("SELECT count(*) FROM jobs WHERE kind = 'import'") == "0"
    harness.assert_status(upload(kim, "blocks", "l3\n"), 303, "the next import")
    # suspended before its job ran: it stops, blocking nobody
    iid = newest_import(K, "kim")[0]
    K.psql("UPDATE accounts SET suspended_at = now() WHERE username = 'kim'")
    worker.start()
    iid2, total, done, failed = finished(K, "kim")
    worker.stop()
    assert iid2 == iid and (total, done, failed) == (1, 0, 1), (iid2, total, done, failed)
    assert entries(K, iid) == {"l3": ("failed", "suspended")}, entries(K, iid)
    assert related(K, "blocks", "kim") == []


@test
def test_ten_thousand_rows_measured():
    """a file at the row limit (10,000 addresses: 2,000 members here, 8,000 names nobody
    has): stored in one request, every entry settled once, the 2,000 follows made; the time
    of both halves is reported"""
    A.psql("INSERT INTO accounts (username, password_hash) SELECT 'many' || g, '!'"
           " FROM generate_series(1, 2000) g")
    names = ["many%d" % i for i in range(1, 2001)] + ["none%d" % i for i in range(1, 8001)]
    data = FOLLOWING + "".join("%s@%s,true,false,\n" % (n, dom(A)) for n in names)
    start = time.monotonic()
    r = upload(c["carol"], "following", data)
    stored = time.monotonic() - start
    harness.assert_status(r, 303, "10,000 rows")
    row = harness.wait_for(lambda: (lambda r: r if r and r[1] == "finished" else None)(
        newest_import(A, "carol")), 600, interval=1, what="the big import to finish")
    took = time.monotonic() - start
    assert [int(x) for x in row[2:]] == [10000, 2000, 8000], row
    assert A.scalar("SELECT count(*) FROM follows f JOIN accounts t ON t.id = f.target_account_id"
                    " WHERE f.account_id = %s AND t.username LIKE 'many%%'"
                    % local_id(A, "carol")) == "2000"
    assert A.scalar("SELECT count(*) FROM import_entries WHERE import_id = %s AND state = 'failed'"
                    " AND error = 'not_found'" % row[0]) == "8000"
    harness.Suite._diag("10,000 rows (%d bytes): stored in %.2f s, settled in %.1f s"
                        % (len(data), stored, took))


@test
def test_export_import_round_trip():
    """alice's export (following_accounts.csv, blocked_accounts.csv, muted_accounts.csv)
    imported by zed: zed follows, blocks and mutes what alice does"""
    r = c["alice"].post("/settings/export", {"password": PASSWORD})
    harness.assert_status(r, 200, "alice's export")
    z = zipfile.ZipFile(io.BytesIO(r.body))
    for kind, name in (("following", "following_accounts.csv"),
                       ("blocks", "blocked_accounts.csv"), ("mutes", "muted_accounts.csv")):
        data = z.read(name)
        iid, total, done, failed = imported(c["zed"], A, "zed", kind, data, filename=name)
        assert failed == 0, entries(A, iid)
    assert follows_of(A, "zed") == follows_of(A, "alice"), (follows_of(A, "zed"),
                                                           follows_of(A, "alice"))
    assert related(A, "blocks", "zed") == related(A, "blocks", "alice") == ["erin"]
    assert related(A, "mutes", "zed") == related(A, "mutes", "alice") != []


@test
def test_account_deletion_purges_imports():
    """zed deletes the account: its imports and their entries are gone"""
    zid = local_id(A, "zed")
    assert A.scalar("SELECT count(*) FROM imports WHERE account_id = %s" % zid) == "3"
    r = c["zed"].post("/settings/delete", {"password": PASSWORD})
    harness.assert_status(r, 303, "zed deletes the account")
    assert A.scalar("SELECT count(*) FROM imports WHERE account_id = %s" % zid) == "0"
    assert A.scalar("SELECT count(*) FROM import_entries e WHERE NOT EXISTS"
                    " (SELECT 1 FROM imports i WHERE i.id = e.import_id)") == "0"


harness.add_server_end_tests(suite, lambda: A.server)

if __name__ == "__main__":
    suite.run(setup)
