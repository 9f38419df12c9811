"""A peer whose inbox hangs does not hold up deliveries to anyone else. A (alice; two job
workers; a fetch timeout of ten minutes, so that nothing here waits for a timeout) has
followers on H, a fake peer whose inboxes take every POST and never answer while the test
runs, each with an inbox of its own (no shared inbox): the Accept of each Follow hangs there.
A direct message alice writes to gwen on G, another fake peer, must still arrive, while H
still holds every request it was sent — one peer's deliveries run on one worker at a time
(server/db/jobs.c, migration 0024)."""

import json
import os
import sys
import threading
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("delivery_hang")
test = suite.test
A = harness.peer_instance(suite, "delivery_hang", workers="2", fetch_timeout="600")
WAIT = 20
state = {}
clients = {}


def setup():
    A.setup()
    A.start_server()
    clients["alice"] = harness.member(A, "alice")
    for name in ("H", "G"):
        peer = harness.FakePeer(suite)
        harness.allow_peer(A, peer.domain)
        state[name] = peer
    H = state["H"]
    H.hold = threading.Event()  # never set while the tests run: H hangs
    # (set at the end, so that A's workers and H's threads can finish)
    suite.add_cleanup(H.hold.set)
    state["gwen"] = state["G"].add_actor("gwen")
    state["hangers"] = [H.add_actor("h%d" % i, shared_inbox=False) for i in range(4)]


def q(s):
    return s.replace("'", "''")


def alice_uri():
    return "%s/users/alice" % harness.instance_base(A)


def follows(actor):
    return A.scalar("SELECT count(*) FROM follows f JOIN accounts r ON r.id = f.account_id"
                    " WHERE r.uri = '%s'" % q(actor.uri)) == "1"


def follow_alice(actor):
    fid = "%s#follows/%s" % (actor.uri, uuid.uuid4().hex)
    r = actor.post(A.port, "/users/alice/inbox",
                   {"@context": "https://www.w3.org/ns/activitystreams", "id": fid,
                    "type": "Follow", "actor": actor.uri, "object": alice_uri()})
    harness.assert_status(r, 202, "Follow from %s" % actor.name)
    harness.wait_for(lambda: follows(actor), WAIT, what="%s to follow alice" % actor.name)


def held_posts(peer):
    return [r for r in peer.requests_to("POST") if r.get("held")]


@test
def test_hanging_peer_does_not_delay_a_direct_message():
    """four followers on H, whose Accepts hang there; a direct message to gwen@G arrives
    while every request H was sent is still unanswered"""
    H, G, gwen = state["H"], state["G"], state["gwen"]
    for actor in state["hangers"]:
        follow_alice(actor)
    # the first Accept is in flight at H and hangs; the others wait for it
    harness.wait_for(lambda: held_posts(H), WAIT, what="an Accept hanging at H")
    word = "dm%s" % uuid.uuid4().hex[:10]
    harness.post_and_get_id(A, clients["alice"], "alice",
                            "@gwen@%s only for you %s" % (G.domain, word), visibility="direct")
    got = harness.wait_for(lambda: [x for x in G.activities("Create")
                                    if word in json.dumps(x)], WAIT,
                           what="the direct message at G")
    assert got[0]["_path"] == "/inbox", got[0]["_path"]
    assert not H.hold.is_set(), "H stopped hanging"
    held = held_posts(H)
    assert held and len(held) == len(H.requests_to("POST")), "H answered a request"
    # one delivery at a time to H: the others wait in the queue, not on a worker
    running = A.scalar("SELECT count(*) FROM jobs WHERE kind = 'deliver' AND leased_by IS NOT"
                       " NULL AND run_at > now() AND payload->>'inbox' LIKE '%s/%%'"
                       % q(H.base))
    assert running == "1", "%s deliveries to H are running" % running


@test
def test_inbound_work_goes_on():
    """while H hangs, an activity gwen sends A is applied (the inbox jobs share the workers)"""
    G, gwen = state["G"], state["gwen"]
    follow_alice(gwen)


harness.add_server_end_tests(suite, lambda: A.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
