"""Federation gate: the inbox checks HTTP signatures (draft-cavage), the allowlist, the
activity's actor and id, and stores accepted activities as jobs; signed fetches; discovery
across two real instances.

The fake peers are this script's own: a stdlib http.server on 127.0.0.1 serving actor
documents whose keys harness.RSAKey made with the openssl command line. Instance A runs with
`workers = 0` so that accepted activities stay in its jobs table for the checks."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("federation")
test = suite.test
A = harness.peer_instance(suite, "federation", workers=0)
B = harness.peer_instance(suite, "federation_b")
AP = "application/activity+json"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"

state = {}


def setup():
    for inst in (A, B):
        inst.setup()
        inst.start_server()
    harness.allow_peer(A, harness.instance_domain(B))
    harness.allow_peer(B, harness.instance_domain(A))
    harness.create_account(A, "rose")
    state["alice"] = harness.member(A, "alice")
    harness.create_account(B, "bob")
    friend = harness.FakePeer(suite)  # allowlisted by A
    stranger = harness.FakePeer(suite)  # not
    harness.allow_peer(A, friend.domain)
    state.update(friend=friend, stranger=stranger, pat=friend.add_actor("pat"),
                 quinn=friend.add_actor("quinn"), sam=stranger.add_actor("sam"))


def pem(inst, where):
    """A PEM column read without psql's line splitting."""
    v = inst.scalar("SELECT translate(public_key_pem, E'\\n', '~') FROM accounts WHERE " + where)
    return v.replace("~", "\n").strip()


def jobs_count():
    return int(A.scalar("SELECT count(*) FROM jobs"))


def post_inbox(actor, activity, path="/inbox", **kw):
    return actor.post(A.port, path, activity, **kw)


def create_by(actor, text="hello from a peer"):
    return harness.activity_create(actor, text)


# --- the inbox gate -----------------------------------------------------------------------------

@test
def test_unsigned_is_401():
    """an unsigned POST /inbox is 401 and stores nothing"""
    before = jobs_count()
    body = json.dumps(create_by(state["pat"])).encode()
    r = harness.request(A.port, "POST", "/inbox", body=body,
                        headers={"Content-Type": AP, "Date": harness.http_date(),
                                 "Digest": harness.body_digest(body)})
    harness.assert_status(r, 401, "unsigned POST")
    assert jobs_count() == before


@test
def test_rfc9421_is_401():
    """a request signed with RFC 9421 (Signature-Input) is 401, so Fedify falls back to
    draft-cavage"""
    import base64
    pat = state["pat"]
    body = json.dumps(create_by(pat)).encode()
    created = int(time.time())
    params = '("@method" "@target-uri" "content-digest");created=%d;keyid="%s";alg="rsa-v1_5-sha256"' % (
        created, pat.key_id)
    content_digest = "sha-256=:%s:" % base64.b64encode(harness.sha256(body)).decode()
    base = '"@method": POST\n"@target-uri": %s/inbox\n"content-digest": %s\n"@signature-params": %s' % (
        harness.instance_base(A), content_digest, params)
    sig = base64.b64encode(pat.key.sign(base.encode())).decode()
    before = jobs_count()
    r = harness.request(A.port, "POST", "/inbox", body=body, headers={
        "Content-Type": AP, "Content-Digest": content_digest,
        "Signature-Input": "sig1=" + params, "Signature": "sig1=:%s:" % sig})
    harness.assert_status(r, 401, "RFC 9421 signature")
    assert jobs_count() == before


