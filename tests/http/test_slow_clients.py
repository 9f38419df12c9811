"""Slow and abusive clients (issue 15): a head sent one line at a time, a body trickled a byte
at a time, and idle connections past the connection limit. libmicrohttpd's
connection_timeout counts only idle time, so each byte used to buy another 60 s here; now a
request's head must arrive within header_timeout seconds and its body keep up body_min_rate
bytes a second (server/http/slowguard.c). Every test asserts that the hostile connection is
closed by the server, long before the idle timeout could have done it, and that a polite
client got its answer while the hostile ones were open. The timeouts are set small here; the
waits are only upper bounds (a failing server never closes them at all)."""

import os
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("slow_clients")
test = suite.test
LIMIT = 300
# the idle timeout is far away: only the new deadlines can close a connection within a test
inst = harness.Instance(suite, "slow_clients", connection_timeout=600, header_timeout=3,
                        body_min_rate=50, connection_limit=LIMIT, connections_per_address=16,
                        threads=4)


def setup():
    inst.setup()
    harness.start_for_flood(inst, 2200)


SOCKETS = harness.Sockets(inst)
OPEN = SOCKETS.open
connect = SOCKETS.connect
close_all = SOCKETS.close_all
closed_by_server = harness.closed_by_server


def rss_kb():
    with open("/proc/%d/status" % inst.server.pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def polite(src):
    c = harness.WebClient(inst.port, source=src, timeout=10)
    r = c.get("/about")
    assert r.status == 200, "the polite client: %r" % r
    return r


class Trickler:
    """Sends `first`, then `piece` every `every` seconds on its own connection until the
    server closes it (or `limit` seconds pass); counts what it sent."""

    def __init__(self, src, first, piece, every=0.5, limit=60):
        self.sock = connect(src)
        self.sock.sendall(first)
        self.piece, self.every, self.limit = piece, every, limit
        self.sent = 0
        self.closed_at = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        t0 = time.monotonic()
        while time.monotonic() - t0 < self.limit:
            if closed_by_server(self.sock, self.every):
                self.closed_at = time.monotonic() - t0
                return
            try:
                self.sock.sendall(self.piece)
                self.sent += 1
            except OSError:
                self.closed_at = time.monotonic() - t0
                return

    def open(self):
        return self.closed_at is None

    def wait_closed(self, what):
        self.thread.join(self.limit + 5)
        assert self.closed_at is not None, "%s: still open after %d s (%d pieces sent)" % (
            what, self.limit, self.sent)


@test
def test_slowloris_head():
    """heads sent one header line every half second: a polite client is answered while they
    are open, and the server closes them (header_timeout 3 s; the idle timeout of 600 s never
    comes near)"""
    try:
        slow = [Trickler("127.0.0.2", b"GET /about HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                         b"X-Slow: a\r\n") for _ in range(4)]
        polite("127.0.0.3")
        assert any(t.open() for t in slow), "the slow heads were closed before the polite GET"
        for i, t in enumerate(slow):
            t.wait_closed("slow head #%d" % (i + 1))
            assert t.sent >= 2, "slow head #%d was closed before it trickled" % (i + 1)
        polite("127.0.0.3")
    finally:
        close_all()


@test
def test_trickled_body():
    """a body sent one byte a second (well under body_min_rate): a polite client is answered
    meanwhile, and the server closes the connection without an answer"""
    try:
        head = (b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 400\r\n\r\n")
        slow = [Trickler("127.0.0.4", head, b"a", every=1) for _ in range(3)]
        polite("127.0.0.5")
        assert any(t.open() for t in slow), "the trickled bodies were closed before the GET"
        for i, t in enumerate(slow):
            t.wait_closed("trickled body #%d" % (i + 1))
            assert t.sent < 400, "the whole body went through"
        polite("127.0.0.5")
    finally:
        close_all()


@test
def test_steady_upload_is_not_cut():
    """a body that keeps up more than body_min_rate (about 200 bytes a second for 5 s) is
    read to the end and answered"""
    s = connect("127.0.0.6")
    try:
        body = b"username=nobody&password=" + b"x" * 975
        s.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Content-Type: application/x-www-form-urlencoded\r\n"
                  b"Content-Length: %d\r\n\r\n" % len(body))
        for i in range(0, len(body), 100):
            s.sendall(body[i:i + 100])
            time.sleep(0.5)
        status = harness.read_response(s)
        assert status is not None
    finally:
        close_all()


@test
def test_idle_flood_past_the_limit():
    """1,500 idle connections from 150 addresses against a limit of 300: memory stays bounded
    (the server's RSS grows by less than 48 MB), the server closes the idle ones, and a
    polite client is answered while the flood goes on"""
    before = rss_kb()
    try:
        for i in range(1500):
            try:
                connect("127.0.2.%d" % (i % 150 + 1))
            except OSError:
                pass  # refused or reset: the limit at work
        during = rss_kb()
        assert during - before < 48 * 1024, "RSS grew from %d to %d kB" % (before, during)
        # the flood keeps coming back: each round reopens what was closed
        served = []

        def ask():
            try:
                polite("127.0.0.7")
                served.append(True)
                return True
            except (AssertionError, OSError):
                for i in range(300):
                    try:
                        connect("127.0.3.%d" % (i % 150 + 1))
                    except OSError:
                        pass
                return False

        harness.wait_for(ask, timeout=60, interval=0.5, what="the polite client answered")
        assert rss_kb() - before < 48 * 1024, "RSS grew past 48 MB"
        survivors = [s for s in OPEN[:1500] if not closed_by_server(s, 0)]
        harness.wait_for(lambda: all(closed_by_server(s, 0) for s in survivors), timeout=60,
                         what="the idle connections closed by the server")
    finally:
        close_all()
    polite("127.0.0.7")
    assert inst.server.alive()


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
