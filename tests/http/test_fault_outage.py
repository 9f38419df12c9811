"""PostgreSQL away while a member posts: A (alice, on a throwaway cluster of its own, so that
stopping it disturbs no other test) has followers on B (bob, a real parasol instance) and on a
fake peer G. alice posts one post after another while A's PostgreSQL is stopped and started
again. Every post is answered either 303 (stored: acknowledged) or 503 with Retry-After
(refused: not stored), never a redirect to the sign-in page; once PostgreSQL is back, without
restarting A, every acknowledged post reaches B and G exactly once and no refused one reaches
anyone. The outage lasts until the member has been refused three times, whatever the time that
takes: nothing here depends on a clock."""

import json
import os
import sys
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("fault_outage")
test = suite.test
WAIT = 60
state = {}


def setup():
    # A's instance (and its temp dir) first, so that its cluster is destroyed before the
    # directory is removed.
    a = harness.peer_instance(suite, "fault_outage_a", retry_first_delay="1")
    cluster = harness.ScratchCluster(a.tmp)
    suite.add_cleanup(cluster.destroy)
    cluster.init()
    cluster.start()
    a.cluster = cluster
    b = harness.peer_instance(suite, "fault_outage_b")
    for inst in (a, b):
        inst.setup()
        inst.start_server()
    state.update(A=a, B=b, cluster=cluster)
    harness.allow_peer(a, harness.instance_domain(b))
    harness.allow_peer(b, harness.instance_domain(a))
    state["alice"] = harness.member(a, "alice")
    state["bob"] = harness.member(b, "bob")
    g = harness.FakePeer(suite)
    harness.allow_peer(a, g.domain)
    state["G"] = g
    follower = g.add_actor("gina")
    r = follower.post(a.port, "/users/alice/inbox", {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "%s#follows/%s" % (follower.uri, uuid.uuid4().hex), "type": "Follow",
        "actor": follower.uri, "object": "%s/users/alice" % harness.instance_base(a)})
    harness.assert_status(r, 202, "gina's Follow")
    acct = "alice@" + harness.instance_domain(a)
    bob = state["bob"]
    harness.assert_status(bob.get("/search?q=%40" + acct), 200, "bob's search")
    harness.assert_status(bob.post("/@%s/follow" % acct, {"back": "/home"}), 303,
                          "bob follows alice")
    harness.wait_for(lambda: a.scalar("SELECT count(*) FROM follows") == "2", WAIT,
                     what="alice's two followers")


def on_a(word):
    return int(state["A"].scalar("SELECT count(*) FROM statuses WHERE text LIKE '%%%s%%'"
                                 % word))


def on_b(word):
    return int(state["B"].scalar("SELECT count(*) FROM statuses WHERE content LIKE '%%%s%%'"
                                 % word))


def creates_at_g(word):
    return {a["id"] for a in state["G"].activities("Create") if word in json.dumps(a)}


@test
def test_posts_during_an_outage_are_refused_or_delivered_once():
    """alice posts while A's PostgreSQL stops and comes back: each post is 303 or 503 with
    Retry-After (never a redirect to /login); the acknowledged ones reach B and G exactly once,
    the refused ones nowhere, and A recovers without a restart"""
    alice, cluster = state["alice"], state["cluster"]
    alice.csrf()  # the form token, fetched while the database is up
    answers = []  # (word, status, location, retry_after)

    def post(i):
        word = "outage%02dw" % i
        r = harness.publish(alice, "to all my followers " + word, visibility="public")
        answers.append((word, r.status, r.header("Location"), r.header("Retry-After")))
        return r.status

    i = 0
    for _ in range(3):  # acknowledged before the outage
        assert post(i) == 303
        i += 1
    cluster.stop()
    while sum(1 for a in answers if a[1] == 503) < 3:
        post(i)
        i += 1
        assert i < 100, "never refused while PostgreSQL was stopped"
    cluster.start()
    # until three posts in a row are acknowledged again: the same process recovers
    streak = 0
    while streak < 3:
        streak = streak + 1 if post(i) == 303 else 0
        i += 1
        assert i < 400, "posting did not recover after PostgreSQL came back"
    for word, status, location, retry_after in answers:
        assert status in (303, 503), (word, status)
        if status == 303:
            assert location and "/login" not in location, (word, location)
        else:
            assert retry_after and retry_after.isdigit(), (word, retry_after)
    acked = [a[0] for a in answers if a[1] == 303]
    lost = [a[0] for a in answers if a[1] == 503]
    assert len(lost) >= 3 and len(acked) >= 6, answers

    def all_arrived():
        return all(on_b(w) >= 1 and creates_at_g(w) for w in acked)
    try:
        harness.wait_for(all_arrived, WAIT, what="every acknowledged post at B and G")
    except AssertionError as e:
        jobs = state["A"].psql("SELECT kind, attempts, run_at, left(last_error, 200),"
                               " left(payload::text, 160) FROM jobs ORDER BY id")
        raise AssertionError("%s: missing at B %r, at G %r; A's jobs %r" % (
            e, [w for w in acked if on_b(w) < 1], [w for w in acked if not creates_at_g(w)],
            jobs))
    harness.wait_for(lambda: state["A"].scalar(
        "SELECT count(*) FROM jobs WHERE kind = 'deliver'") == "0", WAIT,
        what="A to have nothing left to deliver")
    for w in acked:
        assert on_a(w) == 1, (w, on_a(w))
        assert on_b(w) == 1, "B holds %d copies of %s" % (on_b(w), w)
        assert len(creates_at_g(w)) == 1, (w, creates_at_g(w))
    for w in lost:
        assert on_a(w) == 0 and on_b(w) == 0 and not creates_at_g(w), w


harness.add_server_end_tests(suite, lambda: state["A"].server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
