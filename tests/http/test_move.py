"""Moving accounts (issue 12): alsoKnownAs and Move, both ways, between real parasol
instances on loopback. A (alice, who moves away; lena, her follower on A) and B (bob, the
account alice moves to; bert, her follower on B; carol, who lists nobody), and a fake peer F
(this script's stdlib server, allowed by A) whose actors play a third server: fay follows
alice, olga moves away from F and is followed by lena, tess and the others are where olga
tries to move.

A reads its clock from a file (PARASOL_TEST_CLOCK_FILE), so "one move per 30 days" is tested by
moving the clock, never by waiting. Deliveries and inbound activities are applied by job
workers, so every check polls (at most WAIT seconds)."""

import base64
import hashlib
import hmac
import html
import struct
import os
import re
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("move")
test = suite.test
A = harness.peer_instance(suite, "move_a")
B = harness.peer_instance(suite, "move_b")
AP = "application/activity+json"
WAIT = 30  # seconds, the longest any single wait may take
DAY = 24 * 3600

state = {}
clients = {}


def set_clock(t):
    with open(state["clock"], "w", encoding="ascii") as f:
        f.write("%d\n" % t)
    state["now"] = t


def setup():
    clock = os.path.join(A.tmp, "clock")
    state["clock"] = clock
    set_clock(int(time.time()))
    A.env = {"PARASOL_TEST_CLOCK_FILE": clock}
    for inst in (A, B):
        inst.setup()
        inst.start_server()
    harness.allow_peer(A, dom(B))
    harness.allow_peer(B, dom(A))
    for name in ("alice", "lena", "nora"):
        clients[name] = harness.member(A, name)
    for name in ("bob", "bert", "carol"):
        clients[name] = harness.member(B, name)
    fake = harness.FakePeer(suite)
    harness.allow_peer(A, fake.domain)
    state["fake"] = fake
    for name in ("fay", "olga", "tess", "tina", "trudy", "tom", "uma", "vic"):
        state[name] = fake.add_actor(name)


def dom(inst):
    return harness.instance_domain(inst)


def actor_uri(inst, name):
    return "%s/users/%s" % (harness.instance_base(inst), name)


def q(s):
    return s.replace("'", "''")


def remote_id(inst, uri):
    rows = inst.psql("SELECT id FROM accounts WHERE uri = '%s'" % q(uri))
    return rows[0][0] if rows else None


def local_id(inst, name):
    return inst.scalar("SELECT id FROM accounts WHERE domain IS NULL AND username = '%s'" % name)


def follows(inst, follower_id, target_id, table="follows"):
    if follower_id is None or target_id is None:
        return False
    return inst.scalar("SELECT count(*) FROM %s WHERE account_id = %s"
                       " AND target_account_id = %s" % (table, follower_id, target_id)) == "1"


def actor_doc(inst, name):
    r = harness.request(inst.port, "GET", "/users/" + name, headers={"Accept": AP})
    harness.assert_status(r, 200, "actor %s" % name)
    return r.json()


def error_on(r):
    m = re.search(r'<p class="error" role="alert"[^>]*>(.*?)</p>', r.text, re.S)
    return html.unescape(m.group(1)) if m else None


def with_doc(actor, **extra):
    """Makes the fake actor's document carry extra properties (None removes one)."""
    plain = type(actor).document.__get__(actor)

    def document():
        doc = dict(plain())
        for k, v in extra.items():
            if v is None:
                doc.pop(k, None)
            else:
                doc[k] = v
        return doc
    actor.document = document


def move_activity(actor, target, obj=None, suffix="1"):
    return {"@context": "https://www.w3.org/ns/activitystreams",
            "id": "%s#moves/%s" % (actor.uri, suffix), "type": "Move", "actor": actor.uri,
            "object": obj if obj is not None else actor.uri, "target": target,
            "to": actor.uri + "/followers"}


def jobs_idle(inst):
    return inst.scalar("SELECT count(*) FROM jobs WHERE kind IN ('inbox', 'deliver')"
                       " AND (last_error IS NULL OR run_at <= now() + interval '1 second')") == "0"


def settle(*insts):
    for _ in range(2):
        for inst in insts:
            harness.wait_for(lambda: jobs_idle(inst), WAIT, what="idle jobs on " + inst.script)
        time.sleep(0.5)


