"""Hostile peers: what parasol fetches must come from the origin it claims (SAFETY.md,
"forged identities"), and a peer can't hold the node's threads or take a remote user's handle.

Fake peers (harness.FakePeer) play the attacker: one on the allowlist serving documents as
text/plain, redirecting to another origin, or serving an actor under another user's name; one
that answers key fetches slowly; one off the allowlist that redirects lead to. Each attack is
refused and leaves nothing stored. Instance A runs four HTTP threads so that a handful of
slow requests would be enough to hold them all."""

import base64
import json
import os
import re
import sys
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("hostile_peer")
test = suite.test
A = harness.peer_instance(suite, "hostile", threads=4, sweep_interval=1, inbox_rate_limit=20)
AP = "application/activity+json"

state = {}


def setup():
    A.setup()
    A.start_server()
    state["alice"] = harness.member(A, "alice")
    friend = harness.FakePeer(suite)   # allowed: the attacker can place files on it
    other = harness.FakePeer(suite)    # allowed too: another origin
    slow = harness.FakePeer(suite)     # allowed: answers key fetches slowly
    busy = harness.FakePeer(suite)     # allowed: sends too much
    stranger = harness.FakePeer(suite)  # not allowed
    for p in (friend, other, slow, busy):
        harness.allow_peer(A, p.domain)
    state.update(friend=friend, other=other, slow=slow, busy=busy, stranger=stranger)


def doc_route(doc, ctype=AP):
    body = json.dumps(doc).encode()
    return lambda path: (200, body, ctype)


def redirect_route(location):
    return lambda path: (302, b"", "text/plain", {"Location": location})


def stored(uri):
    return int(A.scalar("SELECT count(*) FROM accounts WHERE uri = '%s'" % uri))


def jobs_count():
    return int(A.scalar("SELECT count(*) FROM jobs WHERE kind = 'inbox'"))


def gets(peer, path):
    return len(peer.requests_to("GET", path))


def refused_with_nothing_stored(actor, what, key=None, key_id=None):
    """POSTs a Create signed as actor (or with key/key_id) and checks: 401, no job, no account
    for the actor, none of the text stored."""
    before = jobs_count()
    text = "hostile %s %s" % (what, time.time())
    r = actor.post(A.port, "/inbox", harness.activity_create(actor, text), key=key,
                   key_id=key_id)
    harness.assert_status(r, 401, what)
    assert jobs_count() == before, "%s: an activity was queued" % what
    assert stored(actor.uri) == 0, "%s: the actor was stored" % what
    assert text not in A.cluster.dump_data(A.dbname), "%s: its text was stored" % what
    return r


# --- origin ---------------------------------------------------------------------------------------

@test
def test_text_plain_document_refused():
    """an actor document served as text/plain (an upload on an allowed peer) is not an actor:
    the signed POST naming its key is 401 and nothing is stored; the failure is remembered, so
    a second POST fetches nothing (the negative cache)"""
    friend = state["friend"]
    tp = friend.add_actor("tp")
    friend.routes["/users/tp"] = doc_route(tp.document(), "text/plain; charset=utf-8")
    refused_with_nothing_stored(tp, "text/plain actor")
    assert gets(friend, "/users/tp") == 1, friend.requests_to("GET", "/users/tp")
    refused_with_nothing_stored(tp, "text/plain actor, again")
    assert gets(friend, "/users/tp") == 1, "the failed key was fetched again at once"


