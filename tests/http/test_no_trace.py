"""Nothing of where a member connects from stays (issue 12, SAFETY.md "What we never store"):
a whole session from one known address with one known browser signature — sign-up with an
invite, a wrong password then the right one, posts in every visibility, an image upload, a
peer following the member and receiving a post, a reply from the peer, a report, a
settings change, sign-out — and then a dump of the whole database, every file under the
data directory and the server's log hold neither the address (in any spelling) nor the
browser signature. The only trace of the browser is the coarse label the member sees on
their sessions page ("Firefox, Linux")."""

import json
import os
import re
import sys
import urllib.parse
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from imagetools import fixture  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("no_trace")
test = suite.test
inst = harness.peer_instance(suite, "no_trace", workers="2")
state = {}

ADDR = "127.83.41.29"
FORWARDED = "127.61.52.43"  # claimed in X-Forwarded-For by a client no proxy stands for
UA = ("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0 "
      "TraceMark/7q3z")
PASSWORD = "a long enough password"


def spellings(addr):
    """The ways an IPv4 address can sit in a dump, a file or a log: dotted, reversed (PTR),
    as hex bytes (bytea), as a 32-bit integer, and IPv4-mapped IPv6."""
    parts = [int(p) for p in addr.split(".")]
    n = (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]
    return [addr, ".".join(str(p) for p in reversed(parts)),
            "".join("%02x" % p for p in parts), str(n), "::ffff:" + addr]


MARKS = spellings(ADDR) + spellings(FORWARDED) + ["TraceMark", "7q3z", "rv:121.0",
                                                  "X11; Linux x86_64"]


class Browser(harness.WebClient):
    """A WebClient that always connects from ADDR with UA."""

    def __init__(self):
        super().__init__(inst.port, source=ADDR)

    def request(self, method, path, body=None, headers=None):
        h = {"User-Agent": UA, "X-Forwarded-For": FORWARDED}
        h.update(headers or {})
        return super().request(method, path, body=body, headers=h)


def setup():
    inst.setup()
    inst.start_server()
    peer = harness.FakePeer(suite)
    harness.allow_peer(inst, peer.domain)
    state["peer"], state["fay"] = peer, peer.add_actor("fay")
    state["root"] = harness.member(inst, "root", role="admin")
    harness.publish(state["root"], "welcome, everyone", visibility="public")
    state["root_post"] = harness.last_status_id(inst, "root")


def found_in(text):
    return [m for m in MARKS if m in text]


@test
def test_a_whole_session():
    """one address, one browser: sign-up, sign-in, posts, an image, federation, a report"""
    p = inst.cli("admin", "invite")
    assert p.returncode == 0, harness.describe(p)
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(p.stdout.strip()).query)["invite"][0]
    b = Browser()
    r = b.post("/register", {"username": "quinn", "password": PASSWORD, "invite": code})
    assert r.status == 303, "sign-up: %r" % r
    b.logout()
    r = b.login("quinn", "not the password")
    assert 400 <= r.status < 500 and not b.session, "a wrong password: %r" % r
    r = b.login("quinn", PASSWORD)
    assert r.status == 303 and b.session, "sign-in: %r" % r
    for vis in ("public", "unlisted", "private", "members", "direct"):
        r = harness.publish(b, "a %s post from somewhere @root" % vis, visibility=vis)
        assert r.status == 303, "%s post: %r" % (vis, r)
    r = b.post_multipart("/statuses", {"text": "a photo", "alt1": "a view"},
                         [("image1", "photo.jpg", "image/jpeg", fixture("photo.jpg"))])
    assert r.status == 303, "image post: %r" % r
    # the peer follows quinn and gets her next public post; its reply comes back
    fay, peer = state["fay"], state["peer"]
    base = harness.instance_base(inst)
    r = fay.post(inst.port, "/users/quinn/inbox", {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "%s#follows/%s" % (fay.uri, uuid.uuid4().hex), "type": "Follow",
        "actor": fay.uri, "object": base + "/users/quinn"})
    harness.assert_status(r, 202, "Follow from fay")
    harness.wait_for(lambda: inst.scalar(
        "SELECT count(*) FROM follows f JOIN accounts a ON a.id = f.account_id "
        "WHERE a.uri = '%s'" % fay.uri) == "1", 30, what="fay to follow quinn")
    r = harness.publish(b, "for my followers, federated", visibility="public")
    assert r.status == 303
    sid = harness.last_status_id(inst, "quinn")
    harness.wait_for(lambda: [a for a in peer.activities("Create")
                              if "for my followers" in json.dumps(a)], 30,
                     what="the post at the peer")
    note_id = "%s/notes/%s" % (fay.uri, uuid.uuid4().hex)
    r = fay.post(inst.port, "/inbox", {
        "@context": "https://www.w3.org/ns/activitystreams", "id": note_id + "/activity",
        "type": "Create", "actor": fay.uri, "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {"id": note_id, "type": "Note", "attributedTo": fay.uri,
                   "content": "<p>a reply</p>", "inReplyTo": "%s/users/quinn/statuses/%s" % (
                       base, sid), "to": ["https://www.w3.org/ns/activitystreams#Public"],
                   "published": "2026-12-06T06:00:00Z"}})
    harness.assert_status(r, 202, "a reply from fay")
    harness.wait_for(lambda: inst.scalar("SELECT count(*) FROM statuses WHERE uri = '%s'"
                                         % note_id) == "1", 30, what="fay's reply stored")
    # a report, a settings change, the sessions page, sign-out
    r = b.post("/statuses/%s/report" % state["root_post"], {"comment": "a test report"})
    assert r.status in (200, 303), "report: %r" % r
    r = b.post("/settings/profile", {"display_name": "Quinn", "note": "hello"})
    assert r.status in (200, 303), "settings: %r" % r
    page = b.get("/settings")
    assert page.status == 200 and "Firefox" in page.text and "Linux" in page.text, \
        "the sessions page names the browser coarsely: %r" % page
    assert not found_in(page.text), "the sessions page shows %r" % found_in(page.text)
    state["done"] = True


@test
def test_no_trace_in_database_files_or_log():
    """neither the address nor the browser in the database, the files or the log"""
    assert state.get("done"), "the session above did not run to its end"
    dump = inst.cluster.dump_data(inst.dbname)
    with open(harness.output_path("no_trace.dump.sql"), "w", encoding="utf-8") as f:
        f.write(dump)
    assert "quinn" in dump and "Firefox" in dump, "the dump is not of this session's node"
    assert not found_in(dump), "in the database: %r" % found_in(dump)
    files = 0
    for root, _, names in os.walk(inst.data_dir):
        for name in names:
            path = os.path.join(root, name)
            assert not found_in(path), "a file name: %s" % path
            with open(path, "rb") as f:
                data = f.read().decode("latin-1")
            assert not found_in(data), "in %s: %r" % (path, found_in(data))
            files += 1
    assert files >= 2, "the image and its thumbnail should be on disk (%d files)" % files
    log = inst.server.log()
    assert "quinn" in log or "POST" in log or len(log) > 0
    assert not found_in(log), "in the server's log: %r" % found_in(log)


if __name__ == "__main__":
    suite.run(setup)