def follow_remote(client, acct):
    """client follows acct (user@domain) from its profile's Follow button."""
    r = client.get("/search?q=" + urllib.parse.quote("@" + acct))
    harness.assert_status(r, 200, "search %s" % acct)
    m = re.search(r'href="([^"]*/@%s)"' % re.escape(acct), r.text)
    assert m, "no result for %s" % acct
    page = client.get(urllib.parse.urlsplit(m.group(1)).path)
    m = re.search(r'<form[^>]*action="([^"]*/follow)"', page.text)
    assert m, "no Follow button on %s" % acct
    r = client.post(m.group(1), {"back": "/home"})
    assert r.status == 303, "follow %s: %r" % (acct, r)


def move_form(client, handle, password=harness.PASSWORD):
    return client.post("/settings/move", {"handle": handle, "password": password})


# --- the actor document ------------------------------------------------------------------------

@test
def test_actor_without_move():
    """An actor that never moved: alsoKnownAs is an empty array, movedTo is absent, and the
    context defines both terms"""
    doc = actor_doc(A, "alice")
    assert doc["alsoKnownAs"] == [], doc
    assert "movedTo" not in doc, doc
    terms = doc["@context"][2]
    assert terms["alsoKnownAs"] == {"@id": "as:alsoKnownAs", "@type": "@id"}, terms
    assert terms["movedTo"] == {"@id": "as:movedTo", "@type": "@id"}, terms


# --- moving in: bob@B lists alice@A ------------------------------------------------------------

@test
def test_alias_refused_for_a_server_not_federated_with():
    """Listing an account on a server B doesn't federate with is refused (422, saying so);
    nothing is stored"""
    r = clients["bob"].post("/settings/aliases", {"handle": "someone@moving.invalid"})
    harness.assert_status(r, 422, "alias on a non-peer")
    assert error_on(r) == "That server is not one this community federates with.", error_on(r)
    assert actor_doc(B, "bob")["alsoKnownAs"] == []


@test
def test_alias_added_and_removed():
    """bob adds @alice@A on "Moving from another account": his actor lists her actor id, the
    page lists it and says what to do on the old server; removing it empties the list; he
    adds it again for the moves below"""
    page = clients["bob"].get("/settings/aliases")
    harness.assert_status(page, 200, "aliases page")
    assert "@bob@" + dom(B) in page.text, "the page doesn't give bob's address"
    assert "Move to a different account" in html.unescape(page.text)
    r = clients["bob"].post("/settings/aliases", {"handle": "@alice@" + dom(A)})
    assert r.status == 303, "add alias: %r %s" % (r, error_on(r))
    alice = actor_uri(A, "alice")
    assert actor_doc(B, "bob")["alsoKnownAs"] == [alice]
    assert alice in clients["bob"].get("/settings/aliases").text
    r = clients["bob"].post("/settings/aliases/remove", {"uri": alice})
    assert r.status == 303, r
    assert actor_doc(B, "bob")["alsoKnownAs"] == []
    r = clients["bob"].post("/settings/aliases/remove", {"uri": alice})
    harness.assert_status(r, 404, "removing what isn't listed")
    r = clients["bob"].post("/settings/aliases", {"handle": "alice@" + dom(A)})
    assert r.status == 303, r
    assert actor_doc(B, "bob")["alsoKnownAs"] == [alice]
    state["alias"] = True


@test
def test_deleting_forgets_the_aliases():
    """A member who listed an old account and then deletes theirs leaves no trace of it: the
    row's alsoKnownAs is emptied with the rest (a dump holds no old account's id)"""
    dora = harness.member(B, "dora")
    r = dora.post("/settings/aliases", {"handle": "alice@" + dom(A)})
    assert r.status == 303, "add alias: %r %s" % (r, error_on(r))
    assert actor_doc(B, "dora")["alsoKnownAs"] == [actor_uri(A, "alice")]
    dora_id = local_id(B, "dora")
    r = dora.post("/settings/delete", {"password": harness.PASSWORD})
    assert r.status == 303, r
    row = B.psql("SELECT cardinality(also_known_as), moved_to_uri IS NULL, moved_at IS NULL"
                 " FROM accounts WHERE id = %s" % dora_id)
    assert row == [["0", "t", "t"]], row


