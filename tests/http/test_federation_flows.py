"""Federation end to end between real parasol instances on loopback: A (alice), B (bob,
carol), and C (carl), which allowlists A while A does not allowlist C. A fake peer F
(this script's stdlib http.server, allowlisted by A) has an actor fay who follows alice, so
that what A sends to a follower's server can be seen byte for byte.

Deliveries and inbound activities are applied by job workers, so every check polls (at most
WAIT seconds)."""

import base64
import json
import os
import re
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("federation_flows")
test = suite.test
A = harness.peer_instance(suite, "federation_flows_a", retry_first_delay="3")
B = harness.peer_instance(suite, "federation_flows_b")
C = harness.peer_instance(suite, "federation_flows_c")
AP = "application/activity+json"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
WAIT = 20  # seconds, the longest any single wait may take

# The server setting that shortens the delivery backoff for tests (A's first retry comes after
# 3 s instead of 30 s).
SHORT_BACKOFF_SETTING = "retry_first_delay"

state = {}
clients = {}


def setup():
    for inst in (A, B, C):
        inst.setup()
        inst.start_server()
    harness.allow_peer(A, dom(B))
    harness.allow_peer(B, dom(A))
    harness.allow_peer(C, dom(A))  # C wants A; A does not want C
    clients["alice"] = harness.member(A, "alice")
    clients["bob"] = harness.member(B, "bob")
    clients["carol"] = harness.member(B, "carol")
    clients["carl"] = harness.member(C, "carl")
    fake = harness.FakePeer(suite)
    harness.allow_peer(A, fake.domain)
    state.update(fake=fake, fay=fake.add_actor("fay"))


def dom(inst):
    return harness.instance_domain(inst)


def base(inst):
    return harness.instance_base(inst)


def q(s):
    return s.replace("'", "''")


def marker(what):
    """A word unique to this run, to find a post by."""
    return "%s%d" % (what, int(time.time() * 1000) % 100000000)


def actor_uri(inst, name):
    return "%s/users/%s" % (base(inst), name)


def note_uri(inst, name, sid):
    return "%s/users/%s/statuses/%s" % (base(inst), name, sid)


def remote_id(inst, uri):
    """inst's id of the remote account with that actor URI, or None."""
    rows = inst.psql("SELECT id FROM accounts WHERE uri = '%s'" % q(uri))
    return rows[0][0] if rows else None


def local_id(inst, name):
    return inst.scalar("SELECT id FROM accounts WHERE domain IS NULL AND username = '%s'" % name)


def follows(inst, follower_id, target_id):
    if follower_id is None or target_id is None:
        return False
    return inst.scalar("SELECT count(*) FROM follows WHERE account_id = %s"
                       " AND target_account_id = %s" % (follower_id, target_id)) == "1"


def status_by_text(inst, word):
    """(id, visibility, account_id, in_reply_to_id, edited_at) of the one status whose text or
    content holds word, or None."""
    rows = inst.psql("SELECT id, visibility, account_id, in_reply_to_id, edited_at FROM statuses"
                     " WHERE reblog_of_id IS NULL AND (text LIKE '%%%s%%' OR content LIKE '%%%s%%')"
                     % (q(word), q(word)))
    assert len(rows) <= 1, "more than one status holds %r: %r" % (word, rows)
    return rows[0] if rows else None


def jobs_idle(inst, kinds):
    """Whether inst has no job of those kinds pending, running or due now (retries of failed
    jobs due later don't count)."""
    return inst.scalar("SELECT count(*) FROM jobs WHERE kind IN (%s) AND (last_error IS NULL"
                       " OR run_at <= now() + interval '1 second')"
                       % ", ".join("'%s'" % k for k in kinds)) == "0"


def settle(*insts, kinds=("deliver",), extra=1.0):
    """Waits until the job queues of insts hold no job of those kinds to run now, twice in a
    row, then a little more: what was going to be sent (by default) has been."""
    for _ in range(2):
        for inst in insts:
            harness.wait_for(lambda: jobs_idle(inst, kinds), WAIT,
                             what="no %s job to run on %s" % ("/".join(kinds), inst.script))
        time.sleep(0.5)
    time.sleep(extra)


