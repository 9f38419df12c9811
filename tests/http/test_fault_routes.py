"""Every route while PostgreSQL is away, taken from the router itself (`parasol routes`): a
route added later is covered without anyone writing it here.

One rule (issue 15): a storage failure is 503 with Retry-After, never a redirect, a 404 or a
page made for a visitor; and once PostgreSQL is back, every route works again without a
restart. Each route is called, with its captures filled in, by a signed-in member (session and
CSRF token of before the outage), by a visitor (with a CSRF token too, so that a POST gets past
the token check), and, for ActivityPub routes, signed by a peer's actor. What may answer
without the database is listed in NO_DATABASE, with the answer it must give."""

import os
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("fault_routes")
test = suite.test
state = {}

# Captures: what each :name of a pattern is filled with (":id" with one of alice's posts).
FILL = {"name": "alice", "tag": "fault", "file": "parasol.css", "domain": "peer.example",
        "action": "favourite"}
# (method, pattern) -> the status it answers without the database, whoever asks: the
# stylesheet, robots.txt, the discovery documents that only point elsewhere, and images (read
# from media_dir by their random names; "parasol.css" is no such name).
NO_DATABASE = {("GET", "/static/:file"): 200, ("GET", "/.well-known/host-meta"): 200,
               ("GET", "/.well-known/nodeinfo"): 200, ("GET", "/robots.txt"): 200,
               ("GET", "/media/:file"): 404}
# Queries a route needs to get as far as the database.
QUERY = {"/search": "?q=alice"}  # and WebFinger's, once the domain is known (setup)
AP_PREFIXES = ("/users/", "/inbox", "/actor", "/.well-known/", "/nodeinfo/")
# The client API: bearer tokens, never the cookie. Called by alice's app (her token, made
# before the outage) and by a visitor (no token).
API_PREFIXES = ("/api/", "/oauth/token", "/oauth/revoke")


def routes():
    out = subprocess.run([harness.BIN, "routes"], capture_output=True, text=True, check=True,
                         env=harness.child_env()).stdout
    pairs = [tuple(line.split(" ", 1)) for line in out.splitlines() if line.strip()]
    assert len(pairs) > 50, "parasol routes listed %d routes" % len(pairs)
    return pairs


def path_of(pattern):
    parts = []
    for seg in pattern.split("/"):
        at = "@" if seg.startswith("@:") else ""
        if seg.startswith(at + ":"):
            seg = at + str(FILL.get(seg[len(at) + 1:], state.get("post")))
        parts.append(seg)
    return "/".join(parts) + QUERY.get(pattern, "")


def is_ap(pattern):
    return pattern.startswith(AP_PREFIXES) and not pattern.startswith("/users/:name/report")


def setup():
    a = harness.peer_instance(suite, "fault_routes_a")
    cluster = harness.ScratchCluster(a.tmp)
    suite.add_cleanup(cluster.destroy)
    cluster.init()
    cluster.start()
    a.cluster = cluster
    a.setup()
    a.start_server()
    state.update(A=a, cluster=cluster)
    QUERY["/.well-known/webfinger"] = "?resource=acct:alice@" + harness.instance_domain(a)
    peer = harness.FakePeer(suite)
    harness.allow_peer(a, peer.domain)
    state["actor"] = peer.add_actor("pat")
    alice = harness.member(a, "alice")
    state["post"] = harness.post_and_get_id(a, alice, "alice", "before the outage")
    harness.create_account(a, "root", role="admin")
    root = harness.WebClient(a.port)
    harness.assert_status(root.login("root", harness.PASSWORD), 303, "root signs in")
    visitor = harness.WebClient(a.port)
    for c in (alice, root, visitor):
        c.csrf()  # the token, fetched while the database is up
    # pat signs once, so that its key is known
    r = get_signed("/users/alice/outbox")
    harness.assert_status(r, 200, "pat's first signed GET")
    state.update(alice=alice, root=root, visitor=visitor)
    app = harness.request(a.port, "POST", "/api/v1/apps", {"Content-Type": "application/json"},
                          '{"client_name": "fault", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", '
                          '"scopes": "read write follow"}')
    harness.assert_status(app, 200, "an app")
    creds = app.json()
    r = harness.request(a.port, "POST", "/oauth/token",
                        {"Content-Type": "application/x-www-form-urlencoded"},
                        "grant_type=password&username=alice&password=%s&client_id=%s&"
                        "client_secret=%s&scope=read+write+follow" % (
                            harness.PASSWORD.replace(" ", "+"), creds["client_id"],
                            creds["client_secret"]))
    harness.assert_status(r, 200, "alice's token")
    state["token"] = r.json()["access_token"]


