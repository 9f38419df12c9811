"""The client API's streams (issue 13): /api/v1/streaming server-sent events read by a real
HTTP client (and by Mastodon.py's stream_user), decided per receiver by the timelines' rules;
events from the `parasol worker` process applying a real second parasol's activity; the caps;
the heartbeat; SIGTERM with streams open. And the API's rate-limit headers and 429.

Node A runs without job workers of its own: a separate `parasol worker` process applies what
peers deliver (and delivers A's follows), so an event it causes crosses processes. Every wait
is for an event with a generous timeout; "did not arrive" is shown by a later event on the
same stream (one thread sends a process's events in order), never by waiting a while."""

import http.client
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apiclient  # noqa: E402
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("api_streaming")
# A: the streams' node (workers = 0: a `parasol worker` process does the jobs); a heartbeat
# every second; four streams per member, ten in all
# (few threads each: the database's connections are shared with other scripts)
A = harness.peer_instance(suite, "api_streaming_a", workers="0", streaming_heartbeat="1",
                          streaming_per_member="4", streaming_limit="10", threads="4")
B = harness.peer_instance(suite, "api_streaming_b", threads="2", workers="1")
# C: a tiny request limit, for the rate-limit headers
C = harness.Instance(suite, "api_streaming_c", api_rate_limit="5", api_rate_window="3600",
                     threads="2", workers="0")
# D: a small connection limit (16): at most half of it, 8, may be streams
D = harness.Instance(suite, "api_streaming_d", connection_limit="16", threads="2",
                     workers="0")
PASSWORD = harness.PASSWORD
WAIT = 30  # seconds any one event may take to come
tokens = {}
state = {}
OPEN = []  # the streams the running test opened: closed when it ends


def test(fn):
    """A test whose streams are closed when it ends (the server notices at the next
    heartbeat, and their places come back)."""
    def run():
        try:
            fn()
        finally:
            while OPEN:
                OPEN.pop().close()
    run.__name__, run.__doc__ = fn.__name__, fn.__doc__
    return suite.test(run)


def call(inst, method, path, token=None, **kw):
    """One API request to inst (apiclient.request)."""
    return apiclient.request(inst.port, method, path, token, **kw)


def want(r, status, what):
    return apiclient.want(r, status, what)


def token_for(inst, name, scope="read write follow"):
    app = want(call(inst, "POST", "/api/v1/apps", form={
        "client_name": "stream test", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
        "scopes": scope}), 200, "registering an app")
    doc = want(call(inst, "POST", "/oauth/token", form={
        "grant_type": "password", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "username": name, "password": PASSWORD,
        "scope": scope}), 200, "a token for %s" % name)
    return doc["access_token"]


def post(inst, name, text, visibility="public"):
    return want(call(inst, "POST", "/api/v1/statuses", tokens[name],
                     form={"status": text, "visibility": visibility}), 200, "posting")