def fake_posts_holding(word):
    return [r for r in state["fake"].requests_to("POST") if word.encode() in r["body"]]


def main_part(text):
    """The <main> of a page, for failure messages."""
    m = re.search(r"<main.*?</main>", text, re.S)
    return (m.group(0) if m else text)[-1500:]


def account_results(text):
    """The items of a search page's account list (not the echoed query)."""
    m = re.search(r'id="accounts-heading".*?</section>', text, re.S)
    return re.findall(r"<li>(.*?)</li>", m.group(0), re.S) if m else []


def search_and_open_profile(client, acct):
    """Searches acct (user@domain) as client and opens the profile the result links to;
    returns (profile path, page)."""
    r = client.get("/search?q=" + urllib.parse.quote("@" + acct))
    harness.assert_status(r, 200, "search %s" % acct)
    for item in account_results(r.text):
        if ("@" + acct) in item:
            m = re.search(r'href="([^"]+)"', item)
            assert m, item
            path = urllib.parse.urlsplit(m.group(1)).path
            page = client.get(path)
            harness.assert_status(page, 200, "remote profile %s" % path)
            return path, page
    raise AssertionError("no search result for @%s:\n%s" % (acct, main_part(r.text)))


def follow_from_ui(client, acct):
    """Follows acct from its profile's Follow button; returns the profile path."""
    path, page = search_and_open_profile(client, acct)
    m = re.search(r'<form[^>]*action="([^"]*/follow)"', page.text)
    assert m, "no Follow button on %s:\n%s" % (path, main_part(page.text))
    r = client.post(m.group(1), {"back": path})
    assert r.status == 303, "follow: %r" % r
    return path


def wait_follow(inst, follower, target, what):
    harness.wait_for(lambda: follows(inst, follower(), target()), WAIT, what=what)


def verify_delivery_signature(req, signer_doc):
    """A POST A made to the fake peer: signed by signer_doc's key over (request-target),
    host, date and digest, with a Digest that matches the body."""
    h = {k.lower(): v for k, v in req["headers"].items()}
    assert h.get("digest") == harness.body_digest(req["body"]), "Digest mismatch: %r" % h
    sig = harness.parse_signature_header(h["signature"])
    assert sig["keyId"] == signer_doc["publicKey"]["id"], sig
    names = sig["headers"].split()
    for must in ("(request-target)", "host", "date", "digest"):
        assert must in names, names
    text = harness.signing_string("POST", req["path"], h, names)
    assert harness.rsa_verify(signer_doc["publicKey"]["publicKeyPem"], text.encode(),
                              base64.b64decode(sig["signature"])), "bad signature on a delivery"


def alice_doc():
    return harness.request(A.port, "GET", "/users/alice", headers={"Accept": AP}).json()


# --- follow, posts, interactions ----------------------------------------------------------------

@test
def test_remote_follow_and_accept():
    """alice@A finds @bob@B by search, opens his profile and presses Follow; B accepts (bob is
    not locked) and both sides record the follow; the profile then offers Unfollow"""
    path = follow_from_ui(clients["alice"], "bob@" + dom(B))
    state["bob_profile"] = path
    bob_on_a = lambda: remote_id(A, actor_uri(B, "bob"))  # noqa: E731
    alice_on_b = lambda: remote_id(B, actor_uri(A, "alice"))  # noqa: E731
    wait_follow(B, alice_on_b, lambda: local_id(B, "bob"), "B to record alice's follow")
    wait_follow(A, lambda: local_id(A, "alice"), bob_on_a, "A to record the Accept")
    assert A.scalar("SELECT count(*) FROM follow_requests") == "0"
    page = clients["alice"].get(path)
    assert re.search(r'action="[^"]*/unfollow"', page.text), "no Unfollow on bob's profile"
    state["followed"] = True