# --- alice's followers: lena on A, bert on B, fay on F --------------------------------------------

@test
def test_followers_in_place():
    """lena (A) and bert (B) follow alice; fay follows her with a signed Follow"""
    r = clients["lena"].post("/@alice/follow", {"back": "/home"})
    assert r.status == 303, r
    follow_remote(clients["bert"], "alice@" + dom(A))
    fay = state["fay"]
    r = fay.post(A.port, "/users/alice/inbox",
                 {"@context": "https://www.w3.org/ns/activitystreams", "id": fay.uri + "#f/1",
                  "type": "Follow", "actor": fay.uri, "object": actor_uri(A, "alice")})
    harness.assert_status(r, 202, "fay's Follow")
    alice_a = local_id(A, "alice")
    harness.wait_for(lambda: follows(A, remote_id(A, actor_uri(B, "bert")), alice_a), WAIT,
                     what="bert's follow on A")
    harness.wait_for(lambda: follows(A, remote_id(A, fay.uri), alice_a), WAIT,
                     what="fay's follow on A")
    harness.wait_for(lambda: follows(B, local_id(B, "bert"), remote_id(B, actor_uri(A, "alice"))),
                     WAIT, what="the Accept on B")
    assert follows(A, local_id(A, "lena"), alice_a)
    settle(A, B)
    state["followers"] = True


def needs(*flags):
    for flag in flags:
        if not state.get(flag):
            raise AssertionError("needs %s (an earlier test failed)" % flag)


# --- moving away: refused cases ------------------------------------------------------------------

@test
def test_move_refused_cases():
    """Each refusal says why, with its own status, and changes nothing: a target that doesn't
    list alice (422), a server A doesn't federate with (422), a wrong password (403), a
    target that moved itself (422), an empty or malformed address (422), an actor document
    that can't be used (422)"""
    needs("followers")
    alice = clients["alice"]
    r = move_form(alice, "carol@" + dom(B))
    harness.assert_status(r, 422, "target without alias")
    assert "doesn't list this one" in error_on(r), error_on(r)
    r = move_form(alice, "carol@moving.invalid")
    harness.assert_status(r, 422, "target on a non-peer")
    assert error_on(r) == "That server is not one this community federates with.", error_on(r)
    r = move_form(alice, "bob@" + dom(B), password="not the password at all")
    harness.assert_status(r, 403, "wrong password")
    uma = state["uma"]
    with_doc(uma, alsoKnownAs=[actor_uri(A, "alice")], movedTo=state["tina"].uri)
    r = move_form(alice, "uma@" + state["fake"].domain)
    harness.assert_status(r, 422, "target moved itself")
    assert "moved elsewhere itself" in error_on(r), error_on(r)
    r = move_form(alice, "")
    harness.assert_status(r, 422, "no address")
    r = move_form(alice, "not an address")
    harness.assert_status(r, 422, "a malformed address")
    assert error_on(r) == "Write the address as user@server.", error_on(r)
    tom = state["tom"]
    with_doc(tom, inbox=None)  # an actor document no server can use
    r = clients["alice"].post("/settings/aliases", {"handle": "tom@" + state["fake"].domain})
    harness.assert_status(r, 422, "an alias whose actor is broken")
    assert error_on(r) == "That address doesn't lead to an account this node can use.", \
        error_on(r)
    doc = actor_doc(A, "alice")
    assert "movedTo" not in doc, doc
    assert A.scalar("SELECT count(*) FROM accounts WHERE moved_at IS NOT NULL") == "0"
    assert not state["fake"].activities("Move"), "a refused move sent a Move"


# --- moving away: alice@A -> bob@B -----------------------------------------------------------------