@test
def test_unknown_domain_is_403():
    """a correctly signed Create from a domain not on the allowlist is 403 before anything is
    stored: no job, no account, no key fetched; federation_attempts counts the domain and
    holds nothing else"""
    sam, stranger = state["sam"], state["stranger"]
    before = jobs_count()
    for i in (1, 2):
        r = post_inbox(sam, create_by(sam, "let me in %d" % i))
        harness.assert_status(r, 403, "unknown domain, try %d" % i)
    assert jobs_count() == before
    rows = A.psql("SELECT domain, attempts, last_seen > now() - interval '5 minutes'"
                  " FROM federation_attempts")
    assert rows == [[stranger.domain, "2", "t"]], rows
    cols = A.psql("SELECT column_name FROM information_schema.columns"
                  " WHERE table_name = 'federation_attempts' ORDER BY column_name")
    assert [c[0] for c in cols] == ["attempts", "domain", "last_seen"], cols
    assert A.scalar("SELECT count(*) FROM accounts WHERE domain = '%s'" % stranger.domain) == "0"
    assert stranger.requests_to("GET") == [], "the server fetched from a domain it refuses: %r" % (
        stranger.requests_to("GET"))
    dump = A.cluster.dump_data(A.dbname)
    assert "let me in" not in dump, "content of a refused activity was stored"


@test
def test_allowed_peer_is_202():
    """the same from an allowlisted peer is 202, and one inbox job holds the activity"""
    pat = state["pat"]
    before = jobs_count()
    activity = create_by(pat, "a first note")
    r = post_inbox(pat, activity)
    harness.assert_status(r, 202, "allowlisted peer")
    assert jobs_count() == before + 1
    rows = A.psql("SELECT kind, payload->'activity' FROM jobs ORDER BY created_at DESC, id DESC"
                  " LIMIT 1")
    assert rows[0][0] == "inbox", rows
    assert json.loads(rows[0][1]) == activity, rows[0][1]
    # The signer's actor is in the key cache now.
    got = A.psql("SELECT username, uri, key_id FROM accounts WHERE domain = '%s'"
                 " AND username = 'pat'" % state["friend"].domain)
    assert got and got[0][1] == pat.uri and got[0][2] == pat.key_id, got
    state["accepted_once"] = True


@test
def test_user_inbox_and_unknown_user():
    """a member's own inbox accepts the same; POST /users/nobody/inbox is 404"""
    pat = state["pat"]
    r = post_inbox(pat, create_by(pat, "to rose"), path="/users/rose/inbox")
    harness.assert_status(r, 202, "rose's inbox")
    before = jobs_count()
    r = post_inbox(pat, create_by(pat, "to nobody"), path="/users/nobody/inbox")
    harness.assert_status(r, 404, "nobody's inbox")
    assert jobs_count() == before


@test
def test_tampered_body_is_401():
    """a body that does not match the signed Digest is 401"""
    pat = state["pat"]
    good = json.dumps(create_by(pat, "original text")).encode()
    bad = good.replace(b"original text", b"tampered text")
    before = jobs_count()
    r = pat.post(A.port, "/inbox", good, body=bad)
    harness.assert_status(r, 401, "digest mismatch")
    assert jobs_count() == before


@test
def test_old_date_is_401():
    """a Date two hours old is 401"""
    pat = state["pat"]
    before = jobs_count()
    r = post_inbox(pat, create_by(pat, "from the past"), date=harness.http_date(time.time() - 7200))
    harness.assert_status(r, 401, "stale Date")
    assert jobs_count() == before


@test
def test_wrong_key_is_401():
    """a signature made with a key that is not the actor's is 401 (a bad signature)"""
    pat = state["pat"]
    before = jobs_count()
    r = post_inbox(pat, create_by(pat, "forged"), key=harness.RSAKey(suite))
    harness.assert_status(r, 401, "wrong key")
    assert jobs_count() == before


@test
def test_actor_not_signer_is_403():
    """an activity whose actor is not the signer is 403"""
    pat, quinn = state["pat"], state["quinn"]
    before = jobs_count()
    r = post_inbox(pat, create_by(quinn, "quinn says, says pat"))
    harness.assert_status(r, 403, "actor is not the signer")
    assert jobs_count() == before