@test
def test_public_post_reaches_home():
    """a public post by bob arrives in alice's home timeline on A"""
    needs("followed")
    word = marker("bobpublic")
    sid = harness.post_and_get_id(B, clients["bob"], "bob", "Hello fediverse " + word,
                                  visibility="public")
    state["bob_post"] = (sid, word)
    harness.wait_for(lambda: word in clients["alice"].get("/home").text, WAIT,
                     what="bob's post on alice's home")
    rows = A.psql("SELECT id, visibility FROM statuses WHERE uri = '%s'" % note_uri(B, "bob", sid))
    assert len(rows) == 1 and rows[0][1] == "public", rows
    state["bob_post_on_a"] = rows[0][0]


def bob_post_on_a():
    if "bob_post_on_a" not in state:
        raise AssertionError("needs bob's public post on A (an earlier test failed)")
    return state["bob_post_on_a"]


@test
def test_reply_reaches_b():
    """alice's reply to bob's post reaches B as a reply to bob's post and notifies bob"""
    target = bob_post_on_a()
    word = marker("alicereply")
    r = harness.publish(clients["alice"], "@bob@%s thanks! %s" % (dom(B), word),
                        in_reply_to_id=target, visibility="public")
    assert r.status == 303, r
    bob_sid = state["bob_post"][0]
    row = harness.wait_for(lambda: status_by_text(B, word), WAIT, what="the reply on B")
    assert row[3] == bob_sid, "the reply on B is not in reply to bob's post: %r" % row
    assert row[2] == remote_id(B, actor_uri(A, "alice")), row
    harness.wait_for(lambda: B.scalar(
        "SELECT count(*) FROM notifications WHERE account_id = %s AND status_id = %s"
        " AND type IN ('reply', 'mention')" % (local_id(B, "bob"), row[0])) != "0", WAIT,
        what="bob's notification of the reply")


@test
def test_like_and_unlike():
    """alice's like of bob's post reaches B; her unlike removes it there"""
    target, bob_sid = bob_post_on_a(), state["bob_post"][0]
    alice_on_b = remote_id(B, actor_uri(A, "alice"))
    count = lambda: B.scalar("SELECT count(*) FROM favourites WHERE status_id = %s"  # noqa: E731
                             " AND account_id = %s" % (bob_sid, alice_on_b))
    r = clients["alice"].post("/statuses/%s/favourite" % target, {"back": "/home"})
    assert r.status == 303, r
    harness.wait_for(lambda: count() == "1", WAIT, what="the like on B")
    r = clients["alice"].post("/statuses/%s/unfavourite" % target, {"back": "/home"})
    assert r.status == 303, r
    harness.wait_for(lambda: count() == "0", WAIT, what="the Undo(Like) on B")


@test
def test_boost_and_unboost():
    """alice's boost of bob's post reaches B as a boost by her; the unboost removes it"""
    target, bob_sid = bob_post_on_a(), state["bob_post"][0]
    alice_on_b = remote_id(B, actor_uri(A, "alice"))
    count = lambda: B.scalar("SELECT count(*) FROM statuses WHERE reblog_of_id = %s"  # noqa: E731
                             " AND account_id = %s" % (bob_sid, alice_on_b))
    r = clients["alice"].post("/statuses/%s/reblog" % target, {"back": "/home"})
    assert r.status == 303, r
    harness.wait_for(lambda: count() == "1", WAIT, what="the boost on B")
    r = clients["alice"].post("/statuses/%s/unreblog" % target, {"back": "/home"})
    assert r.status == 303, r
    harness.wait_for(lambda: count() == "0", WAIT, what="the Undo(Announce) on B")


@test
def test_edit_reflected():
    """bob's edit of his post is reflected on A (new text, marked edited)"""
    target = bob_post_on_a()
    bob_sid, _ = state["bob_post"]
    word = marker("bobedited")
    r = clients["bob"].post("/statuses/%s/edit" % bob_sid, {"text": "Edited: " + word})
    assert r.status == 303, r
    harness.wait_for(lambda: A.scalar("SELECT count(*) FROM statuses WHERE id = %s AND content"
                                      " LIKE '%%%s%%' AND edited_at IS NOT NULL"
                                      % (target, word)) == "1", WAIT, what="the edit on A")
    assert word in clients["alice"].get("/home").text