@test
def test_move_away():
    """alice moves to bob@B: her actor gets movedTo; a Move signed by her reaches the fake
    peer's inbox; lena (A) and bert (B) follow bob and no longer alice, each told; her
    profile says where she went; she can't post but can still open her settings"""
    needs("alias", "followers")
    r = move_form(clients["alice"], "bob@" + dom(B))
    assert r.status == 303, "move: %r %s" % (r, error_on(r))
    bob = actor_uri(B, "bob")
    alice = actor_uri(A, "alice")
    assert actor_doc(A, "alice")["movedTo"] == bob
    state["moved"] = True
    moves = harness.wait_for(lambda: state["fake"].activities("Move"), WAIT,
                             what="alice's Move at the fake peer")
    assert len(moves) == 1, moves
    mv = moves[0]
    assert mv["actor"] == alice and mv["object"] == alice and mv["target"] == bob, mv
    assert mv["_path"] == "/inbox", "not to the shared inbox: %r" % mv["_path"]
    # lena, on A: a follow of bob (B accepts), none of alice
    bob_on_a = lambda: remote_id(A, bob)  # noqa: E731
    harness.wait_for(lambda: follows(A, local_id(A, "lena"), bob_on_a()), WAIT,
                     what="lena following bob")
    assert not follows(A, local_id(A, "lena"), local_id(A, "alice"))
    assert A.scalar("SELECT count(*) FROM notifications WHERE type = 'move' AND account_id = %s"
                    % local_id(A, "lena")) == "1"
    notes = clients["lena"].get("/notifications").text
    assert "moved to a new account" in notes and "@bob@" + dom(B) in notes, notes[-2000:]
    # bert, on B: B applied the Move (bob is its own member, listing alice)
    alice_on_b = remote_id(B, alice)
    harness.wait_for(lambda: follows(B, local_id(B, "bert"), local_id(B, "bob")), WAIT,
                     what="bert following bob on B")
    harness.wait_for(lambda: not follows(B, local_id(B, "bert"), alice_on_b), WAIT,
                     what="bert no longer following alice on B")
    assert B.scalar("SELECT moved_to_uri FROM accounts WHERE id = %s" % alice_on_b) == bob
    # alice's Undo(Follow) from bert reached A
    harness.wait_for(lambda: not follows(A, remote_id(A, actor_uri(B, "bert")),
                                         local_id(A, "alice")), WAIT,
                     what="A to hear bert's Undo")
    # her profile, on A and on B
    page = harness.request(A.port, "GET", "/@alice").text
    assert "This account has moved to" in page and "@bob@" + dom(B) in page, page[-3000:]
    page = clients["bert"].get("/@alice@" + dom(A)).text
    assert "This account has moved to" in page, page[-3000:]
    assert 'href="/@bob">@bob</a>' in page, "no link to bob, B's member: %s" % page[-3000:]
    # she can't post; she still signs in and reads her settings
    r = harness.publish(clients["alice"], "still here?")
    harness.assert_status(r, 403, "posting after the move")
    assert "has moved to another account" in html.unescape(r.text)
    harness.assert_status(clients["alice"].get("/settings"), 200, "settings after the move")
    harness.assert_status(clients["alice"].get("/settings/delete"), 200, "delete page")


@test
def test_second_move_refused_then_undo():
    """While moved, another move is refused (409); undoing the redirect clears movedTo (bob
    keeps the followers that moved) and alice may post again; moving again within 30 days is
    refused (429), and allowed once the clock passes them"""
    needs("moved")
    r = move_form(clients["alice"], "bob@" + dom(B))
    harness.assert_status(r, 409, "a second move while moved")
    assert "moved already" in error_on(r), error_on(r)
    r = clients["alice"].post("/settings/move/undo", {})
    assert r.status == 303, r
    assert "movedTo" not in actor_doc(A, "alice")
    assert "This account has moved" not in harness.request(A.port, "GET", "/@alice").text
    assert follows(A, local_id(A, "lena"), remote_id(A, actor_uri(B, "bob")))
    r = harness.publish(clients["alice"], "back again")
    assert r.status == 303, r
    r = clients["alice"].post("/settings/move/undo", {})
    harness.assert_status(r, 404, "undo when not moved")
    r = move_form(clients["alice"], "bob@" + dom(B))
    harness.assert_status(r, 429, "a move within 30 days")
    assert "only once in 30 days" in error_on(r), error_on(r)
    set_clock(state["now"] + 31 * DAY)
    r = move_form(clients["alice"], "bob@" + dom(B))
    assert r.status == 303, "a move after 31 days: %r %s" % (r, error_on(r))
    assert actor_doc(A, "alice")["movedTo"] == actor_uri(B, "bob")


# --- receiving Move: olga@F moves; lena@A follows her -----------------------------------------------