def get_signed(path):
    actor = state["actor"]
    h = harness.sign_headers(actor.key, actor.key_id, "GET", path,
                             harness.instance_domain(state["A"]),
                             extra={"Accept": "application/activity+json"})
    return harness.request(state["A"].port, "GET", path, headers=h)


def is_api(pattern):
    return pattern.startswith(API_PREFIXES)


def is_stream(method, pattern):
    """A streaming route, whose answer (once the token works) never ends."""
    return method == "GET" and pattern.startswith("/api/v1/streaming") and \
        not pattern.endswith("/health")


def stream_status(path, headers):
    """The head of a stream's answer (its body is left unread, the connection closed)."""
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", state["A"].port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        return harness.Response(r.status, r.reason, r.headers, b"")
    finally:
        conn.close()


def call(who, method, pattern):
    path = path_of(pattern)
    if is_api(pattern):
        h = {"Authorization": "Bearer " + state["token"]} if who == "token" else {}
        if is_stream(method, pattern):
            return stream_status(path, h)
        if method == "POST":
            h["Content-Type"] = "application/x-www-form-urlencoded"
        return harness.request(state["A"].port, method, path, headers=h,
                               body="" if method == "POST" else None)
    if who == "peer":
        if method == "GET":
            return get_signed(path)
        act = harness.activity_create(state["actor"], "during the outage")
        return state["actor"].post(state["A"].port, path, act)
    client = state[who]
    if method == "GET":
        return client.get(path)
    return client.post(path, {})


def callers(method, pattern):
    if is_api(pattern):
        return ["token", "visitor"]
    if is_ap(pattern):
        return ["peer", "visitor"] if method == "GET" else ["peer"]
    return ["alice", "root", "visitor"]


def check_truth(who, method, pattern, r, posts=frozenset()):
    """'' when r tells who the truth about the outage, else what is wrong. A member or a peer
    must be told 503 with Retry-After. A visitor may also get what a visitor gets without the
    database (the sign-in form, a redirect to it, a refused empty form) but never a 404 (a
    member or post said not to exist) nor another 5xx."""
    if r.status == 503:
        return "" if r.header("Retry-After") is not None else "503 without Retry-After"
    if who != "visitor":
        return "answered %d" % r.status
    if r.status == 303 and harness.location_path(r).startswith("/login"):
        return ""
    if r.status == 303 and method == "GET" and pattern in posts and \
            harness.location_path(r).startswith("/"):
        return ""  # a form's address read with GET: sent to the form's page
    if r.status == 303 and (method, pattern) == ("POST", "/logout"):
        return ""  # signing out a visitor: nothing to do, nothing read
    if r.status == 404 and pattern.startswith(("/alerts", "/admin/alert")):
        return ""  # bad-date alerts don't exist for visitors, database or not (web/alerts.h)
    if r.status in (200, 400, 401, 403, 422):
        return ""
    return "answered %d" % r.status


@test
def test_every_route_says_503_while_postgresql_is_away():
    """with PostgreSQL stopped, every route of the router answers every caller 503 with
    Retry-After (or, for the few in NO_DATABASE, what they answer without it): no redirect to
    the sign-in page, no 404, no page for visitors shown to a member"""
    all_routes = routes()
    posts = frozenset(p for m, p in all_routes if m == "POST")
    state["cluster"].stop()
    wrong = []
    try:
        for method, pattern in all_routes:
            for who in callers(method, pattern):
                r = call(who, method, pattern)
                want = NO_DATABASE.get((method, pattern))
                if want is not None:
                    if r.status != want:
                        wrong.append("%s %s (%s): %d, want %d" % (method, pattern, who,
                                                                    r.status, want))
                    continue
                why = check_truth(who, method, pattern, r, posts)
                if why:
                    wrong.append("%s %s (%s): %s %r" % (method, pattern, who, why, r.body[:300]))
    finally:
        state["cluster"].start()
    for w in wrong:
        print("# " + w)
    assert not wrong, "%d answers hide the outage (listed above)" % len(wrong)


@test
def test_every_route_works_again_without_a_restart():
    """PostgreSQL back, the same server (not restarted) answers every GET route, for the
    member, the admin and a visitor, without a 5xx"""
    harness.wait_for(lambda: state["A"].server.alive() and
                     harness.request(state["A"].port, "GET", "/healthz").status == 200,
                     60, what="the server to reach PostgreSQL again")
    wrong = []
    for method, pattern in routes():
        if method != "GET":
            continue
        for who in callers(method, pattern):
            r = call(who, method, pattern)
            if r.status >= 500:
                wrong.append("%s %s (%s): %d" % (method, pattern, who, r.status))
    assert not wrong, "still failing after the outage:\n  " + "\n  ".join(wrong)


harness.add_server_end_tests(suite, lambda: state["A"].server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