@test
def test_id_on_other_host_is_403():
    """an activity whose id is on another host is 403"""
    pat = state["pat"]
    before = jobs_count()
    activity = create_by(pat, "elsewhere")
    activity["id"] = "https://elsewhere.example/activities/1"
    r = post_inbox(pat, activity)
    harness.assert_status(r, 403, "id on another host")
    assert jobs_count() == before


@test
def test_foreign_host_is_401():
    """a request correctly signed for another server (its Host) is 401 here, inbox and signed
    fetch alike: a captured request can't be replayed at this node; our own Host spelt with
    the default port, upper case or a trailing dot still names us"""
    pat = state["pat"]
    before = jobs_count()
    body = json.dumps(create_by(pat, "meant for someone else")).encode()
    for host in ("elsewhere.example", "127.0.0.1:%d" % B.port, "127.0.0.1"):
        h = harness.sign_headers(pat.key, pat.key_id, "POST", "/inbox", host, body=body)
        r = harness.request(A.port, "POST", "/inbox", headers=h, body=body)
        harness.assert_status(r, 401, "inbox, signed Host %s" % host)
        assert "another server" in r.text, r.text
        h = harness.sign_headers(pat.key, pat.key_id, "GET", "/users/rose/outbox", host)
        r = harness.request(A.port, "GET", "/users/rose/outbox", headers=h)
        harness.assert_status(r, 401, "signed fetch, signed Host %s" % host)
    assert jobs_count() == before
    h = harness.sign_headers(pat.key, pat.key_id, "GET", "/users/rose/outbox",
                             "127.0.0.1:%d" % A.port)
    harness.assert_status(harness.request(A.port, "GET", "/users/rose/outbox", headers=h), 200,
                          "signed fetch for us")
    body = json.dumps(create_by(pat, "meant for us")).encode()
    h = harness.sign_headers(pat.key, pat.key_id, "POST", "/inbox", "127.0.0.1.:%d" % A.port,
                             body=body)
    harness.assert_status(harness.request(A.port, "POST", "/inbox", headers=h, body=body), 202,
                          "our Host with a trailing dot")
    assert jobs_count() == before + 1


@test
def test_replayed_activity_has_no_second_effect():
    """pat follows rose and unfollows her, applied by a `parasol worker` run for the purpose;
    the Follow sent again (freshly signed, or the very same request) is answered 202, is not
    queued and follows nobody"""
    pat = state["pat"]
    rose_uri = harness.instance_base(A) + "/users/rose"
    follow = {"@context": "https://www.w3.org/ns/activitystreams",
              "id": pat.uri + "#follows/replayed", "type": "Follow", "actor": pat.uri,
              "object": rose_uri}
    undo = {"@context": "https://www.w3.org/ns/activitystreams",
            "id": pat.uri + "#follows/replayed/undo", "type": "Undo", "actor": pat.uri,
            "object": follow}

    def follows():
        return int(A.scalar("SELECT count(*) FROM follows f JOIN accounts a ON a.id = f.account_id"
                            " WHERE a.uri = '%s'" % pat.uri))

    def queued(activity_id):
        return int(A.scalar("SELECT count(*) FROM jobs WHERE kind = 'inbox'"
                            " AND payload->'activity'->>'id' = '%s'" % activity_id))

    log_path = harness.output_path("federation_replay_worker.log")
    with open(log_path, "wb") as log:
        worker = subprocess.Popen([harness.BIN, "-c", A.conf, "worker"],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=log, env=harness.child_env())
    suite.add_cleanup(lambda: worker.poll() is None and worker.kill())
    try:
        harness.assert_status(post_inbox(pat, follow), 202, "follow")
        harness.wait_for(lambda: follows() == 1 and queued(follow["id"]) == 0,
                         what="the follow applied")
        harness.assert_status(post_inbox(pat, undo), 202, "unfollow")
        harness.wait_for(lambda: follows() == 0 and queued(undo["id"]) == 0,
                         what="the unfollow applied")
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=10) == 0, "the worker did not stop cleanly"
    with open(log_path, encoding="utf-8", errors="replace") as f:
        harness.assert_no_sanitizer_reports(f.read(), log_path)
    # A runs no worker now: whatever is queued stays in the jobs table.
    body = json.dumps(follow).encode()
    h = harness.sign_headers(pat.key, pat.key_id, "POST", "/inbox", "127.0.0.1:%d" % A.port,
                             body=body)
    harness.assert_status(post_inbox(pat, follow), 202, "the follow replayed, signed anew")
    for attempt in (1, 2):
        r = harness.request(A.port, "POST", "/inbox", headers=h, body=body)
        harness.assert_status(r, 202, "the same request, %d" % attempt)
    assert queued(follow["id"]) == 0, "a replayed activity was queued"
    assert follows() == 0