@test
def test_olga_followed_by_lena():
    """lena follows olga@F (F accepts by hand); nora mutes her"""
    fake, olga = state["fake"], state["olga"]
    follow_remote(clients["lena"], "olga@" + fake.domain)
    follow = harness.wait_for(lambda: [a for a in fake.activities("Follow")
                                       if a["object"] == olga.uri], WAIT,
                              what="lena's Follow at F")[0]
    follow.pop("_path")
    follow.pop("_answered")
    r = olga.post(A.port, "/inbox", {"@context": "https://www.w3.org/ns/activitystreams",
                                     "id": olga.uri + "#accepts/1", "type": "Accept",
                                     "actor": olga.uri, "object": follow})
    harness.assert_status(r, 202, "olga's Accept")
    harness.wait_for(lambda: follows(A, local_id(A, "lena"), remote_id(A, olga.uri)), WAIT,
                     what="lena following olga")
    r = clients["nora"].post("/@olga@%s/mute" % fake.domain, {"back": "/home"})
    assert r.status == 303, r
    state["olga_followed"] = True


def olga_unchanged(what):
    lena, olga_id = local_id(A, "lena"), remote_id(A, state["olga"].uri)
    assert follows(A, lena, olga_id), "%s: lena no longer follows olga" % what
    assert A.scalar("SELECT moved_to_uri IS NULL FROM accounts WHERE id = %s" % olga_id) == "t", \
        "%s: olga marked moved" % what


@test
def test_hostile_moves_refused_at_the_inbox():
    """A Move whose object is not its actor (403), whose target is on a server A doesn't
    federate with (403), or is its actor (422), signed by another actor's key (403), or sent
    by a server A doesn't federate with (403): refused at once, nothing stored"""
    needs("olga_followed")
    fake, olga, fay = state["fake"], state["olga"], state["fay"]
    r = olga.post(A.port, "/inbox", move_activity(olga, state["tess"].uri, obj=fay.uri,
                                                  suffix="x1"))
    harness.assert_status(r, 403, "object is not the actor")
    r = olga.post(A.port, "/inbox", move_activity(olga, "http://127.0.0.1:9/users/x",
                                                  suffix="x2"))
    harness.assert_status(r, 403, "target on a non-peer")
    r = olga.post(A.port, "/inbox", move_activity(olga, olga.uri, suffix="x3"))
    harness.assert_status(r, 422, "target is the actor")
    r = fay.post(A.port, "/inbox", move_activity(olga, state["tess"].uri, suffix="x4"))
    harness.assert_status(r, 403, "signed by fay for olga")
    other = harness.FakePeer(suite)
    stranger = other.add_actor("olga")
    r = stranger.post(A.port, "/inbox", move_activity(stranger, state["tess"].uri, suffix="x5"))
    assert r.status in (401, 403), "a Move from a non-peer: %r" % r
    assert A.scalar("SELECT count(*) FROM jobs WHERE payload::text LIKE '%%#moves/x%%'") == "0"
    olga_unchanged("hostile Moves")


@test
def test_moves_that_fail_the_checks_change_nothing():
    """Accepted by the inbox (202) but applied to nothing: a target that doesn't list olga,
    and a target whose document redirects to another server"""
    needs("olga_followed")
    fake, olga, tess, trudy = state["fake"], state["olga"], state["tess"], state["trudy"]
    r = olga.post(A.port, "/inbox", move_activity(olga, tess.uri, suffix="n1"))
    harness.assert_status(r, 202, "Move to a target without alias")
    with_doc(trudy, alsoKnownAs=[olga.uri])
    fake.routes["/users/trudy"] = lambda path: (302, b"", "text/plain",
                                                 {"Location": actor_uri(B, "bob")})
    r = olga.post(A.port, "/inbox", move_activity(olga, trudy.uri, suffix="n2"))
    harness.assert_status(r, 202, "Move to a redirecting target")
    settle(A)
    olga_unchanged("Moves failing the checks")
    log = A.server.log()
    assert "doesn't list it in alsoKnownAs" in log, "no cause logged for the missing alias"
    assert "not usable" in log, "no cause logged for the redirect"


