"""The lockdown's held deliveries after a long lockdown (issue 12's review): "held, not lost".
A delivery is given up once it is two days old (jobs/queue.h), and a held one is never tried,
so after a lockdown of three days each held delivery had one try: a peer that was down at that
moment lost it for good, Deletes of deleted accounts included. The days spent held must not
count. The three days are made by moving the rows' times back by hand (the lockdown's log
record and the queued delivery), the same as three days passing."""

import os
import sys
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("attack_lockdown")
test = suite.test
inst = harness.peer_instance(suite, "attack_lockdown", page_cache_seconds=0,
                             retry_first_delay="1", workers="2")
WAIT = 60
c = {}
st = {}


def setup():
    inst.setup()
    inst.start_server()
    c["root"] = harness.member(inst, "root", role="admin")
    c["lou"] = harness.member(inst, "lou")
    p = harness.FakePeer(suite)
    harness.allow_peer(inst, p.domain)
    st["p"], st["fay"] = p, p.add_actor("fay")
    fay = st["fay"]
    r = fay.post(inst.port, "/users/lou/inbox", {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "%s#follows/%s" % (fay.uri, uuid.uuid4().hex), "type": "Follow",
        "actor": fay.uri, "object": "%s/users/lou" % harness.instance_base(inst)})
    harness.assert_status(r, 202, "fay's Follow")
    harness.wait_for(lambda: inst.scalar(
        "SELECT count(*) FROM follows f JOIN accounts r ON r.id = f.account_id"
        " WHERE r.uri = '%s'" % fay.uri) == "1", WAIT, what="fay to follow lou")


def posts_with(words, answered=None):
    return [r for r in st["p"].requests_to("POST")
            if words.encode() in r["body"] and (answered is None or r["answered"] == answered)]


@test
def test_long_lockdown_loses_no_delivery():
    """a post made during a three-day lockdown reaches the peer after it, although the peer
    was down at the first try: the delivery is retried, not given up as too old"""
    p = st["p"]
    r = c["root"].post("/admin/lockdown", {"lockdown": "on", "reason": "a raid nearby"})
    assert r.status == 303, r
    words = "heldwords_" + uuid.uuid4().hex[:8]
    assert harness.publish(c["lou"], words).status == 303
    harness.wait_for(lambda: inst.scalar(
        "SELECT count(*) FROM jobs WHERE kind = 'deliver' AND payload::text LIKE '%%%s%%'"
        % words) == "1", WAIT, what="the held delivery")
    # three days of lockdown
    inst.psql("UPDATE mod_actions SET created_at = created_at - interval '3 days'"
              " WHERE kind = 'lockdown'")
    inst.psql("UPDATE jobs SET created_at = created_at - interval '3 days' WHERE kind = 'deliver'")
    p.inbox_status = 503
    r = c["root"].post("/admin/lockdown", {"lockdown": "off", "reason": ""})
    assert r.status == 303, r
    harness.wait_for(lambda: posts_with(words, 503), WAIT, what="the first try, refused")
    job = ("SELECT count(*) FROM jobs WHERE kind = 'deliver' AND payload::text LIKE '%%%s%%'"
           % words)
    harness.wait_for(lambda: inst.scalar(job) == "0" or inst.scalar(
        job + " AND last_error IS NOT NULL") == "1", WAIT, what="the try's outcome")
    assert inst.scalar(job) == "1", "the held delivery was given up after one try"
    p.inbox_status = 202
    harness.wait_for(lambda: posts_with(words, 202), WAIT,
                     what="the delivery tried again once the peer is back")
    assert "given up" not in "\n".join(
        line for line in inst.server.log().splitlines() if "job deliver" in line)


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