@test
def test_invalid_json_is_400():
    """a signed body that is not JSON is 400; JSON that is not an activity is 400 too"""
    pat = state["pat"]
    before = jobs_count()
    r = pat.post(A.port, "/inbox", b"{not json at all")
    harness.assert_status(r, 400, "invalid JSON")
    r = pat.post(A.port, "/inbox", b'["an", "array"]')
    harness.assert_status(r, 400, "a JSON array")
    assert jobs_count() == before


@test
def test_key_rotation():
    """after the peer rotates its key, a request signed with the new key fails against the
    cached key, the server fetches the actor again once and accepts (202); the old key is
    then refused, and fetches nothing more: a key is fetched again at most once a minute (a
    fresh actor here, since pat's key was fetched again by the wrong-key test)"""
    friend = state["friend"]
    rosa = friend.add_actor("rosa")
    r = post_inbox(rosa, create_by(rosa, "prime the key cache"))
    harness.assert_status(r, 202, "priming the key cache")
    old = rosa.key
    fetches = len(friend.requests_to("GET", "/users/rosa"))
    rosa.rotate_key(suite)
    r = post_inbox(rosa, create_by(rosa, "signed with the new key"))
    harness.assert_status(r, 202, "new key")
    assert len(friend.requests_to("GET", "/users/rosa")) == fetches + 1, "no refetch"
    cached = pem(A, "uri = '%s'" % rosa.uri)
    assert cached == rosa.key.public_pem.strip(), "the cache still holds the old key"
    r = post_inbox(rosa, create_by(rosa, "signed with the old key"), key=old)
    harness.assert_status(r, 401, "old key after rotation")
    assert len(friend.requests_to("GET", "/users/rosa")) == fetches + 1, "fetched again"


@test
def test_signed_fetch_of_the_key():
    """the server's GET of the actor document is signed by its instance actor: Signature,
    Date and Host present, keyId = BASE/actor#main-key, and the signature verifies with the
    instance actor's public key"""
    import base64
    friend = state["friend"]
    gets = friend.requests_to("GET", "/users/pat")
    assert gets, "the server never fetched the actor"
    h = {k.lower(): v for k, v in gets[-1]["headers"].items()}
    for name in ("signature", "date", "host"):
        assert name in h, "no %s header in %r" % (name, h)
    assert h["host"] == friend.domain, h["host"]
    sig = harness.parse_signature_header(h["signature"])
    assert sig.get("keyId") == harness.instance_base(A) + "/actor#main-key", sig
    names = sig.get("headers", "date").split()
    for must in ("(request-target)", "host", "date"):
        assert must in names, "%s not signed: %r" % (must, names)
    assert sig.get("algorithm") in ("rsa-sha256", "hs2019"), sig
    actor = harness.request(A.port, "GET", "/actor", headers={"Accept": AP}).json()
    pem = actor["publicKey"]["publicKeyPem"]
    text = harness.signing_string("GET", gets[-1]["path"], h, names)
    assert harness.rsa_verify(pem, text.encode(), base64.b64decode(sig["signature"])), (
        "the signature of the fetch does not verify:\n" + text)