@test
def test_delete_reflected():
    """bob's deletion of his post removes it from A"""
    target = bob_post_on_a()
    bob_sid, _ = state["bob_post"]
    r = clients["bob"].post("/statuses/%s/delete" % bob_sid, {})
    assert r.status == 303, r
    harness.wait_for(lambda: A.scalar("SELECT count(*) FROM statuses WHERE id = %s" % target)
                     == "0", WAIT, what="the Delete on A")


@test
def test_fake_peer_follows_alice():
    """fay (the fake peer's actor) follows alice with a signed Follow: A answers 202 and sends
    fay an Accept signed by alice, with a matching Digest"""
    fay = state["fay"]
    follow = {"@context": "https://www.w3.org/ns/activitystreams", "id": fay.uri + "#follow/1",
              "type": "Follow", "actor": fay.uri, "object": actor_uri(A, "alice")}
    r = fay.post(A.port, "/users/alice/inbox", follow)
    harness.assert_status(r, 202, "fay's Follow")
    accepts = harness.wait_for(lambda: [p for p in state["fake"].requests_to("POST")
                                        if b'"Accept"' in p["body"]], WAIT,
                               what="an Accept at the fake peer")
    accept = json.loads(accepts[0]["body"])
    assert accept["actor"] == actor_uri(A, "alice"), accept
    obj = accept["object"]
    assert (obj if isinstance(obj, str) else obj.get("id")) == follow["id"], accept
    verify_delivery_signature(accepts[0], alice_doc())
    assert follows(A, remote_id(A, fay.uri), local_id(A, "alice"))
    state["fay_follows"] = True


@test
def test_bob_follows_alice():
    """bob@B follows alice from B's UI (search, profile, Follow); A accepts and B records it"""
    follow_from_ui(clients["bob"], "alice@" + dom(A))
    wait_follow(A, lambda: remote_id(A, actor_uri(B, "bob")), lambda: local_id(A, "alice"),
                "A to record bob's follow")
    wait_follow(B, lambda: local_id(B, "bob"), lambda: remote_id(B, actor_uri(A, "alice")),
                "B to record A's Accept")
    state["bob_follows"] = True


def needs(*flags):
    for flag in flags:
        if not state.get(flag):
            raise AssertionError("needs %s (an earlier test failed)" % flag.replace("_", " "))


@test
def test_followers_only_post():
    """alice's followers-only post reaches her followers' servers (B for bob, the fake peer
    for fay, addressed to her followers and not to Public) and only her followers see it:
    not carol on B, and never C"""
    needs("bob_follows", "fay_follows")
    word = marker("followersonly")
    harness.post_and_get_id(A, clients["alice"], "alice", "for followers " + word,
                            visibility="private")
    harness.wait_for(lambda: word in clients["bob"].get("/home").text, WAIT,
                     what="the followers-only post on bob's home")
    row = status_by_text(B, word)
    assert row[1] == "private", row
    assert word not in clients["carol"].get("/home").text
    got = harness.wait_for(lambda: fake_posts_holding(word), WAIT,
                           what="the followers-only post at the fake peer")
    activity = json.loads(got[0]["body"])
    addressed = json.dumps([activity.get("to"), activity.get("cc"),
                            activity["object"].get("to"), activity["object"].get("cc")])
    assert PUBLIC not in addressed and "as:Public" not in addressed, addressed
    assert actor_uri(A, "alice") + "/followers" in addressed, addressed
    verify_delivery_signature(got[0], alice_doc())
    settle(A)
    assert status_by_text(C, word) is None