class Stream:
    """One open stream, read by a thread of its own into a queue of events: ("event",
    name, data) and ("comment", text); ("end", None, None) when the server ends it."""

    def __init__(self, inst, path, token=None, header=True, expect=200):
        self.conn = http.client.HTTPConnection("127.0.0.1", inst.port, timeout=120)
        h = {"Authorization": "Bearer " + token} if token and header else {}
        if token and not header:
            path += ("&" if "?" in path else "?") + "access_token=" + token
        self.conn.request("GET", path, headers=h)
        self.sock = self.conn.sock
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = self.resp.headers
        self.events = queue.Queue()
        if self.status != 200:
            self.body = self.resp.read()
            self.conn.close()
            assert expect is None or self.status == expect, (path, self.status, self.body)
            return
        assert expect is None or expect == 200, (path, self.status)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        OPEN.append(self)
        suite.add_cleanup(self.close)
        first = self.next(kind="comment")  # ":)": the server holds the stream from now on
        assert first[1] == ")", first

    def _read(self):
        name, data = None, []
        try:
            while True:
                line = self.resp.readline()
                if not line:
                    break
                line = line.decode("utf-8").rstrip("\n")
                if line.startswith(":"):
                    self.events.put(("comment", line[1:], None))
                elif line == "":
                    if name is not None:
                        self.events.put(("event", name, "\n".join(data)))
                    name, data = None, []
                elif line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data.append(line[6:])
                else:
                    self.events.put(("bad", line, None))
        except (OSError, http.client.HTTPException, ValueError, AttributeError):
            # (AttributeError: the test closed the response under the reader)
            pass
        self.events.put(("end", None, None))

    def next(self, kind="event", timeout=WAIT):
        """The next item of that kind (others before it are skipped, but an "end" or a
        malformed line fails)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            assert left > 0, "no %s within %d s" % (kind, timeout)
            try:
                item = self.events.get(timeout=left)
            except queue.Empty:
                raise AssertionError("no %s within %d s" % (kind, timeout))
            assert item[0] != "bad", "a malformed line: %r" % (item,)
            if item[0] == kind:
                return item
            assert item[0] != "end", "the stream ended while waiting for a %s" % kind

    def event(self, timeout=WAIT):
        """The next event, as (name, parsed data)."""
        _, name, data = self.next(timeout=timeout)
        return name, json.loads(data)

    def until(self, pred, timeout=WAIT):
        """Events up to and including the first pred(name, doc) holds for."""
        seen = []
        while True:
            name, doc = self.event(timeout)
            seen.append((name, doc))
            if pred(name, doc):
                return seen

    def ended(self, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                item = self.events.get(timeout=deadline - time.monotonic())
            except queue.Empty:
                break
            if item[0] == "end":
                return True
        return False

    def close(self):
        """Hangs up (shutdown wakes the reader thread and tells the server at once)."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.resp.close()
            self.conn.close()
        except OSError:
            pass


def is_update(sid):
    return lambda name, doc: name == "update" and isinstance(doc, dict) and doc["id"] == sid


