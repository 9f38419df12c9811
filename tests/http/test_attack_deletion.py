"""Account deletion raced against work in flight (issue 12's review). A member's post with an
image, or a new avatar, is being decoded when the same member deletes the account from
another tab: whichever commits second must find the account gone, so that no post, media row,
image file or delivery of the deleted account is left behind. The image program is a wrapper
that waits, before running the real one, until the test has deleted the account: the order is
forced, not timed."""

import os
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apiclient  # noqa: E402
import harness  # noqa: E402
from imagetools import fixture  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("attack_deletion")
test = suite.test
inst = harness.peer_instance(suite, "attack_deletion", page_cache_seconds=0)
peer = {}
PASSWORD = harness.PASSWORD
WAIT = 60


def media_dir():
    return os.path.join(inst.data_dir, "media")


def files_on_disk():
    d = media_dir()
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def gate(name):
    return os.path.join(inst.tmp, name)


def setup():
    inst.setup()
    # the image program waits for the test's word (a file) before decoding
    real = os.path.join(harness.BUILDDIR, "parasol-image")
    path = os.path.join(inst.tmp, "held-image.sh")
    with open(path, "w") as f:
        f.write("#!/bin/sh\n: > %s\nwhile [ ! -e %s ]; do sleep 0.02; done\nexec %s \"$@\"\n"
                % (gate("started"), gate("go"), real))
    os.chmod(path, 0o755)
    inst.settings["image_program"] = path
    inst.write_config(inst.conf, inst.settings)
    inst.start_server()
    peer["p"] = harness.FakePeer(suite)
    peer["p"].add_actor("faraway")
    harness.allow_peer(inst, peer["p"].domain)


def wait_for(path):
    for _ in range(WAIT * 50):
        if os.path.exists(path):
            return
        time.sleep(0.02)
    raise AssertionError("the image program never started")


def race(name, send):
    """Makes member name, runs send(client) in a thread until the image program starts,
    deletes the account from a second session, then lets the image through. The answer to
    send and the account's id."""
    for g in ("started", "go"):
        if os.path.exists(gate(g)):
            os.unlink(gate(g))
    first = harness.member(inst, name)
    first.timeout = WAIT
    second = harness.member(inst, name, create=False)
    acct = inst.scalar("SELECT id FROM accounts WHERE domain IS NULL AND username = '%s'" % name)
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("r", send(first)))
    first.csrf()  # read before the thread starts: the thread only posts
    t.start()
    try:
        wait_for(gate("started"))
        r = second.post("/settings/delete", {"password": PASSWORD})
        assert r.status == 303, "the deletion: %r" % r
    finally:
        open(gate("go"), "w").close()
        t.join(WAIT)
    assert not t.is_alive() and "r" in out, "the upload never answered"
    return out["r"], acct


def assert_nothing_left(acct, files_before, what):
    for table, col in (("statuses", "account_id"), ("media", "account_id")):
        n = inst.scalar("SELECT count(*) FROM %s WHERE %s = %s" % (table, col, acct))
        assert n == "0", "%s: %s rows of the deleted account in %s" % (what, n, table)
    jobs = inst.scalar("SELECT count(*) FROM jobs WHERE kind = 'deliver' AND payload ->> 'signer'"
                       " = '%s' AND payload -> 'activity' ->> 'type' <> 'Delete'" % acct)
    assert jobs == "0", "%s: %s deliveries of the deleted account" % (what, jobs)
    # the sweep may catch up with files a crash left: a row-less file must not wait for it
    assert files_on_disk() == files_before, "%s: files %r -> %r" % (
        what, files_before, files_on_disk())


@test
def test_post_with_image_during_deletion():
    """a post with an image whose decoding was under way when the account was deleted is
    refused: no post, no media row, no file, no delivery"""
    before = files_on_disk()
    r, acct = race("racer_post", lambda cl: cl.post_multipart(
        "/statuses", {"text": "racewords_q8 written while leaving", "alt1": "racealt_q8"},
        [("image1", "a.jpg", "image/jpeg", fixture("photo.jpg"))]))
    assert r.status >= 400 or r.status == 303, r
    assert_nothing_left(acct, before, "a post")
    assert "racewords_q8" not in str(inst.psql("SELECT text FROM statuses"))


@test
def test_avatar_during_deletion():
    """an avatar whose decoding was under way when the account was deleted is not kept"""
    before = files_on_disk()
    r, acct = race("racer_avatar", lambda cl: cl.post_multipart(
        "/settings/images", {},
        [("avatar", "a.jpg", "image/jpeg", fixture("photo.jpg"))]))
    assert r.status >= 300, r
    assert_nothing_left(acct, before, "an avatar")