@test
def test_direct_post():
    """alice's direct post to carol@B reaches carol and nobody else: bob on B can't see it,
    and the fake peer (which follows alice) is sent nothing"""
    needs("fay_follows")
    word = marker("directmsg")
    sid = harness.post_and_get_id(A, clients["alice"], "alice",
                                  "@carol@%s just for you %s" % (dom(B), word),
                                  visibility="direct")
    row = harness.wait_for(lambda: status_by_text(B, word), WAIT, what="the direct post on B")
    assert row[1] == "direct", row
    assert B.scalar("SELECT count(*) FROM mentions WHERE status_id = %s AND account_id = %s"
                    % (row[0], local_id(B, "carol"))) == "1"
    harness.wait_for(lambda: word in clients["carol"].get("/notifications").text, WAIT,
                     what="carol's notification of the direct post")
    assert word not in clients["bob"].get("/home").text
    settle(A)
    assert fake_posts_holding(word) == [], "a direct post went to a follower's server"
    assert sid


@test
def test_members_only_never_delivered():
    """a members-only post is never delivered: after a later public post has reached B and
    the fake peer, neither holds the members-only one, and A queued no delivery of it"""
    needs("bob_follows", "fay_follows")
    word = marker("membersonly")
    barrier = marker("afterbarrier")
    harness.post_and_get_id(A, clients["alice"], "alice", "members only " + word,
                            visibility="members")
    assert A.scalar("SELECT count(*) FROM jobs WHERE payload::text LIKE '%%%s%%'" % word) == "0"
    harness.post_and_get_id(A, clients["alice"], "alice", "public barrier " + barrier,
                            visibility="public")
    harness.wait_for(lambda: status_by_text(B, barrier), WAIT, what="the barrier post on B")
    harness.wait_for(lambda: fake_posts_holding(barrier), WAIT,
                     what="the barrier post at the fake peer")
    settle(A)
    assert status_by_text(B, word) is None, "a members-only post reached B"
    assert word not in B.cluster.dump_data(B.dbname), "B's database holds the members-only post"
    assert fake_posts_holding(word) == [], "a members-only post reached the fake peer"


@test
def test_unfollow():
    """alice unfollows bob from his profile: B drops the follow, and bob's next public post is
    not delivered to A"""
    needs("followed")
    page = clients["alice"].get(state["bob_profile"])
    m = re.search(r'<form[^>]*action="([^"]*/unfollow)"', page.text)
    assert m, "no Unfollow button"
    r = clients["alice"].post(m.group(1), {"back": state["bob_profile"]})
    assert r.status == 303, r
    alice_on_b = remote_id(B, actor_uri(A, "alice"))
    harness.wait_for(lambda: not follows(B, alice_on_b, local_id(B, "bob")), WAIT,
                     what="B to drop the follow")
    assert not follows(A, local_id(A, "alice"), remote_id(A, actor_uri(B, "bob")))
    word = marker("afterunfollow")
    harness.post_and_get_id(B, clients["bob"], "bob", "nobody on A follows me " + word,
                            visibility="public")
    settle(B, A, kinds=("deliver", "inbox"), extra=2)
    assert status_by_text(A, word) is None, "delivered to A after the unfollow"


# --- refusals -------------------------------------------------------------------------------------

def carl_key():
    """carl@C's real key pair, read from C's database (after C made it for his actor)."""
    doc = harness.request(C.port, "GET", "/users/carl", headers={"Accept": AP})
    harness.assert_status(doc, 200, "carl's actor")
    pem = C.scalar("SELECT translate(private_key_pem, E'\\n', '~') FROM accounts"
                   " WHERE domain IS NULL AND username = 'carl'")
    assert pem, "carl has no key"
    key = harness.RSAKey.from_pem(suite, pem.replace("~", "\n"))
    assert key.public_pem.strip() == doc.json()["publicKey"]["publicKeyPem"].strip()
    return key, doc.json()


