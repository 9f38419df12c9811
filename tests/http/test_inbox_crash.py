"""An inbox activity acknowledged to its peer is applied even when the worker applying it died
half-way (issue 15: nothing acknowledged and lost). The job marks the activity seen before
applying it; a worker killed between that mark and the effects leaves exactly this state: the
job still queued (its lease runs out) and the mark in activities_seen. The test makes that
state by hand, with no worker running and no clock, then starts the worker: the same job must
apply the activity, and a replay of it queued as another job must not apply it twice."""

import json
import os
import sys
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("inbox_crash")
test = suite.test
state = {}


def setup():
    a = harness.peer_instance(suite, "inbox_crash", workers=0)
    a.setup()
    a.start_server()
    g = harness.FakePeer(suite)
    harness.allow_peer(a, g.domain)
    rose = harness.member(a, "rose")
    sid = harness.post_and_get_id(a, rose, "rose", "a post to like")
    state.update(A=a, G=g, actor=g.add_actor("gina"), sid=sid)


def post(activity):
    a, actor = state["A"], state["actor"]
    body = json.dumps(activity).encode()
    h = harness.sign_headers(actor.key, actor.key_id, "POST", "/inbox",
                             "127.0.0.1:%d" % a.port, body=body)
    return harness.request(a.port, "POST", "/inbox", headers=h, body=body)


@test
def test_job_applies_what_its_crashed_run_marked():
    """A Like whose earlier run marked it seen and died is applied by the next run of its job;
    a second job carrying the same Like (a replay queued before either ran) does nothing"""
    a, actor = state["A"], state["actor"]
    like = {"@context": "https://www.w3.org/ns/activitystreams",
            "id": "%s/likes/%s" % (actor.uri, uuid.uuid4().hex), "type": "Like",
            "actor": actor.uri,
            "object": "%s/users/rose/statuses/%s" % (harness.instance_base(a), state["sid"])}
    # the first POST may meet gina's key being fetched (401): the next one is stored
    r = harness.wait_for(lambda: (lambda r: r if r.status == 202 else None)(post(like)),
                         what="the Like accepted")
    assert r.status == 202, r
    job = a.scalar("SELECT id FROM jobs WHERE kind = 'inbox' AND payload #>> '{activity,id}' = "
                   "'%s'" % like["id"])
    # the state a worker killed after the mark leaves: the mark under the job, one attempt
    a.scalar(
        "WITH m AS (INSERT INTO activities_seen (uri, job_id) VALUES ('%s', %s) RETURNING 1)"
        " SELECT count(*) FROM m" % (like["id"], job))
    a.scalar("WITH u AS (UPDATE jobs SET attempts = 1 WHERE id = %s RETURNING 1)"
             " SELECT count(*) FROM u" % job)
    # a replay of the same Like, queued as another job before either ran
    a.scalar("WITH c AS (INSERT INTO jobs (kind, payload) SELECT kind, payload FROM jobs"
             " WHERE id = %s RETURNING 1) SELECT count(*) FROM c" % job)
    assert a.scalar("SELECT count(*) FROM favourites") == "0"
    # now a worker runs
    a.server.stop()
    a.settings["workers"] = 1
    a.write_config(a.conf, a.settings)
    a.start_server("inbox_crash-worker")
    harness.wait_for(lambda: a.scalar("SELECT count(*) FROM jobs WHERE kind = 'inbox'") == "0",
                     what="the inbox jobs done")
    assert a.scalar("SELECT count(*) FROM favourites WHERE status_id = %s" % state["sid"]) == "1", \
        "the Like its crashed run had marked was lost"
    assert a.scalar("SELECT count(*) FROM notifications WHERE type = 'favourite'") == "1", \
        "the Like was applied twice"
    assert a.scalar("SELECT job_id FROM activities_seen WHERE uri = '%s'" % like["id"]) == job


if __name__ == "__main__":
    sys.exit(suite.run(setup))