@test
def test_media_types_accepted():
    """the two ActivityStreams media types are accepted in any case and with parameters:
    application/ld+json with the ActivityStreams profile, and activity+json; charset=utf-8"""
    friend = state["friend"]
    for name, ctype in (("ldj", 'Application/LD+JSON; charset=utf-8; '
                                'profile="https://www.w3.org/ns/activitystreams"'),
                        ("apj", "application/activity+json; charset=utf-8")):
        actor = friend.add_actor(name)
        friend.routes["/users/" + name] = doc_route(actor.document(), ctype)
        r = actor.post(A.port, "/inbox", harness.activity_create(actor, "typed " + name))
        harness.assert_status(r, 202, ctype)
    # ld+json without the profile is not ActivityStreams
    bare = friend.add_actor("bare")
    friend.routes["/users/bare"] = doc_route(bare.document(), "application/ld+json")
    refused_with_nothing_stored(bare, "ld+json without the profile")


@test
def test_cross_origin_redirect_refused():
    """an open redirect on an allowed peer can't make another origin speak for it: the real
    user's URL redirects to a document (claiming that URL as its id) on another allowed peer,
    with the attacker's key; 401, nothing stored, and the other origin was never asked"""
    friend, other = state["friend"], state["other"]
    vic = friend.add_actor("vic")  # WebFinger on friend names friend/users/vic
    forged = dict(vic.document())
    attacker = harness.RSAKey(suite)
    forged["publicKey"] = dict(forged["publicKey"], publicKeyPem=attacker.public_pem)
    other.routes["/evil/vic"] = doc_route(forged)
    friend.routes["/users/vic"] = redirect_route(other.base + "/evil/vic")
    refused_with_nothing_stored(vic, "cross-origin redirect", key=attacker)
    assert gets(other, "/evil/vic") == 0, "the redirect to another origin was followed"


@test
def test_another_actors_key_id_refused():
    """an actor on sam's own server whose document names sam's key id as its own (owner:
    itself) is refused with nothing stored, and sam, signing after it, is accepted (such a
    row locked the real owner out for good)"""
    friend = state["friend"]
    samk = friend.add_actor("samk")
    malk = friend.add_actor("malk")
    doc = dict(malk.document())
    doc["publicKey"] = dict(doc["publicKey"], id=samk.key_id)
    friend.routes["/users/malk"] = doc_route(doc)
    refused_with_nothing_stored(malk, "another actor's key id")
    assert A.scalar("SELECT count(*) FROM accounts WHERE key_id = '%s'" % samk.key_id) == "0"
    r = samk.post(A.port, "/inbox", harness.activity_create(samk, "the real owner"))
    harness.assert_status(r, 202, "the key's real owner")


@test
def test_own_member_key_makes_no_remote_copy():
    """in blocklist mode (no allowlist to stop it), a request naming a member's own key is
    refused and no "remote" copy of the member (with the member's public key) is stored"""
    harness.db_change(A, "INSERT INTO instance_settings (key, value) VALUES"
                      " ('federation_mode', 'blocklist') ON CONFLICT (key) DO UPDATE"
                      " SET value = excluded.value", "settings")
    try:
        own = "%s/users/alice#main-key" % harness.instance_base(A)
        stranger = harness.RSAKey(suite)
        r = state["friend"].add_actor("copycat").post(
            A.port, "/inbox", {"type": "Create", "id": "urn:x:1", "actor": own},
            key=stranger, key_id=own)
        harness.assert_status(r, 401, "a member's own key")
        assert A.scalar("SELECT count(*) FROM accounts WHERE domain IS NOT NULL AND uri LIKE"
                        " '%s/%%'" % harness.instance_base(A)) == "0"
    finally:
        harness.db_change(A, "DELETE FROM instance_settings WHERE key = 'federation_mode'",
                          "settings")


@test
def test_same_origin_redirect_followed():
    """a redirect within the origin is followed, and the document must still name the URL it
    was asked at"""
    friend = state["friend"]
    moved = friend.add_actor("moved")
    friend.routes["/people/moved"] = doc_route(moved.document())
    friend.routes["/users/moved"] = redirect_route(friend.base + "/people/moved")
    r = moved.post(A.port, "/inbox", harness.activity_create(moved, "after a local redirect"))
    harness.assert_status(r, 202, "same-origin redirect")
    assert stored(moved.uri) == 1