@test
def test_third_instance_refused_both_ways():
    """C, which A does not allowlist, is refused both ways: carl's Follow (signed with his real
    key) gets 403 at A and leaves only a contact attempt; carl's follow from C's UI changes
    nothing on A; alice can't look carl up, A stores nothing of C and delivers nothing there"""
    key, carl = carl_key()
    follow = {"@context": "https://www.w3.org/ns/activitystreams",
              "id": carl["id"] + "#follow/1", "type": "Follow", "actor": carl["id"],
              "object": actor_uri(A, "alice")}
    body = json.dumps(follow).encode()
    h = harness.sign_headers(key, carl["publicKey"]["id"], "POST", "/users/alice/inbox", dom(A),
                             body=body)
    r = harness.request(A.port, "POST", "/users/alice/inbox", headers=h, body=body)
    harness.assert_status(r, 403, "C's signed Follow at A")
    assert A.scalar("SELECT count(*) FROM federation_attempts WHERE domain = '%s'" % dom(C)) == "1"
    # From C's own UI: whatever C makes of it, A takes nothing.
    c = clients["carl"]
    r = c.get("/search?q=" + urllib.parse.quote("@alice@" + dom(A)))
    harness.assert_status(r, 200, "carl's search")
    m = None
    for item in account_results(r.text):
        if ("@alice@" + dom(A)) in item:
            m = re.search(r'href="([^"]+)"', item)
    if m:
        page = c.get(urllib.parse.urlsplit(m.group(1)).path)
        f = re.search(r'<form[^>]*action="([^"]*/follow)"', page.text)
        if f:
            c.post(f.group(1), {"back": "/home"})
    # From A: alice can't find carl.
    r = clients["alice"].get("/search?q=" + urllib.parse.quote("@carl@" + dom(C)))
    assert not [i for i in account_results(r.text) if ("@carl@" + dom(C)) in i], (
        "A resolved an account on a refused domain")
    word = marker("nottoc")
    harness.post_and_get_id(A, clients["alice"], "alice", "public, but not for C " + word,
                            visibility="public")
    settle(A, C)
    assert A.scalar("SELECT count(*) FROM accounts WHERE domain = '%s'" % dom(C)) == "0"
    assert A.scalar("SELECT count(*) FROM follows f JOIN accounts a ON a.id = f.account_id"
                    " WHERE a.domain = '%s'" % dom(C)) == "0"
    assert A.scalar("SELECT count(*) FROM jobs WHERE payload::text LIKE '%%%s%%'" % dom(C)) == "0"
    assert status_by_text(C, word) is None, "A delivered to C"


@test
def test_bad_signature_rejected():
    """a Create claiming to be bob@B, signed with a key that is not bob's, is 401 at A even
    after A refetches bob's key from B; nothing of it is stored"""
    word = marker("forgedbob")
    bob = actor_uri(B, "bob")
    note = bob + "/statuses/999999999"
    activity = {"@context": "https://www.w3.org/ns/activitystreams", "id": note + "/activity",
                "type": "Create", "actor": bob, "to": [PUBLIC],
                "object": {"id": note, "type": "Note", "attributedTo": bob, "to": [PUBLIC],
                           "content": "<p>%s</p>" % word}}
    body = json.dumps(activity).encode()
    h = harness.sign_headers(harness.RSAKey(suite), bob + "#main-key", "POST", "/inbox", dom(A),
                             body=body)
    r = harness.request(A.port, "POST", "/inbox", headers=h, body=body)
    harness.assert_status(r, 401, "forged signature")
    settle(A)
    assert status_by_text(A, word) is None
    assert A.scalar("SELECT count(*) FROM jobs WHERE payload::text LIKE '%%%s%%'" % word) == "0"


@test
def test_peer_down_then_back():
    """B is down while alice posts: the delivery is kept (a failed attempt, due again later);
    when B is back the post arrives within the retry window"""
    needs("bob_follows")
    B.server.stop()
    word = marker("whiledown")
    try:
        harness.post_and_get_id(A, clients["alice"], "alice", "are you there? " + word,
                                visibility="public")
        inbox = base(B) + "/inbox"
        harness.wait_for(lambda: A.scalar(
            "SELECT count(*) FROM jobs WHERE kind = 'deliver' AND attempts >= 1"
            " AND last_error IS NOT NULL AND run_at > now() AND payload::text LIKE '%%%s%%'"
            % q(dom(B))) != "0", WAIT, what="a failed delivery to B kept for a retry (%s)" % inbox)
    finally:
        B.start_server()
    if SHORT_BACKOFF_SETTING is None:
        raise harness.SkipTest("the server has no setting for a short delivery backoff (first "
                               "retry after 30 s); checked only that the delivery is kept")
    harness.wait_for(lambda: status_by_text(B, word), WAIT, what="the delivery after B is back")