@test
def test_move_received_and_applied():
    """olga moves to tina, whose alsoKnownAs is a single string (accepted): lena follows tina
    (a Follow reaches F) and no longer olga (an Undo reaches F), and is told; nora, who muted
    olga, mutes tina too;
    olga's profile on A says she moved. The same Move again, and a copy with a new id,
    change nothing more"""
    needs("olga_followed")
    fake, olga, tina = state["fake"], state["olga"], state["tina"]
    with_doc(tina, alsoKnownAs=olga.uri)
    act = move_activity(olga, tina.uri, suffix="ok1")
    r = olga.post(A.port, "/inbox", act)
    harness.assert_status(r, 202, "olga's Move")
    lena = local_id(A, "lena")
    tina_id = lambda: remote_id(A, tina.uri)  # noqa: E731
    harness.wait_for(lambda: follows(A, lena, tina_id(), "follow_requests"), WAIT,
                     what="lena's request to follow tina")
    harness.wait_for(lambda: [a for a in fake.activities("Follow") if a["object"] == tina.uri],
                     WAIT, what="lena's Follow of tina at F")
    harness.wait_for(lambda: [a for a in fake.activities("Undo")
                              if isinstance(a["object"], dict)
                              and a["object"].get("object") == olga.uri], WAIT,
                     what="lena's Undo(Follow) of olga at F")
    olga_id = remote_id(A, olga.uri)
    assert not follows(A, lena, olga_id)
    assert follows(A, local_id(A, "nora"), tina_id(), "mutes"), \
        "the mute of olga was not copied to tina"
    assert A.scalar("SELECT moved_to_uri FROM accounts WHERE id = %s" % olga_id) == tina.uri
    page = clients["lena"].get("/@olga@" + fake.domain).text
    assert "This account has moved to" in page, page[-2000:]
    notes = ("SELECT count(*) FROM notifications WHERE type = 'move' AND account_id = %s"
             " AND from_account_id = %s" % (lena, olga_id))
    assert A.scalar(notes) == "1"
    # replays: the very same activity, and the same move under a new id
    r = olga.post(A.port, "/inbox", act)
    harness.assert_status(r, 202, "the replay")
    r = olga.post(A.port, "/inbox", move_activity(olga, tina.uri, suffix="ok2"))
    harness.assert_status(r, 202, "a second Move with a new id")
    settle(A)
    assert A.scalar(notes) == "1", "a replayed Move notified again"
    assert "moved there already" in A.server.log()


def totp(secret, offset=0):
    s = state["now"] // 30 + offset
    mac = hmac.new(secret, struct.pack(">Q", s), hashlib.sha1).digest()
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7fffffff) % 1000000)


@test
def test_move_with_two_factor():
    """With two-factor sign-in on, the move also needs a code (the deletion page's check): none
    or a wrong one is a 403 and nothing moves; the right one moves zoe to vic@F"""
    zoe = harness.member(A, "zoe")
    r = zoe.post("/settings/two-factor/start", {"two_factor_password": harness.PASSWORD})
    assert r.status == 303, r
    m = re.search(r'<code class="secret" id="secret">([A-Z2-7 ]+)</code>',
                  zoe.get("/settings/two-factor").text)
    assert m, "no secret on the set-up page"
    b32 = m.group(1).replace(" ", "")
    secret = base64.b32decode(b32 + "=" * (-len(b32) % 8))
    r = zoe.post("/settings/two-factor/enable", {"code": totp(secret)})
    assert r.status == 303, r
    set_clock((state["now"] // 30 + 1) * 30 + 15)  # the next step: that code is used
    vic = state["vic"]
    with_doc(vic, alsoKnownAs=[actor_uri(A, "zoe")])
    page = zoe.get("/settings/move").text
    assert 'name="code"' in page, "the move form asks for no code"
    handle = "vic@" + state["fake"].domain
    r = move_form(zoe, handle)
    harness.assert_status(r, 403, "a move without the code")
    r = zoe.post("/settings/move", {"handle": handle, "password": harness.PASSWORD,
                                    "code": totp(secret, 5)})
    harness.assert_status(r, 403, "a move with a wrong code")
    assert "movedTo" not in actor_doc(A, "zoe")
    r = zoe.post("/settings/move", {"handle": handle, "password": harness.PASSWORD,
                                    "code": totp(secret)})
    assert r.status == 303, "a move with the code: %r %s" % (r, error_on(r))
    assert actor_doc(A, "zoe")["movedTo"] == vic.uri


harness.add_server_end_tests(suite, lambda: A.server)
harness.add_server_end_tests(suite, lambda: B.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