@test
def test_id_differs_from_url_refused():
    """a document whose id is not the URL it was fetched from is refused (401, nothing
    stored)"""
    friend = state["friend"]
    idm = friend.add_actor("idm")
    doc = dict(idm.document(), id=friend.base + "/users/somebody")
    friend.routes["/users/idm"] = doc_route(doc)
    refused_with_nothing_stored(idm, "id differs from the URL")


@test
def test_mailboxes_on_another_server():
    """an actor whose inbox lives on another server (even an allowed one) is refused: nothing
    stored; one whose shared inbox and followers collection live elsewhere is accepted with
    neither kept, and a direct message to it goes to its own inbox, never to the other
    server"""
    friend, other, alice = state["friend"], state["other"], state["alice"]
    ix = friend.add_actor("ix")
    friend.routes["/users/ix"] = doc_route(dict(ix.document(),
                                                inbox=other.base + "/users/ix/inbox"))
    refused_with_nothing_stored(ix, "inbox on another server")
    sx = friend.add_actor("sx")
    friend.routes["/users/sx"] = doc_route(dict(
        sx.document(), endpoints={"sharedInbox": other.base + "/inbox"},
        followers=other.base + "/users/sx/followers"))
    r = sx.post(A.port, "/inbox", harness.activity_create(sx, "sx speaks"))
    harness.assert_status(r, 202, "an actor with a shared inbox elsewhere")
    row = A.psql("SELECT inbox_url, shared_inbox_url IS NULL, followers_url IS NULL"
                 " FROM accounts WHERE uri = '%s'" % sx.uri)
    assert row == [[sx.uri + "/inbox", "t", "t"]], row
    friend.clear()
    other.clear()
    r = harness.publish(alice, "@sx@%s a word in private" % friend.domain, visibility="direct")
    assert r.status == 303, r
    harness.wait_for(lambda: [q for q in friend.requests_to("POST")
                              if q["path"] == "/users/sx/inbox"],
                     what="the DM delivered to sx's own inbox")
    assert other.requests_to("POST") == [], "the other server got %r" % other.requests_to("POST")


@test
def test_redirect_hop_to_non_allowed_host():
    """every hop of an outbound fetch must be an allowed peer: a WebFinger answer that
    redirects to a server off the allowlist is refused before that server is asked"""
    friend, stranger = state["friend"], state["stranger"]
    friend.routes["/.well-known/webfinger"] = lambda path: (
        (302, b"", "text/plain", {"Location": stranger.base + "/.well-known/webfinger?"
                                  + urllib.parse.urlsplit(path).query})
        if "hopper" in path else None)
    stranger.add_actor("hopper")
    r = state["alice"].get("/search?q=" + urllib.parse.quote("@hopper@" + friend.domain))
    harness.assert_status(r, 200, "search")
    assert stranger.requests_to("GET") == [], "a redirect led to a server not allowed: %r" % (
        stranger.requests_to("GET"))
    assert int(A.scalar("SELECT count(*) FROM accounts WHERE domain = '%s'"
                        % stranger.domain)) == 0
    del friend.routes["/.well-known/webfinger"]


# --- handles ---------------------------------------------------------------------------------------

def deliveries_to(peer, actor_uri):
    """Create activities POSTed to peer that address actor_uri."""
    out = []
    for req in peer.requests_to("POST"):
        try:
            act = json.loads(req["body"])
        except ValueError:
            continue
        if act.get("type") == "Create" and actor_uri in json.dumps(
                [act.get("to"), act.get("cc"), act.get("object", {}).get("to")]):
            out.append(act)
    return out


