"""The inbox's group commit (server/jobs/group.c): signed POSTs to the inbox are stored in
batches, one statement and one commit for whatever arrived meanwhile, and each POST is
answered 202 only once the commit that holds it is done.

Instance A runs on a throwaway cluster of its own (the last test stops it) with no job
workers, so that every stored activity stays in the jobs table to be counted. A fake peer's
actor signs the activities (Likes, each with its own id). To make a batch of a known size
without any clock, a psql session holds a SHARE lock on jobs: the first POST's batch waits
for it (seen in pg_stat_activity), the POSTs sent meanwhile queue behind it (the server's
debug log counts them), and releasing the lock (or stopping the cluster) decides them all."""

import json
import os
import subprocess
import sys
import threading
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("inbox_group")
test = suite.test
WAIT = 60
state = {}


def setup():
    a = harness.peer_instance(suite, "inbox_group", workers=0)
    cluster = harness.ScratchCluster(a.tmp)
    suite.add_cleanup(cluster.destroy)
    cluster.init()
    cluster.start()
    a.cluster = cluster
    a.setup()
    a.start_server()
    g = harness.FakePeer(suite)
    harness.allow_peer(a, g.domain)
    state.update(A=a, cluster=cluster, G=g, actor=g.add_actor("gina"))
    # gina's key, fetched once: POSTs signed with a key being fetched are answered 401
    harness.assert_status(post(like("hello")), 202, "gina's first activity")


def like(word):
    actor = state["actor"]
    return {"@context": "https://www.w3.org/ns/activitystreams",
            "id": "%s/likes/%s-%s" % (actor.uri, word, uuid.uuid4().hex), "type": "Like",
            "actor": actor.uri, "object": "%s/users/nobody/statuses/1" % actor.peer.base}


def post(activity):
    """POSTs activity to A's shared inbox, signed by gina; the response. A long timeout: some
    of these wait for a lock the test holds."""
    a, actor = state["A"], state["actor"]
    body = json.dumps(activity).encode()
    h = harness.sign_headers(actor.key, actor.key_id, "POST", "/inbox",
                             "127.0.0.1:%d" % a.port, body=body)
    return harness.request(a.port, "POST", "/inbox", headers=h, body=body, timeout=WAIT)


def stored(activity):
    return int(state["A"].scalar(
        "SELECT count(*) FROM jobs WHERE kind = 'inbox' AND payload #>> '{activity,id}' = '%s'"
        % activity["id"]))


class Sender(threading.Thread):
    """One POST on a thread of its own; .response (or .error) once it is answered."""

    def __init__(self, activity):
        super().__init__(daemon=True)
        self.activity, self.response, self.error = activity, None, None
        self.start()

    def run(self):
        try:
            self.response = post(self.activity)
        except Exception as e:  # noqa: BLE001 - reported by the test
            self.error = e

    def answer(self):
        self.join(WAIT)
        assert not self.is_alive(), "no answer to %s" % self.activity["id"]
        assert self.error is None, self.error
        return self.response