def start_worker(inst):
    log_path = harness.output_path("api_streaming_worker.log")
    log = open(log_path, "wb")
    proc = subprocess.Popen([harness.BIN, "-c", inst.conf, "worker"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=log, env=harness.child_env())
    log.close()
    suite.add_cleanup(lambda: proc.poll() is None and proc.kill())
    state["worker"] = (proc, log_path)


def setup():
    for inst in (A, B, C, D):
        inst.setup()
        inst.start_server()
    start_worker(A)
    harness.allow_peer(A, harness.instance_domain(B))
    harness.allow_peer(B, harness.instance_domain(A))
    for name in ("rose", "lily", "fern", "moss", "ivy", "dee"):
        harness.create_account(A, name)
    harness.create_account(B, "bob")
    harness.create_account(C, "cleo")
    for name in ("una", "val"):
        harness.create_account(D, name)
        tokens[name] = token_for(D, name)
    for name in ("rose", "lily", "fern", "moss", "ivy", "dee"):
        tokens[name] = token_for(A, name)
    rose_id = A.scalar("SELECT id FROM accounts WHERE username = 'rose' AND domain IS NULL")
    state["rose_id"] = rose_id
    want(call(A, "POST", "/api/v1/accounts/%s/follow" % rose_id, tokens["lily"]), 200,
         "lily follows rose")


# --- the endpoints ---------------------------------------------------------------------------------

@test
def test_health_and_instance_urls():
    """/api/v1/streaming/health answers OK to anyone; the instance documents name the streams'
    base (ws:// for an http node, as Mastodon.py expects)"""
    r = call(A, "GET", "/api/v1/streaming/health")
    assert r.status == 200 and r.body == b"OK", r
    v1 = want(call(A, "GET", "/api/v1/instance"), 200, "v1 instance")
    assert v1["urls"]["streaming_api"] == "ws://127.0.0.1:%d" % A.port, v1["urls"]
    v2 = want(call(A, "GET", "/api/v2/instance"), 200, "v2 instance")
    assert v2["configuration"]["urls"]["streaming"] == "ws://127.0.0.1:%d" % A.port, v2


@test
def test_tokens_refused():
    """no token, a wrong token (header or ?access_token=), an app's own token and a token
    without the read scope are refused with a JSON error, and nothing streams"""
    for path, tok, header in (("/api/v1/streaming/user", None, True),
                              ("/api/v1/streaming/user", "nonsense", True),
                              ("/api/v1/streaming?stream=user", "nonsense", False),
                              ("/api/v1/streaming/public/local", None, True)):
        s = Stream(A, path, tok, header, expect=401)
        assert "error" in json.loads(s.body), s.body
    write_only = token_for(A, "moss", scope="write")
    Stream(A, "/api/v1/streaming/user", write_only, expect=403)
    s = Stream(A, "/api/v1/streaming?stream=nonsense", tokens["moss"], expect=400)
    assert json.loads(s.body)["error"] == "Unknown stream type", s.body
    Stream(A, "/api/v1/streaming/hashtag", tokens["moss"], expect=400)


@test
def test_followed_post_arrives():
    """a followed member's public post reaches the follower's user stream as `update` with
    the REST API's Status; the ?stream= and ?access_token= forms work too"""
    s = Stream(A, "/api/v1/streaming/user", tokens["lily"])
    assert s.headers["Content-Type"].startswith("text/event-stream"), s.headers
    assert s.headers["Cache-Control"] == "no-store", s.headers
    q = Stream(A, "/api/v1/streaming?stream=public:local", tokens["lily"], header=False)
    made = post(A, "rose", "a post for the stream <b>bold</b>")
    seen = s.until(is_update(made["id"]))
    doc = seen[-1][1]
    assert doc["account"]["acct"] == "rose" and "a post for the stream" in doc["content"], doc
    assert "<b>" not in doc["content"], doc["content"]  # the same sanitised entity as REST
    rest = want(call(A, "GET", "/api/v1/statuses/" + made["id"], tokens["lily"]), 200, "GET")
    assert doc["content"] == rest["content"] and doc["visibility"] == "public"
    q.until(is_update(made["id"]))


@test
def test_followers_only_reaches_followers_only():
    """a followers-only post reaches a follower's stream, not a stranger's user or public
    stream (which get the public post made after it, and nothing before)"""
    lily = Stream(A, "/api/v1/streaming/user", tokens["lily"])
    fern_user = Stream(A, "/api/v1/streaming/user", tokens["fern"])
    fern_public = Stream(A, "/api/v1/streaming/public", tokens["fern"])
    private = post(A, "rose", "for my followers only", visibility="private")
    lily.until(is_update(private["id"]))
    after = post(A, "rose", "everyone may read this one")
    lily.until(is_update(after["id"]))
    seen = fern_public.until(is_update(after["id"]))
    assert [d["id"] for n, d in seen] == [after["id"]], seen
    # fern follows nobody: her home stream gets neither (the next thing she gets is her own)
    mine = post(A, "fern", "fern's own post")
    seen = fern_user.until(is_update(mine["id"]))
    assert [d["id"] for n, d in seen] == [mine["id"]], seen


@test
def test_hashtag_streams():
    """a hashtag stream (?tag=, case as typed, a leading # dropped) gets the posts with the tag
    and not the others; hashtag/local only this node's"""
    plain = Stream(A, "/api/v1/streaming/hashtag?tag=Roses", tokens["fern"])
    local = Stream(A, "/api/v1/streaming?stream=hashtag:local&tag=%23roses", tokens["fern"])
    untagged = post(A, "rose", "no tag in this one")
    tagged = post(A, "rose", "about #roses today")
    for s in (plain, local):
        seen = s.until(is_update(tagged["id"]))
        assert untagged["id"] not in [d["id"] for n, d in seen], seen


@test
def test_block_and_mute_apply():
    """a member who blocks or mutes the author gets none of the author's posts"""
    ivy = Stream(A, "/api/v1/streaming/public/local", tokens["ivy"])
    dee = Stream(A, "/api/v1/streaming/public/local", tokens["dee"])
    rose = state["rose_id"]
    want(call(A, "POST", "/api/v1/accounts/%s/block" % rose, tokens["ivy"]), 200, "ivy blocks")
    want(call(A, "POST", "/api/v1/accounts/%s/mute" % rose, tokens["dee"]), 200, "dee mutes")
    hidden = post(A, "rose", "rose speaks")
    marker = post(A, "moss", "moss speaks")
    for s in (ivy, dee):
        seen = s.until(is_update(marker["id"]))
        assert hidden["id"] not in [d["id"] for n, d in seen], seen


@test
def test_notification_on_like():
    """a like makes a `notification` event (type favourite, the post and the liker) on the
    author's user stream and user/notification stream"""
    made = post(A, "rose", "like me")
    user = Stream(A, "/api/v1/streaming/user", tokens["rose"])
    notes = Stream(A, "/api/v1/streaming/user/notification", tokens["rose"])
    want(call(A, "POST", "/api/v1/statuses/%s/favourite" % made["id"], tokens["lily"]), 200,
         "lily likes it")
    for s in (user, notes):
        seen = s.until(lambda n, d: n == "notification")
        doc = seen[-1][1]
        assert doc["type"] == "favourite" and doc["account"]["acct"] == "lily", doc
        assert doc["status"]["id"] == made["id"], doc
        rest = want(call(A, "GET", "/api/v1/notifications", tokens["rose"]), 200, "list")
        assert rest[0]["id"] == doc["id"], (rest[0], doc)


@test
def test_delete_and_edit_events():
    """deleting a post sends `delete` with its id; an edit (here by hand in psql, another
    process) sends `status.update`"""
    s = Stream(A, "/api/v1/streaming/user", tokens["lily"])
    made = post(A, "rose", "soon edited, then gone")
    s.until(is_update(made["id"]))
    A.psql("UPDATE statuses SET content = '<p>edited by hand</p>', edited_at = now() "
           "WHERE id = %s" % made["id"])
    seen = s.until(lambda n, d: n == "status.update")
    assert seen[-1][1]["id"] == made["id"] and "edited by hand" in seen[-1][1]["content"]
    want(call(A, "DELETE", "/api/v1/statuses/" + made["id"], tokens["rose"]), 200, "delete")
    _, name, data = s.next()
    assert name == "delete" and data == made["id"], (name, data)


@test
def test_delete_of_followers_only_post():
    """the delete of a followers-only post made before the stream opened reaches a follower,
    not a stranger (who gets the public post's delete after it, and nothing before)"""
    probe = Stream(A, "/api/v1/streaming/public/local", tokens["moss"])
    private = post(A, "rose", "followers only, then deleted", visibility="private")
    public = post(A, "rose", "public, then deleted")
    probe.until(is_update(public["id"]))  # both posts' events are over: lily's stream never
    lily = Stream(A, "/api/v1/streaming/user", tokens["lily"])  # sent the private one
    fern = Stream(A, "/api/v1/streaming/user", tokens["fern"])
    for made in (private, public):
        want(call(A, "DELETE", "/api/v1/statuses/" + made["id"], tokens["rose"]), 200, "delete")
    assert lily.next()[1:] == ("delete", private["id"])
    assert lily.next()[1:] == ("delete", public["id"])
    assert fern.next()[1:] == ("delete", public["id"])


@test
def test_revoked_token_ends_stream():
    """a stream whose token is revoked ends at its next event, and is sent nothing"""
    tok = token_for(A, "moss")
    s = Stream(A, "/api/v1/streaming/public/local", tok)
    # revoked by hand (as /oauth/revoke and "Authorised apps" do: the row goes)
    A.psql("DELETE FROM oauth_tokens WHERE id = (SELECT max(id) FROM oauth_tokens)")
    post(A, "rose", "not for a revoked token")
    item = s.next(kind="end")
    assert item[0] == "end"
    assert s.events.empty()


@test
def test_heartbeat():
    """an idle stream gets `:thump` comments (every streaming_heartbeat seconds: 1 here)"""
    s = Stream(A, "/api/v1/streaming/user", tokens["dee"])
    assert s.next(kind="comment")[1] == "thump"


@test
def test_worker_made_post_arrives():
    """a post by a member of a second parasol, delivered to A's inbox and applied by A's
    separate `parasol worker` process, reaches the follower's stream on A's `serve`"""
    bob_acct = "bob@" + harness.instance_domain(B)
    web = harness.member(A, "lily", create=False)
    r = web.get("/search?q=" + urllib.parse.quote("@" + bob_acct))  # resolves bob on A
    harness.assert_status(r, 200, "searching bob")
    bob = {"id": harness.wait_for(lambda: A.scalar(
        "SELECT id FROM accounts WHERE username = 'bob' AND domain IS NOT NULL"),
        timeout=WAIT, what="bob's account on A")}
    want(call(A, "POST", "/api/v1/accounts/%s/follow" % bob["id"], tokens["lily"]), 200,
         "lily follows bob")
    harness.wait_for(lambda: A.scalar(
        "SELECT count(*) FROM follows WHERE account_id = (SELECT id FROM accounts WHERE "
        "username = 'lily' AND domain IS NULL) AND target_account_id = %s" % bob["id"]) == "1",
        timeout=WAIT, what="bob's server to accept lily's follow (through A's worker)")
    s = Stream(A, "/api/v1/streaming/user", tokens["lily"])
    harness.publish(harness.member(B, "bob", create=False), "hello from the other server")
    seen = s.until(lambda n, d: n == "update" and d["account"]["acct"] == bob_acct)
    assert "hello from the other server" in seen[-1][1]["content"], seen[-1][1]
    proc, log_path = state["worker"]
    with open(log_path, encoding="utf-8", errors="replace") as f:
        assert "inbox" in f.read(), "the worker process applied no inbox job"


@test
def test_post_through_a_second_serve_arrives():
    """two `serve` processes on one database: a post made through the second reaches a
    stream held by the first"""
    port = harness.free_port()
    conf = A.write_config(os.path.join(A.tmp, "second.conf"),
                          dict(A.settings, port=port, workers="0"))
    second = harness.Server(conf, port, "api_streaming_a2")
    suite.add_cleanup(second.kill)
    second.start()
    s = Stream(A, "/api/v1/streaming/user", tokens["lily"])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/api/v1/statuses", body=urllib.parse.urlencode(
        {"status": "made through the second process"}), headers={
        "Authorization": "Bearer " + tokens["rose"],
        "Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    made = json.loads(r.read())
    assert r.status == 200, made
    seen = s.until(is_update(made["id"]))
    assert "second process" in seen[-1][1]["content"]
    rc, _ = second.stop(signal.SIGTERM, 10)
    assert rc == 0
    harness.assert_no_sanitizer_reports(second.log(), second.log_path)


@test
def test_mastodonpy_stream_user():
    """Mastodon.py reads the rate-limit headers; its stream_user with a listener gets the
    update (its heartbeat handler is called for the comments)"""
    from mastodon import Mastodon, StreamListener
    base = "http://127.0.0.1:%d" % A.port
    cid, secret = Mastodon.create_app("stream listener", api_base_url=base)
    api = Mastodon(client_id=cid, client_secret=secret, api_base_url=base)
    api.log_in("lily", PASSWORD)
    # Mastodon.py reads the rate-limit headers (the reset as an ISO time, against Date)
    api.account_verify_credentials()
    assert api.ratelimit_limit == 300 and 0 < api.ratelimit_remaining < 300, (
        api.ratelimit_limit, api.ratelimit_remaining)
    assert api.ratelimit_reset > time.time(), api.ratelimit_reset
    got = queue.Queue()

    class Listener(StreamListener):
        def on_update(self, status):
            got.put(("update", status))

        def handle_heartbeat(self):
            got.put(("heartbeat", None))

    handle = api.stream_user(Listener(), run_async=True)
    suite.add_cleanup(handle.close)
    kind, _ = got.get(timeout=WAIT)  # ":)" — the stream is held
    assert kind == "heartbeat"
    made = post(A, "rose", "for Mastodon.py's listener")
    deadline = time.monotonic() + WAIT
    while True:
        kind, status = got.get(timeout=max(0.1, deadline - time.monotonic()))
        if kind == "update" and status["id"] == int(made["id"]):
            break
    assert status["account"]["acct"] == "rose" and "listener" in status["content"]
    handle.close()
    api.session.close()  # requests keeps the socket in its pool otherwise: the stream's place


@test
def test_stream_caps():
    """a member's fifth stream gets 429 with Retry-After; past ten in all, 503; a closed
    stream's place comes back (once its end is noticed, at the next heartbeat)"""
    def open_n(name, n):
        """n more streams of name's at once, or None (and none kept) when one is refused."""
        opened = []
        for _ in range(n):
            t = Stream(A, "/api/v1/streaming/user", tokens[name], expect=None)
            if t.status != 200:
                for o in opened:
                    o.close()
                return None
            opened.append(t)
        return opened
    # the streams of the tests before were closed by their clients: wait until the server
    # noticed, then fill the node
    mine = harness.wait_for(lambda: open_n("moss", 4), timeout=WAIT, what="four streams")
    s = Stream(A, "/api/v1/streaming/user", tokens["moss"], expect=429)
    assert int(s.headers["Retry-After"]) > 0 and "error" in json.loads(s.body), s.headers
    others = harness.wait_for(lambda: open_n("ivy", 4), timeout=WAIT, what="ivy's streams")
    others += harness.wait_for(lambda: open_n("dee", 2), timeout=WAIT, what="dee's streams")
    s = Stream(A, "/api/v1/streaming/public", tokens["fern"], expect=503)
    assert "error" in json.loads(s.body), s.body
    mine[0].close()
    harness.wait_for(lambda: Stream(A, "/api/v1/streaming/user", tokens["fern"],
                                    expect=None).status == 200,
                     timeout=WAIT, what="the closed stream's place")
    # kept open for the stop test
    state["open"] = mine[1:] + others
    for t in state["open"]:
        OPEN.remove(t)


@test
def test_streams_within_the_connection_limit():
    """streams count in the connection limit: with connection_limit 16, the ninth stream
    gets 503 however high streaming_limit is; a flood of idle connections makes room by
    closing idle ones, never a stream, and every stream still gets the next post"""
    streams = [Stream(D, "/api/v1/streaming/public/local", tokens[name])
               for name in ("una", "val") for _ in range(4)]
    Stream(D, "/api/v1/streaming/user", tokens["val"], expect=503)
    flood = harness.idle_flood(D.port, 40, lambda i: "127.0.0.%d" % (20 + i % 50))
    suite.add_cleanup(lambda: [f.close() for f in flood])
    harness.wait_for(lambda: harness.count_open(flood) <= 16, timeout=WAIT,
                     what="the server to close idle connections")
    made = want(call(D, "POST", "/api/v1/statuses", tokens["una"],
                     form={"status": "through the flood"}), 200, "posting")
    for t in streams:
        t.until(is_update(made["id"]))
    for f in flood:
        f.close()


@test
def test_rate_limit_headers():
    """API answers carry X-RateLimit-Limit/Remaining/Reset, per token, decreasing; past the
    limit (5 here) 429 with {"error"} and Retry-After, and another token is untouched"""
    cleo = token_for(C, "cleo")  # the token grant itself counted per client, not per token
    seen = []
    for i in range(5):
        r = call(C, "GET", "/api/v1/accounts/verify_credentials", cleo)
        want(r, 200, "call %d" % i)
        assert r.header("X-RateLimit-Limit") == "5", r.headers
        seen.append(int(r.header("X-RateLimit-Remaining")))
        reset = r.header("X-RateLimit-Reset")
        assert len(reset) == 24 and reset.endswith("Z") and reset[19] == ".", reset
    assert seen == [4, 3, 2, 1, 0], seen
    r = call(C, "GET", "/api/v1/accounts/verify_credentials", cleo)
    doc = want(r, 429, "past the limit")
    assert "error" in doc and int(r.header("Retry-After")) > 0, (doc, r.headers)
    assert r.header("X-RateLimit-Remaining") == "0"
    other = token_for(C, "cleo")
    r = call(C, "GET", "/api/v1/accounts/verify_credentials", other)
    want(r, 200, "another token")
    assert r.header("X-RateLimit-Remaining") == "4"


@test
def test_sigterm_with_open_streams():
    """SIGTERM with streams open: every stream ends and the server exits 0 within the bounded
    stop (10 s), with no sanitizer report"""
    streams = state.get("open", [])
    assert len(streams) == 9, streams
    rc, took = A.server.stop(signal.SIGTERM, 10)
    assert rc == 0, "exit %d:\n%s" % (rc, A.server.log_tail())
    for s in streams:
        assert s.ended(timeout=5), "a stream did not end"
    assert "stopped" in A.server.log()
    harness.assert_no_sanitizer_reports(A.server.log(), A.server.log_path)


@test
def test_worker_stops_cleanly():
    """the worker process exits 0 on SIGTERM, with no sanitizer report"""
    proc, log_path = state["worker"]
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    with open(log_path, encoding="utf-8", errors="replace") as f:
        harness.assert_no_sanitizer_reports(f.read(), log_path)


harness.add_server_end_tests(suite, lambda: C.server)
harness.add_server_end_tests(suite, lambda: D.server)

if __name__ == "__main__":
    suite.run(setup)