@test
def test_squatted_handle():
    """an actor claiming another user's preferredUsername is refused (its WebFinger round trip
    names the real user); a squatter row stored before (an upgrade from a node without the
    check) loses the handle the moment it is looked up: a member's direct message to
    @sam@friend reaches the real sam and never the squatter, and the real sam's own activities
    are accepted (not 401)"""
    friend, alice = state["friend"], state["alice"]
    sam = friend.add_actor("sam")
    mallory = friend.add_actor("mallory")
    friend.routes["/users/mallory"] = doc_route(dict(mallory.document(),
                                                     preferredUsername="sam"))
    # 1. the squat itself is refused
    refused_with_nothing_stored(mallory, "actor claiming sam's handle")
    # 2. a squatter from before: sam@friend held by mallory's actor, never verified
    A.psql("INSERT INTO accounts (username, domain, uri, inbox_url, key_id, public_key_pem)"
           " VALUES ('sam', '%s', '%s', '%s', '%s', 'x')"
           % (friend.domain, mallory.uri, mallory.uri + "/inbox", mallory.key_id))
    friend.clear()
    r = harness.publish(alice, "@sam@%s just for you" % friend.domain, visibility="direct")
    assert r.status == 303, r
    rows = A.psql("SELECT a.uri FROM mentions m JOIN accounts a ON a.id = m.account_id"
                  " JOIN statuses s ON s.id = m.status_id WHERE s.text LIKE '%%just for you%%'")
    assert rows == [[sam.uri]], "the mention went to %r" % rows
    harness.wait_for(lambda: deliveries_to(friend, sam.uri), what="the DM delivered to sam")
    assert not deliveries_to(friend, mallory.uri), "the squatter received the DM"
    assert not [q for q in friend.requests_to("POST") if q["path"] == "/users/mallory/inbox"]
    handles = dict(A.psql("SELECT uri, username FROM accounts WHERE domain = '%s'"
                          " AND uri IN ('%s', '%s')" % (friend.domain, sam.uri, mallory.uri)))
    assert handles[sam.uri] == "sam", handles
    assert handles[mallory.uri].startswith("unverified~"), handles
    # 3. the real sam is not locked out
    r = sam.post(A.port, "/inbox", harness.activity_create(sam, "the real sam"))
    harness.assert_status(r, 202, "the real sam")


@test
def test_follow_of_squatted_handle():
    """following @lee@friend from a profile page whose row is a squatter's (stored before the
    check) follows the actor WebFinger names, never the squatter, so followers-only posts
    can't reach it"""
    friend, alice = state["friend"], state["alice"]
    lee = friend.add_actor("lee")
    squat = friend.add_actor("lee_squat")
    A.psql("INSERT INTO accounts (username, domain, uri, inbox_url, key_id, public_key_pem)"
           " VALUES ('lee', '%s', '%s', '%s', '%s', 'x')"
           % (friend.domain, squat.uri, squat.uri + "/inbox", squat.key_id))
    friend.clear()
    r = alice.post("/@lee@%s/follow" % friend.domain, {})
    assert r.status == 303, r

    def follows_to(uri):
        out = []
        for q in friend.requests_to("POST"):
            try:
                act = json.loads(q["body"])
            except ValueError:
                continue
            if act.get("type") == "Follow" and act.get("object") == uri:
                out.append(act)
        return out
    harness.wait_for(lambda: follows_to(lee.uri), what="the Follow delivered for lee")
    assert not follows_to(squat.uri), "the squatter was followed"
    assert not [q for q in friend.requests_to("POST") if q["path"] == "/users/lee_squat/inbox"]