@test
def test_api_upload_during_deletion():
    """an image an app was uploading (POST /api/v1/media) when the account was deleted is
    not kept: no media row, no file"""
    before = files_on_disk()

    def send(_):
        tok = apiclient.password_token(inst.port, "racer_api", scope="write")
        return apiclient.request(inst.port, "POST", "/api/v1/media", tok, timeout=WAIT,
                                 form={"description": "racealt_api"},
                                 files=[("file", "a.jpg", "image/jpeg", fixture("photo.jpg"))])
    r, acct = race("racer_api", send)
    assert r.status >= 400, r
    assert_nothing_left(acct, before, "an app's upload")


# Rows that may still name a deleted account: the moderation records that keep "a deleted
# account" (core/deletion.h) with its words removed, and its counters (checked to be 0).
KEPT = {("account_stats", "account_id"), ("mod_actions", "target_account_id"), ("appeals", "account_id"),
        ("reports", "reporter_id"), ("reports", "target_account_id"),
        ("review_items", "account_id")}


def columns_naming_accounts():
    return [tuple(row) for row in inst.psql(
        "SELECT cl.relname, a.attname FROM pg_constraint c"
        " JOIN pg_class cl ON cl.oid = c.conrelid"
        " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)"
        " WHERE c.contype = 'f' AND c.confrelid = 'accounts'::regclass ORDER BY 1, 2")]


@test
def test_no_row_names_the_deleted_account():
    """after a deletion, no table but the moderation records holds a row naming the account:
    its auto-delete settings, app tokens, posts, follows and preferences are all gone"""
    name = "leaver_rows"
    web = harness.member(inst, name)
    harness.create_account(inst, "stayer_rows")
    r = web.post("/settings/expiry", {"default_expiry": "1w", "auto_delete_amount": "3",
                                      "auto_delete_unit": "months"})
    assert r.status == 303, r
    assert web.post("/statuses", {"text": "leaverwords_r4"}).status == 303
    assert web.post("/@stayer_rows/follow", {}).status == 303
    acct = inst.scalar("SELECT id FROM accounts WHERE domain IS NULL AND username = '%s'" % name)
    assert inst.scalar("SELECT count(*) FROM post_expiry_settings WHERE account_id = %s"
                       % acct) == "1"
    r = web.post("/settings/delete", {"password": PASSWORD})
    assert r.status == 303, r
    left = []
    for table, col in columns_naming_accounts():
        if (table, col) in KEPT:
            continue
        n = inst.scalar("SELECT count(*) FROM %s WHERE %s = %s" % (table, col, acct))
        if n != "0":
            left.append("%s.%s: %s" % (table, col, n))
    assert not left, "rows naming the deleted account: %s" % ", ".join(left)
    assert inst.psql("SELECT statuses_count + public_statuses_count + followers_count +"
                     " following_count FROM account_stats WHERE account_id = %s" % acct) \
        in ([], [["0"]]), "the deleted account's counters"


@test
def test_remote_follow_during_deletion():
    """a follow of a remote account, waiting for its server's WebFinger answer when the
    account was deleted, leaves no follow request and sends no Follow"""
    import re
    import urllib.parse
    p = peer["p"]
    name = "racer_follow"
    web = harness.member(inst, name)
    second = harness.member(inst, name, create=False)
    acct = inst.scalar("SELECT id FROM accounts WHERE domain IS NULL AND username = '%s'" % name)
    handle = "faraway@%s" % p.domain
    assert web.get("/search?q=" + urllib.parse.quote("@" + handle)).status == 200
    page = web.get("/@" + handle)
    m = re.search(r'<form[^>]*action="([^"]*/follow)"', page.text)
    assert m, "no follow button for %s: %r" % (handle, page)
    # not verified lately: the follow asks the peer's WebFinger again (ap/resolve.c)
    inst.psql("UPDATE accounts SET handle_verified_at = now() - interval '30 days'"
              " WHERE username = 'faraway'")
    asked, go = threading.Event(), threading.Event()

    def webfinger(path):
        asked.set()
        go.wait(WAIT)
        return None  # then answered as usual
    p.routes["/.well-known/webfinger"] = webfinger
    web.csrf()
    out = {}
    t = threading.Thread(target=lambda: out.setdefault(
        "r", web.post(m.group(1).replace("&amp;", "&"), {"back": "/home"})))
    t.start()
    try:
        assert asked.wait(WAIT), "the follow never asked the peer"
        r = second.post("/settings/delete", {"password": PASSWORD})
        assert r.status == 303, "the deletion: %r" % r
    finally:
        go.set()
        t.join(WAIT)
        p.routes.pop("/.well-known/webfinger", None)
    assert "r" in out, "the follow never answered"
    for table in ("follows", "follow_requests"):
        n = inst.scalar("SELECT count(*) FROM %s WHERE account_id = %s" % (table, acct))
        assert n == "0", "%s %s rows of the deleted account" % (n, table)
    jobs = inst.scalar("SELECT count(*) FROM jobs WHERE kind = 'deliver' AND payload ->> 'signer'"
                       " = '%s' AND payload -> 'activity' ->> 'type' = 'Follow'" % acct)
    assert jobs == "0" and not p.activities("Follow"), "a Follow of the deleted account"


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