class JobsLock:
    """A psql session holding a SHARE lock on jobs (INSERTs wait) until release()."""

    def __init__(self):
        c = state["cluster"]
        self.proc = subprocess.Popen(
            ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"] + c._args(state["A"].dbname),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        suite.add_cleanup(self.kill)
        self.proc.stdin.write("BEGIN; LOCK TABLE jobs IN SHARE MODE; SELECT 'locked';\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == "locked", self.proc.stderr.read()

    def release(self):
        self.proc.stdin.write("COMMIT;\n")
        self.proc.stdin.close()
        assert self.proc.wait(WAIT) == 0, self.proc.stderr.read()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def batch_waits_for_lock():
    return int(state["A"].scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND query LIKE 'WITH fresh AS%'")) == 1


def log_since(mark):
    return state["A"].server.log()[mark:]


def blocked_batch_and_queue(words):
    """Holds the lock, sends a first POST (its batch waits for the lock), then one POST per
    word, and waits until they all wait in the group's queue. Returns (lock, first sender,
    senders)."""
    lock = JobsLock()
    mark = len(state["A"].server.log())
    first = Sender(like("first"))
    harness.wait_for(batch_waits_for_lock, WAIT, what="the first batch to wait for the lock")
    senders = [Sender(like(w)) for w in words]
    harness.wait_for(lambda: "inbox: %d activities wait for the next batch" % len(words)
                     in log_since(mark), WAIT, what="%d activities queued" % len(words))
    return lock, first, senders


@test
def test_concurrent_posts_are_each_stored_once():
    """48 Likes POSTed at once on 16 connections: every one answered 202 and stored exactly
    once; one whose id was received before is answered 202 and not stored"""
    acts = [like("many%d" % i) for i in range(48)]
    answers = harness.parallel(post, acts, 16)
    for act, r in zip(acts, answers):
        assert not isinstance(r, Exception), r
        harness.assert_status(r, 202, act["id"])
    for act in acts:
        assert stored(act) == 1, (act["id"], stored(act))
    seen = like("seen")
    state["A"].psql("INSERT INTO activities_seen (uri) VALUES ('%s')" % seen["id"])
    harness.assert_status(post(seen), 202, "an activity received before")
    assert stored(seen) == 0


@test
def test_answers_wait_for_the_commit_that_holds_them():
    """Four POSTs that arrive while a batch waits are stored together in the next one, and
    none is answered before the commit that holds it"""
    mark = len(state["A"].server.log())
    lock, first, senders = blocked_batch_and_queue(["wait%d" % i for i in range(4)])
    # the first batch can't commit, so nobody can have been answered
    for s in [first] + senders:
        assert s.is_alive() and s.response is None, "answered before its commit: %s" % (
            s.activity["id"])
    for s in [first] + senders:
        assert stored(s.activity) == 0, s.activity["id"]
    lock.release()
    for s in [first] + senders:
        harness.assert_status(s.answer(), 202, s.activity["id"])
        assert stored(s.activity) == 1, s.activity["id"]
    assert "inbox: 4 activities stored in one commit" in log_since(mark), log_since(mark)


@test
def test_a_refused_member_fails_alone():
    """A batch with one activity PostgreSQL refuses (a trigger plays the refusal): that POST
    is answered 500 and not stored; the batch's others are answered 202 and stored"""
    a = state["A"]
    a.psql("CREATE FUNCTION refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
           "IF NEW.payload #>> '{activity,id}' LIKE '%/likes/refuse-me-%' THEN "
           "RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$")
    a.psql("CREATE TRIGGER refuse_marked BEFORE INSERT ON jobs FOR EACH ROW "
           "EXECUTE FUNCTION refuse_marked()")
    try:
        mark = len(a.server.log())
        lock, first, senders = blocked_batch_and_queue(["good0", "refuse-me", "good1", "good2"])
        lock.release()
        harness.assert_status(first.answer(), 202, "the first POST")
        for s in senders:
            refused = "/likes/refuse-me-" in s.activity["id"]
            harness.assert_status(s.answer(), 500 if refused else 202, s.activity["id"])
            assert stored(s.activity) == (0 if refused else 1), s.activity["id"]
        assert "a batch of 4 activities failed" in log_since(mark), log_since(mark)
    finally:
        a.psql("DROP TRIGGER refuse_marked ON jobs")
        a.psql("DROP FUNCTION refuse_marked()")


@test
def test_database_away_mid_batch():
    """PostgreSQL stops while a batch waits and four more POSTs wait behind it: each of them
    is answered 503 with Retry-After and none is stored; once PostgreSQL is back, the same
    process stores and acknowledges again"""
    cluster = state["cluster"]
    lock, first, senders = blocked_batch_and_queue(["away%d" % i for i in range(4)])
    cluster.stop()  # ends the lock's session and the waiting batch's alike
    lock.kill()
    answers = [(s, s.answer()) for s in [first] + senders]
    cluster.start()
    for s, r in answers:
        harness.assert_status(r, 503, s.activity["id"])
        assert (r.header("Retry-After") or "").isdigit(), r.header("Retry-After")
        assert stored(s.activity) == 0, s.activity["id"]
    after = like("after")

    def acknowledged():
        r = post(after)
        assert r.status in (202, 503), r.status
        return r.status == 202
    harness.wait_for(acknowledged, WAIT, what="an activity acknowledged again")
    assert stored(after) == 1


harness.add_server_end_tests(suite, lambda: state["A"].server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