@test
def test_squatter_arriving_first_does_not_lock_out():
    """when a handle moves (WebFinger named one actor, then another), the actor WebFinger
    names now gets the handle and the old row is renamed, instead of the new one being 401"""
    friend = state["friend"]
    old = friend.add_actor("kim_old")
    new = friend.add_actor("kim")
    wf = {"kim": old.uri}

    def webfinger(path):
        res = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query).get("resource", [""])[0]
        if res == "acct:kim@" + friend.domain:
            return (200, json.dumps({"subject": res, "links": [
                {"rel": "self", "type": AP, "href": wf["kim"]}]}).encode(),
                "application/jrd+json")
        return None
    friend.routes["/.well-known/webfinger"] = webfinger
    friend.routes["/users/kim_old"] = doc_route(dict(old.document(), preferredUsername="kim"))
    r = old.post(A.port, "/inbox", harness.activity_create(old, "kim, before the move"))
    harness.assert_status(r, 202, "the first holder of kim")
    wf["kim"] = new.uri
    r = new.post(A.port, "/inbox", harness.activity_create(new, "kim, after the move"))
    harness.assert_status(r, 202, "the new holder of kim")
    handles = dict(A.psql("SELECT uri, username FROM accounts WHERE uri IN ('%s', '%s')"
                          % (old.uri, new.uri)))
    assert handles[new.uri] == "kim", handles
    assert handles[old.uri].startswith("unverified~"), handles
    del friend.routes["/.well-known/webfinger"]


# --- slow key servers ------------------------------------------------------------------------------

@test
def test_slow_key_server():
    """eight POSTs naming keys on a peer that hangs can't hold the node: GET /about answers
    while they hang, the server fetches at most two keys at a time, and once the peer answers
    the retried activity is accepted"""
    slow = state["slow"]
    release = threading.Event()
    in_flight = {"now": 0, "max": 0}
    lock = threading.Lock()
    actors = [slow.add_actor("slow%d" % i) for i in range(8)]

    def hanging(actor):
        body = json.dumps(actor.document()).encode()

        def route(path):
            with lock:
                in_flight["now"] += 1
                in_flight["max"] = max(in_flight["max"], in_flight["now"])
            release.wait(60)
            with lock:
                in_flight["now"] -= 1
            return (200, body, AP)
        return route
    for a in actors:
        slow.routes["/users/" + a.name] = hanging(a)
    results = {}

    def send(a):
        r = a.post(A.port, "/inbox", harness.activity_create(a, "slowly " + a.name))
        results[a.name] = r.status
    threads = [threading.Thread(target=send, args=(a,), daemon=True) for a in actors]
    try:
        for t in threads:
            t.start()
        harness.wait_for(lambda: in_flight["now"] > 0, timeout=20, what="a key fetch to hang")
        # The bound is generous: what matters is that /about answers at all while every
        # key fetch hangs (before, eight such requests held the four threads until the
        # fetches timed out).
        r = harness.request(A.port, "GET", "/about", timeout=8)
        harness.assert_status(r, 200, "/about while key fetches hang")
        assert in_flight["max"] <= 2, "more than two key fetches at once: %d" % in_flight["max"]
    finally:
        release.set()  # before the fetches time out, or they would be remembered as failed
    for t in threads:
        t.join(30)
    assert len(results) == 8 and set(results.values()) <= {202, 401}, results
    # The peer retries, as real peers do after a 401: a key that was fetched is stored by
    # then; one that was not (at most four fetches of one peer's keys go at once,
    # ap/keyfetch.h) is fetched for the retry.
    for a in actors:
        for _ in range(10):
            if results[a.name] == 202:
                break
            r = a.post(A.port, "/inbox", harness.activity_create(a, "retried"))
            results[a.name] = r.status
        assert results[a.name] == 202, (a.name, results[a.name])
        harness.wait_for(lambda: stored(a.uri), timeout=30, what="%s's key stored" % a.name)
    assert in_flight["max"] <= 2, "more than two key fetches at once: %d" % in_flight["max"]


# --- RFC 9421 from a stranger, inbox rate limits, pruning -------------------------------------------

