"""Export attacked by a hostile member (issue 12's review): one member can't take every place
of "two archives at once", nor hold one nameless archive file after another (each as big as
their media) by asking again and again and reading the answers slowly. A member's archive is
under way from the request until its answer has been sent or the client went away; another
request of theirs meanwhile gets 429 with Retry-After, before the password is looked at.
test_export.py covers what the archive holds."""

import io
import os
import socket
import subprocess
import sys
import threading
import urllib.parse
import zipfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("attack_export")
test = suite.test
inst = harness.Instance(suite, "attack_export", page_cache_seconds=0)
PASSWORD = harness.PASSWORD
WAIT = 60
BIG = 24 * 1024 * 1024  # more than the kernel buffers between server and client hold
c = {}


def export(client, password=PASSWORD):
    return client.post("/settings/export", {"password": password})


def holds_outbox(r, what):
    assert r.status == 200, "%s: %r" % (what, r)
    assert "outbox.json" in zipfile.ZipFile(io.BytesIO(r.body)).namelist(), what


def setup():
    inst.setup()
    inst.start_server()
    for name in ("slowpoke", "other"):
        c[name] = harness.member(inst, name)
        harness.assert_status(harness.publish(c[name], "a post of %s" % name), 303, "a post")


@test
def test_one_archive_per_member_while_it_is_made():
    """while a member's archive is being made, their second request gets 429 with
    Retry-After and no try of the password is counted; another member's is made; once the
    first is done the member may ask again"""
    cl = inst.cluster
    lock = subprocess.Popen(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"] +
                            cl._args(inst.dbname), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    out = {}
    first = threading.Thread(target=lambda: out.setdefault("first", export(c["slowpoke"])))
    try:
        # the archive reads bookmarks last: held there, it is under way for as long as needed
        lock.stdin.write("BEGIN; LOCK TABLE bookmarks IN ACCESS EXCLUSIVE MODE;"
                         " SELECT 'locked';\n")
        lock.stdin.flush()
        assert lock.stdout.readline().strip() == "locked"
        c["slowpoke"].csrf()
        first.start()
        harness.wait_for(lambda: inst.scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock'") == "1", WAIT, what="the archive in the making")
        for password in (PASSWORD, "a wrong password"):
            r = export(c["slowpoke"], password)
            assert r.status == 429, "a second archive of the same member: %r" % r
            assert r.header("Retry-After"), r.headers
            assert "already being made or downloaded" in r.text, r.text[:300]
    finally:
        lock.stdin.write("COMMIT;\n")
        lock.stdin.close()
        lock.wait(timeout=30)
        first.join(WAIT)
    holds_outbox(out["first"], "the first archive")
    holds_outbox(export(c["other"]), "another member's archive")
    holds_outbox(export(c["slowpoke"]), "the member's next archive, the first done")


def raw_export(client):
    """Sends the export form on a socket of its own and reads only the head of the answer:
    a client reading the zip slowly. The socket, open."""
    body = urllib.parse.urlencode({"password": PASSWORD, "csrf": client.csrf()}).encode()
    cookies = "; ".join("%s=%s" % kv for kv in client.cookies.items())
    s = socket.create_connection(("127.0.0.1", inst.port), timeout=WAIT)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(("POST /settings/export HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: %s\r\n"
               "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n"
               % (inst.port, cookies, len(body))).encode() + body)
    head = b""
    while b"\r\n\r\n" not in head:
        got = s.recv(1)
        assert got, "the connection closed before the answer's head"
        head += got
    assert head.startswith(b"HTTP/1.1 200"), head
    return s


@test
def test_slow_reader_holds_one_archive_only():
    """a member who reads their (big) archive slowly holds it, and their place, until the
    answer ends: a second request meanwhile gets 429 (so they can't pile up nameless files
    on the disk); once they go away, they may ask again"""
    acct = inst.scalar("SELECT id FROM accounts WHERE username = 'slowpoke'")
    sid = inst.scalar("SELECT max(id) FROM statuses WHERE account_id = %s" % acct)
    media = os.path.join(inst.data_dir, "media")
    os.makedirs(media, exist_ok=True)
    with open(os.path.join(media, "big-slowpoke.jpg"), "wb") as f:
        f.write(os.urandom(BIG))
    inst.psql("INSERT INTO media (account_id, status_id, purpose, position, file_name,"
              " thumb_name, media_type, width, height, thumb_width, thumb_height, blurhash,"
              " description) VALUES (%s, %s, 'attachment', 0, 'big-slowpoke.jpg',"
              " 'big-slowpoke-t.jpg', 'image/jpeg', 10, 10, 10, 10, 'L00000fQfQfQfQfQfQfQfQfQfQfQ',"
              " 'big')" % (acct, sid))
    s = raw_export(c["slowpoke"])
    try:
        r = export(c["slowpoke"])
        assert r.status == 429, "a second archive while the first is read slowly: %r" % r
    finally:
        s.close()
    harness.wait_for(lambda: export(c["slowpoke"]).status == 200, WAIT,
                     what="an archive once the slow reader went away")
    inst.psql("DELETE FROM media WHERE file_name = 'big-slowpoke.jpg'")


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