@test
def test_profile_update_reaches_followers():
    """alice renames herself: B, where bob follows her, gets Update(Person) and shows the new
    name"""
    needs("bob_follows")
    name = "Alice " + marker("renamed")
    r = clients["alice"].post("/settings/profile", {"display_name": name, "bio": "new bio"})
    assert r.status == 303, r
    alice_on_b = actor_uri(A, "alice")
    harness.wait_for(lambda: B.scalar("SELECT display_name FROM accounts WHERE uri = '%s'"
                                      % alice_on_b) == name, WAIT,
                     what="B to store alice's new display name")


@test
def test_block_reaches_peer():
    """alice blocks bob: B records the block and both follows between them end on both
    sides; unblocking removes the block on B"""
    needs("bob_follows")
    bob_on_a = remote_id(A, actor_uri(B, "bob"))
    page = clients["alice"].get("/@bob@" + dom(B))
    m = re.search(r'<form[^>]*action="([^"]*/block)"', page.text)
    assert m, "no Block button on bob's profile"
    r = clients["alice"].post(m.group(1), {"back": "/home"})
    assert r.status == 303, r
    assert not follows(A, bob_on_a, local_id(A, "alice")), "A kept bob's follow"
    alice_on_b = remote_id(B, actor_uri(A, "alice"))

    def blocked_on_b():
        return B.scalar("SELECT count(*) FROM blocks WHERE account_id = %s AND"
                        " target_account_id = %s" % (alice_on_b, local_id(B, "bob"))) == "1"
    harness.wait_for(blocked_on_b, WAIT, what="B to record alice's block")
    assert not follows(B, local_id(B, "bob"), alice_on_b), "B kept bob's follow of alice"
    page = clients["alice"].get("/@bob@" + dom(B))
    m = re.search(r'<form[^>]*action="([^"]*/unblock)"', page.text)
    assert m, "no Unblock button"
    assert clients["alice"].post(m.group(1), {"back": "/home"}).status == 303
    harness.wait_for(lambda: not blocked_on_b(), WAIT, what="B to drop the block")


@test
def test_boost_of_unknown_post_fetched():
    """bob@B boosts carol's public post, which A never had (nobody there follows carol): A
    fetches it from B and alice, who follows bob, sees it boosted by bob in her home"""
    follow_from_ui(clients["alice"], "bob@" + dom(B))
    wait_follow(A, lambda: local_id(A, "alice"), lambda: remote_id(A, actor_uri(B, "bob")),
                "alice to follow bob again")
    word = marker("boostedcarol")
    sid = harness.post_and_get_id(B, clients["carol"], "carol", "carol says " + word,
                                  visibility="public")
    assert status_by_text(A, word) is None, "A had carol's post before the boost"
    r = clients["bob"].post("/statuses/%s/reblog" % sid, {"back": "/home"})
    assert r.status == 303, r
    harness.wait_for(lambda: status_by_text(A, word), WAIT, what="carol's post fetched by A")
    # the boost itself is stored after the post it names (the worker's next step)
    harness.wait_for(lambda: word in clients["alice"].get("/home").text, WAIT,
                     what="the boosted post in alice's home")
    carol_on_a = remote_id(A, actor_uri(B, "carol"))
    assert carol_on_a, "carol's account was not stored on A"


harness.add_server_end_tests(suite, lambda: A.server)
harness.add_server_end_tests(suite, lambda: B.server)
harness.add_server_end_tests(suite, lambda: C.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