@test
def test_rfc9421_from_unknown_domain_is_recorded():
    """a request signed with RFC 9421 by a server off the allowlist is refused (403) and
    counted in the contact attempts by the domain of its keyid"""
    stranger = state["stranger"]
    pat = stranger.add_actor("pat9421")
    body = json.dumps(harness.activity_create(pat, "9421")).encode()
    params = ('("@method" "@target-uri" "content-digest");created=%d;keyid="%s";'
              'alg="rsa-v1_5-sha256"' % (int(time.time()), pat.key_id))
    digest = "sha-256=:%s:" % base64.b64encode(harness.sha256(body)).decode()
    base = '"@method": POST\n"@target-uri": %s/inbox\n"content-digest": %s\n' \
           '"@signature-params": %s' % (harness.instance_base(A), digest, params)
    sig = base64.b64encode(pat.key.sign(base.encode())).decode()
    r = harness.request(A.port, "POST", "/inbox", body=body, headers={
        "Content-Type": AP, "Content-Digest": digest,
        "Signature-Input": "sig1=" + params, "Signature": "sig1=:%s:" % sig})
    harness.assert_status(r, 403, "RFC 9421 from a stranger")
    rows = A.psql("SELECT attempts FROM federation_attempts WHERE domain = '%s'"
                  % stranger.domain)
    assert rows == [["1"]], rows


@test
def test_inbox_rate_limit_per_peer():
    """a peer past its allowance (inbox_rate_limit = 20 a minute here) gets 429 with
    Retry-After, and nothing of the refused activity is queued; another peer is not
    affected"""
    busy, friend = state["busy"], state["friend"]
    b = busy.add_actor("busy")
    for i in range(20):
        r = b.post(A.port, "/inbox", harness.activity_create(b, "busy %d" % i))
        harness.assert_status(r, 202, "activity %d within the limit" % i)
    before = jobs_count()
    r = b.post(A.port, "/inbox", harness.activity_create(b, "one too many"))
    harness.assert_status(r, 429, "past the limit")
    assert r.header("Retry-After") == "60", r.headers
    assert jobs_count() == before
    other = friend.add_actor("calm")
    r = other.post(A.port, "/inbox", harness.activity_create(other, "calm"))
    harness.assert_status(r, 202, "another peer")


@test
def test_replays_spend_no_allowance():
    """an activity sent again after it was applied (a replay, freshly signed) is answered 202,
    queued never, and counted against its peer's allowance never: after 25 replays the peer
    still has 19 of its 20 activities a minute"""
    echo = harness.FakePeer(suite)
    harness.allow_peer(A, echo.domain)
    e = echo.add_actor("echo")
    act = harness.activity_create(e, "said once")
    harness.assert_status(e.post(A.port, "/inbox", act), 202, "the first time")
    harness.wait_for(lambda: A.scalar("SELECT count(*) FROM activities_seen WHERE uri = '%s'"
                                      % act["id"]) == "1", what="the activity to be applied")
    before = jobs_count()
    for i in range(25):
        harness.assert_status(e.post(A.port, "/inbox", act), 202, "replay %d" % i)
    assert jobs_count() == before, "a replay was queued"
    for i in range(19):
        r = e.post(A.port, "/inbox", harness.activity_create(e, "new %d" % i))
        harness.assert_status(r, 202, "new activity %d after the replays" % i)
    r = e.post(A.port, "/inbox", harness.activity_create(e, "the 21st"))
    harness.assert_status(r, 429, "the 21st activity of the minute")


@test
def test_activities_seen_pruned():
    """the periodic sweep forgets activity ids older than 30 days and keeps the newer ones"""
    A.psql("INSERT INTO activities_seen (uri, seen_at) VALUES"
           " ('https://old.example/1', now() - interval '31 days'),"
           " ('https://new.example/1', now() - interval '29 days')")
    harness.wait_for(lambda: A.scalar("SELECT count(*) FROM activities_seen WHERE uri ="
                                      " 'https://old.example/1'") == "0",
                     what="the old id to be pruned")
    assert A.scalar("SELECT count(*) FROM activities_seen WHERE uri ="
                    " 'https://new.example/1'") == "1"


harness.add_server_end_tests(suite, lambda: A.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
