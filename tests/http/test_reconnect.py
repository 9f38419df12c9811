"""The server outlives PostgreSQL restarts: /healthz says 503 while the database is away, pages
still answer, and the same process recovers when it comes back. Uses a throwaway cluster of its
own so that stopping it disturbs no other test."""

import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

RECOVERY_TIMEOUT = 10  # seconds for /healthz to be 200 again after PostgreSQL is back

suite = harness.Suite("reconnect")
test = suite.test
state = {}


def setup():
    # The instance (and its temp dir) first, so that the cluster inside it is destroyed
    # before the directory is removed.
    tmp = harness.Instance(suite, "reconnect")
    cluster = harness.ScratchCluster(tmp.tmp)
    suite.add_cleanup(cluster.destroy)
    cluster.init()
    cluster.start()
    tmp.cluster = cluster
    tmp.setup()
    state["inst"], state["cluster"] = tmp, cluster
    srv = tmp.start_server()
    state["pid"] = srv.pid


def inst():
    return state["inst"]


def get(path, timeout=10):
    return harness.request(inst().port, "GET", path, timeout=timeout)


def assert_same_process():
    srv = inst().server
    assert srv.alive(), "the server died (exit %s):\n%s" % (srv.proc.returncode, srv.log_tail())
    assert srv.pid == state["pid"], "a different process answers"


@test
def test_up():
    """with PostgreSQL up: /healthz 200 and / 200"""
    r = get("/healthz")
    assert r.status == 200, r
    r = get("/")
    assert r.status == 200, r


def outage(round_no):
    state["cluster"].stop()
    t0 = time.monotonic()
    r = get("/healthz")
    took = time.monotonic() - t0
    assert r.status == 503, "round %d: /healthz with PostgreSQL down: %r" % (round_no, r)
    assert r.header("Cache-Control") == "no-store", r.header("Cache-Control")
    assert took < 5, "round %d: /healthz took %.1f s with PostgreSQL down" % (round_no, took)
    harness.check_security_headers(r, "503")
    for path in ("/", "/about"):
        r = get(path)
        assert r.status in (200, 503), "round %d: %s with PostgreSQL down: %r" % (
            round_no, path, r)
        assert r.header("Content-Type", "").startswith("text/html"), r.header("Content-Type")
    r = get("/static/parasol.css")
    assert r.status == 200, "round %d: static file with PostgreSQL down: %r" % (round_no, r)
    # Several requests, so that every worker thread has met the outage.
    for _ in range(10):
        assert get("/healthz").status == 503
    assert_same_process()


def recovery(round_no):
    state["cluster"].start()
    deadline = time.monotonic() + RECOVERY_TIMEOUT
    last = None
    while time.monotonic() < deadline:
        last = get("/healthz")
        if last.status == 200:
            break
        time.sleep(0.2)
    assert last is not None and last.status == 200, \
        "round %d: /healthz not 200 within %d s of PostgreSQL's return: %r" % (
            round_no, RECOVERY_TIMEOUT, last)
    # Every thread must have recovered, not just the one that answered first.
    bad = [r for r in harness.parallel(lambda p: get(p), ["/healthz"] * 20, threads=5)
           if isinstance(r, Exception) or r.status != 200]
    assert not bad, "round %d: after recovery: %r" % (round_no, bad[:5])
    r = get("/about")
    assert r.status == 200 and "<dd>0</dd>" in r.text, "member count after recovery: %r" % r
    assert_same_process()


@test
def test_outage_1():
    """PostgreSQL stopped (1st time): /healthz 503, pages still answer, no crash"""
    outage(1)


@test
def test_recovery_1():
    """PostgreSQL back (1st time): the same process answers /healthz 200 again"""
    recovery(1)


@test
def test_outage_2():
    """PostgreSQL stopped (2nd time): /healthz 503, pages still answer, no crash"""
    outage(2)


@test
def test_recovery_2():
    """PostgreSQL back (2nd time): the same process answers /healthz 200 again"""
    recovery(2)


@test
def test_members_told_the_truth_during_an_outage():
    """PostgreSQL stopped (3rd time) with a member signed in: /home answers 503 with
    Retry-After, never a redirect to the sign-in page; a post sent meanwhile answers 503 and
    is not stored; when PostgreSQL is back the same session works again"""
    c = harness.member(inst(), "rosa")
    assert c.get("/home").status == 200
    token = c.csrf()
    state["cluster"].stop()
    for _ in range(6):  # every worker thread meets the outage
        r = c.get("/home")
        assert r.status == 503, r
        assert r.header("Retry-After", "").isdigit(), r.header("Retry-After")
        assert r.header("Location") is None, r.header("Location")
    for path in ("/@rosa", "/@rosa@elsewhere.example"):  # not "no such account"
        r = get(path)
        assert r.status == 503, (path, r)
    r = c.post("/statuses", {"text": "sent during the outage", "visibility": "public"},
               csrf=token)
    assert r.status == 503, r
    assert r.header("Retry-After", "").isdigit(), r.header("Retry-After")
    state["cluster"].start()
    deadline = time.monotonic() + RECOVERY_TIMEOUT
    while get("/healthz").status != 200:
        assert time.monotonic() < deadline, "not healthy again"
        time.sleep(0.2)
    r = c.get("/home")
    assert r.status == 200 and "rosa" in r.text, r
    assert inst().scalar("SELECT count(*) FROM statuses WHERE text = 'sent during the outage'") \
        == "0"
    assert_same_process()


harness.add_server_end_tests(suite, lambda: inst().server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