# --- two real instances --------------------------------------------------------------------------

@test
def test_webfinger_across_instances():
    """A answers WebFinger only for its own domain (bob@B is 404 there); B's WebFinger for
    bob gives a self link to an actor whose id is that link"""
    b_dom = harness.instance_domain(B)
    q = "/.well-known/webfinger?resource=" + urllib.parse.quote("acct:bob@" + b_dom, safe="")
    harness.assert_status(harness.request(A.port, "GET", q), 404, "A's WebFinger for B's user")
    r = harness.request(B.port, "GET", q)
    harness.assert_status(r, 200, "B's WebFinger for bob")
    links = [link for link in r.json()["links"] if link.get("rel") == "self"]
    assert links and links[0]["type"] == AP, r.json()
    href = links[0]["href"]
    assert href == harness.instance_base(B) + "/users/bob", href
    actor = harness.request(B.port, "GET", urllib.parse.urlsplit(href).path,
                            headers={"Accept": AP})
    harness.assert_status(actor, 200, "bob's actor")
    assert actor.json()["id"] == href


@test
def test_instance_actor_of_b_used_by_a():
    """a request signed by B's instance actor (its key read from B's database) is verified by
    A, which fetches B's /actor: 202, and A caches it as an Application"""
    r = harness.request(B.port, "GET", "/actor", headers={"Accept": AP})
    harness.assert_status(r, 200, "B's instance actor")
    b_actor = r.json()["id"]
    pem = B.scalar("SELECT translate(private_key_pem, E'\\n', '~') FROM instance_actor")
    key = harness.RSAKey.from_pem(suite, pem.replace("~", "\n"))
    assert key.public_pem.strip() == r.json()["publicKey"]["publicKeyPem"].strip()
    activity = {"@context": "https://www.w3.org/ns/activitystreams",
                "id": b_actor + "#updates/1", "type": "Update", "actor": b_actor,
                "to": [PUBLIC], "object": r.json()}
    body = json.dumps(activity).encode()
    h = harness.sign_headers(key, b_actor + "#main-key", "POST", "/inbox",
                             harness.instance_domain(A), body=body)
    resp = harness.request(A.port, "POST", "/inbox", headers=h, body=body)
    harness.assert_status(resp, 202, "signed by B's instance actor")
    rows = A.psql("SELECT actor_type, key_id FROM accounts WHERE uri = '%s'" % b_actor)
    assert rows == [["Application", b_actor + "#main-key"]], rows


@test
def test_search_resolves_remote_user():
    """a member of A searching @bob@B finds bob through WebFinger: the result links bob's
    profile on A, and A has bob's account with B's domain and bob's key"""
    b_dom = harness.instance_domain(B)
    alice = state["alice"]
    r = alice.get("/search?q=" + urllib.parse.quote("@bob@" + b_dom))
    harness.assert_status(r, 200, "search")
    items = [i for i in re.findall(r"<li>(.*?)</li>", r.text, re.S) if ("@bob@" + b_dom) in i]
    assert items, "bob@B is not among the results:\n" + r.text[-1500:]
    rows = A.psql("SELECT uri, key_id FROM accounts WHERE username = 'bob' AND domain = '%s'"
                  % b_dom)
    base_b = harness.instance_base(B)
    assert rows == [[base_b + "/users/bob", base_b + "/users/bob#main-key"]], rows
    cached = pem(A, "uri = '%s/users/bob'" % base_b)
    bob_doc = harness.request(B.port, "GET", "/users/bob", headers={"Accept": AP}).json()
    assert cached == bob_doc["publicKey"]["publicKeyPem"].strip()


harness.add_server_end_tests(suite, lambda: A.server)
harness.add_server_end_tests(suite, lambda: B.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
