"""What one parasol instance (A, member alice) sends its peers, seen byte for byte by fake
peers (this script's stdlib http.server, harness.FakePeer):

- every activity has an id never sent before, and an Undo embeds the exact activity it takes
  back (like, unlike, like again; boost, unboost, boost; edits; follow, unfollow, follow,
  unfollow; block, unblock, block, unblock) — receivers drop an id they have seen;
- one delivery per inbox: a follower who is also mentioned gets one copy;
- a deleted post's queued Create never reaches a peer that was down;
- removing a peer first tells it: a Reject of each of its follows, an Undo of each of ours.

Peers: F (fay and nico follow alice; nico's server names no shared inbox; kit), D (dan
follows alice; plays a server that is down), R (the peer removed at the end: gus follows
alice, alice follows hal and asked ivy). Deliveries are job workers' work, so checks poll."""

import json
import os
import re
import sys
import time
import urllib.parse
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("federation_out")
test = suite.test
A = harness.peer_instance(suite, "federation_out", retry_first_delay="1", workers="2")
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
WAIT = 20
state = {}
clients = {}


def setup():
    A.setup()
    A.start_server()
    clients["alice"] = harness.member(A, "alice")
    clients["root"] = harness.member(A, "root", role="admin")
    for name in ("F", "D", "R"):
        peer = harness.FakePeer(suite)
        harness.allow_peer(A, peer.domain)
        state[name] = peer
    F, D, R = state["F"], state["D"], state["R"]
    state.update(fay=F.add_actor("fay"), nico=F.add_actor("nico", shared_inbox=False),
                 kit=F.add_actor("kit"), dan=D.add_actor("dan"), gus=R.add_actor("gus"),
                 hal=R.add_actor("hal"), ivy=R.add_actor("ivy"))
    for name in ("fay", "nico"):
        follow_alice(state[name])


def alice_uri():
    return "%s/users/alice" % harness.instance_base(A)


def q(s):
    return s.replace("'", "''")


def marker(what):
    return "%s%s" % (what, uuid.uuid4().hex[:10])


def send(actor, activity, path="/users/alice/inbox"):
    r = actor.post(A.port, path, activity)
    harness.assert_status(r, 202, "%s from %s" % (activity["type"], actor.name))


def local_id(name):
    return A.scalar("SELECT id FROM accounts WHERE domain IS NULL AND username = '%s'" % name)


def remote_id(actor):
    rows = A.psql("SELECT id FROM accounts WHERE uri = '%s'" % q(actor.uri))
    return rows[0][0] if rows else None


def follows(follower, target):
    if follower is None or target is None:
        return False
    return A.scalar("SELECT count(*) FROM follows WHERE account_id = %s AND target_account_id"
                    " = %s" % (follower, target)) == "1"


def follow_alice(actor):
    """actor follows alice with a signed Follow; A accepts (alice is not locked)."""
    fid = "%s#follows/%s" % (actor.uri, uuid.uuid4().hex)
    send(actor, {"@context": "https://www.w3.org/ns/activitystreams", "id": fid,
                 "type": "Follow", "actor": actor.uri, "object": alice_uri()})
    harness.wait_for(lambda: follows(remote_id(actor), local_id("alice")), WAIT,
                     what="%s to follow alice on A" % actor.name)
    return fid


def activities(peer, type_=None, path=None, pred=None):
    return [x for x in peer.activities(type_, path) if pred is None or pred(x)]


def wait_activities(peer, n, what, type_=None, path=None, pred=None):
    return harness.wait_for(lambda: (lambda got: got if len(got) >= n else None)(
        activities(peer, type_, path, pred)), WAIT, what=what)


def deliveries_pending(peer):
    return int(A.scalar("SELECT count(*) FROM jobs WHERE kind = 'deliver' AND payload->>'inbox'"
                        " LIKE '%s/%%'" % q(peer.base)))


def settle(peer):
    """Waits until A holds no delivery for peer any more, then a little longer."""
    harness.wait_for(lambda: deliveries_pending(peer) == 0, WAIT,
                     what="A to have no delivery left for %s" % peer.domain)
    time.sleep(0.5)


def object_id(act):
    o = act.get("object")
    return o if isinstance(o, str) else (o or {}).get("id")


def profile_action(client, actor, action):
    """POSTs the `action` form (follow, unfollow, block, unblock) of actor's profile on A."""
    acct = "%s@%s" % (actor.name, actor.peer.domain)
    r = client.get("/search?q=" + urllib.parse.quote("@" + acct))
    harness.assert_status(r, 200, "search %s" % acct)
    page = client.get("/@" + acct)
    harness.assert_status(page, 200, "profile of %s" % acct)
    m = re.search(r'<form[^>]*action="([^"]*/%s)"' % action, page.text)
    assert m, "no %s button on the profile of %s" % (action, acct)
    r = client.post(m.group(1).replace("&amp;", "&"), {"back": "/home"})
    harness.assert_status(r, 303, "%s %s" % (action, acct))


def accept_follow(actor, follow):
    """actor accepts the Follow A sent it."""
    send(actor, {"@context": "https://www.w3.org/ns/activitystreams",
                 "id": "%s#accepts/%s" % (actor.uri, uuid.uuid4().hex), "type": "Accept",
                 "actor": actor.uri, "object": follow})


def fay_note_on_a(word):
    """A public note by fay mentioning alice, stored on A; its id there."""
    fay = state["fay"]
    act = harness.activity_create(fay, "for alice " + word)
    act["object"]["tag"] = [{"type": "Mention", "href": alice_uri(), "name": "@alice"}]
    send(fay, act)
    return harness.wait_for(lambda: (A.psql("SELECT id FROM statuses WHERE uri = '%s'"
                                            % q(act["object"]["id"])) or [[None]])[0][0],
                            WAIT, what="fay's note on A"), act["object"]["id"]


def assert_unique_ids(acts, what):
    ids = [a["id"] for a in acts]
    assert len(set(ids)) == len(ids), "%s reuse an id: %r" % (what, ids)


# --- fresh ids, Undo names the exact activity ----------------------------------------------------

@test
def test_like_unlike_like_again():
    """like, unlike, like again: two Likes with different ids, and the Undo embeds the first
    Like with its id"""
    sid, note = fay_note_on_a(marker("likeme"))
    state["fay_note"] = (sid, note)
    F = state["F"]
    for action in ("favourite", "unfavourite", "favourite"):
        r = clients["alice"].post("/statuses/%s/%s" % (sid, action), {"back": "/home"})
        harness.assert_status(r, 303, action)
    about = lambda x: note in json.dumps(x)  # noqa: E731
    acts = wait_activities(F, 3, "Like, Undo, Like at fay's server", pred=about)
    assert [a["type"] for a in acts] == ["Like", "Undo", "Like"], [a["type"] for a in acts]
    like1, undo, like2 = acts
    assert_unique_ids(acts, "the likes and their Undo")
    assert isinstance(undo["object"], dict), "the Undo does not embed the Like: %r" % undo
    assert undo["object"]["id"] == like1["id"], (undo, like1)
    assert undo["object"]["type"] == "Like" and undo["object"]["object"] == note, undo
    assert like2["object"] == note and like2["actor"] == alice_uri(), like2
    fav = A.scalar("SELECT id FROM favourites WHERE status_id = %s" % sid)
    assert like2["id"].endswith("/" + fav), (like2["id"], fav)
    assert all(a["_path"] == "/users/fay/inbox" for a in acts), [a["_path"] for a in acts]


@test
def test_boost_unboost_boost():
    """boost, unboost, boost: two Announces with different ids, the Undo embeds the first; each
    inbox gets each activity once"""
    if "fay_note" not in state:
        raise AssertionError("needs fay's note (the test before failed)")
    sid, note = state["fay_note"]
    F = state["F"]
    for action in ("reblog", "unreblog", "reblog"):
        r = clients["alice"].post("/statuses/%s/%s" % (sid, action), {"back": "/home"})
        harness.assert_status(r, 303, action)
    about = lambda x: x["type"] in ("Announce", "Undo") and note in json.dumps(x)  # noqa: E731
    shared = wait_activities(F, 3, "Announce, Undo, Announce at F's shared inbox",
                             path="/inbox", pred=about)
    nico = wait_activities(F, 3, "Announce, Undo, Announce at nico's inbox",
                           path="/users/nico/inbox", pred=about)
    settle(F)
    for got, where in ((shared, "the shared inbox"), (nico, "nico's inbox")):
        got = activities(F, path=got[0]["_path"], pred=about)
        assert [a["type"] for a in got] == ["Announce", "Undo", "Announce"], (where, got)
        assert_unique_ids(got, "the boosts at " + where)
        assert got[1]["object"]["id"] == got[0]["id"], got[1]
    assert [a["id"] for a in shared] == [a["id"] for a in nico]


@test
def test_edits_have_new_ids():
    """three edits in a row: three Updates with three ids, the last one with the last text"""
    word = marker("edited")
    sid = harness.post_and_get_id(A, clients["alice"], "alice", "first " + word,
                                  visibility="public")
    for i in (2, 3, 4):
        r = clients["alice"].post("/statuses/%s/edit" % sid, {"text": "version %d %s" % (i, word)})
        harness.assert_status(r, 303, "edit %d" % i)
    F = state["F"]
    ups = wait_activities(F, 3, "three Updates at F's shared inbox", "Update", "/inbox",
                          lambda x: word in json.dumps(x))
    assert_unique_ids(ups, "the Updates of one post")
    assert "version 4" in ups[-1]["object"]["content"], ups[-1]["object"]["content"]


@test
def test_follow_unfollow_twice():
    """follow, unfollow, follow, unfollow: two Follows and two Undos, four ids, each Undo
    embedding the Follow it takes back; A ends not following"""
    F, kit = state["F"], state["kit"]
    for round_ in (1, 2):
        profile_action(clients["alice"], kit, "follow")
        f = wait_activities(F, round_, "Follow %d at kit's inbox" % round_, "Follow",
                            "/users/kit/inbox")[-1]
        accept_follow(kit, {k: v for k, v in f.items() if not k.startswith("_")})
        harness.wait_for(lambda: follows(local_id("alice"), remote_id(kit)), WAIT,
                         what="A to record the accepted follow %d" % round_)
        stored = A.scalar("SELECT uri FROM follows WHERE account_id = %s AND"
                          " target_account_id = %s" % (local_id("alice"), remote_id(kit)))
        assert stored == f["id"], "the follow keeps %r, the Follow was %r" % (stored, f["id"])
        profile_action(clients["alice"], kit, "unfollow")
        wait_activities(F, round_, "Undo %d at kit's inbox" % round_, "Undo", "/users/kit/inbox")
    follows_sent = activities(F, "Follow", "/users/kit/inbox")
    undos = activities(F, "Undo", "/users/kit/inbox")
    assert_unique_ids(follows_sent + undos, "the follows and unfollows")
    for f, u in zip(follows_sent, undos):
        assert isinstance(u["object"], dict) and u["object"].get("id") == f["id"], (u, f)
        assert u["object"]["type"] == "Follow" and u["object"]["object"] == kit.uri, u
    assert not follows(local_id("alice"), remote_id(kit))


@test
def test_block_unblock_twice():
    """block, unblock, block, unblock: four ids, each Undo embedding its Block"""
    F, kit = state["F"], state["kit"]
    for round_ in (1, 2):
        profile_action(clients["alice"], kit, "block")
        profile_action(clients["alice"], kit, "unblock")
    acts = wait_activities(F, 4, "Block, Undo, Block, Undo at kit's inbox", path="/users/kit/inbox",
                           pred=lambda x: x["type"] == "Block" or (
                               x["type"] == "Undo" and x["object"].get("type") == "Block"))
    assert [a["type"] for a in acts] == ["Block", "Undo", "Block", "Undo"], acts
    assert_unique_ids(acts, "the blocks and unblocks")
    assert acts[1]["object"]["id"] == acts[0]["id"] and acts[3]["object"]["id"] == acts[2]["id"]


# --- one delivery per inbox ----------------------------------------------------------------------

@test
def test_mentioned_follower_gets_one_copy():
    """nico follows alice and his server has no shared inbox: a post mentioning him reaches his
    inbox once; fay (shared inbox) mentioned too: her server gets one copy, at its shared
    inbox; the same for a direct post to nico"""
    F = state["F"]
    word = marker("mentioned")
    harness.post_and_get_id(A, clients["alice"], "alice", "@nico@%s @fay@%s hello %s" % (
        F.domain, F.domain, word), visibility="public")
    wait_activities(F, 1, "the Create at nico's inbox", "Create", "/users/nico/inbox",
                    lambda x: word in json.dumps(x))
    settle(F)
    creates = activities(F, "Create", pred=lambda x: word in json.dumps(x))
    paths = sorted(c["_path"] for c in creates)
    assert paths == ["/inbox", "/users/nico/inbox"], "deliveries of one post: %r" % paths
    word = marker("direct")
    harness.post_and_get_id(A, clients["alice"], "alice", "@nico@%s only you %s" % (
        F.domain, word), visibility="direct")
    wait_activities(F, 1, "the direct Create at nico's inbox", "Create", "/users/nico/inbox",
                    lambda x: word in json.dumps(x))
    settle(F)
    paths = [c["_path"] for c in activities(F, "Create", pred=lambda x: word in json.dumps(x))]
    assert paths == ["/users/nico/inbox"], "deliveries of the direct post: %r" % paths


@test
def test_image_post_carries_documents():
    """a post with two images reaches a follower's server with both as Documents, in order:
    mediaType, a URL on A that serves the image, the alt text as name (null when there is
    none), width, height and blurhash; sensitive and the content warning travel with them"""
    F = state["F"]
    word = marker("images")
    fixtures = os.path.join(harness.SRCDIR, "tests", "fixtures", "images")
    with open(os.path.join(fixtures, "photo.jpg"), "rb") as f1, \
            open(os.path.join(fixtures, "alpha.png"), "rb") as f2:
        files = [("image1", "p.jpg", "image/jpeg", f1.read()),
                 ("image2", "a.png", "image/png", f2.read())]
    r = clients["alice"].post_multipart("/statuses", {
        "text": "@nico@%s two pictures %s" % (F.domain, word), "visibility": "public",
        "alt1": "a test card", "sensitive": "1", "spoiler_text": "pictures"}, files)
    harness.assert_status(r, 303, "posting with images")
    create = wait_activities(F, 1, "the Create with images at nico's inbox", "Create",
                             "/users/nico/inbox", lambda x: word in json.dumps(x))[0]
    note = create["object"]
    assert note["sensitive"] is True and note["summary"] == "pictures", note
    docs = note["attachment"]
    assert [d["type"] for d in docs] == ["Document", "Document"], docs
    assert [d["mediaType"] for d in docs] == ["image/jpeg", "image/png"], docs
    assert docs[0]["name"] == "a test card" and docs[1]["name"] is None, docs
    assert (docs[0]["width"], docs[0]["height"]) == (64, 96), docs[0]
    for d in docs:
        assert re.fullmatch(r"[0-9A-Za-z#$%*+,\-.:;=?@\[\]^_{|}~]{6,}", d["blurhash"]), d
        assert d["url"].startswith(A.settings["base_url"] + "/media/"), d
        got = harness.request(A.port, "GET", d["url"][len(A.settings["base_url"]):])
        assert got.status == 200 and got.header("Content-Type") == d["mediaType"], got


# --- a deleted post is not delivered ------------------------------------------------------------

def accepted_creates(peer, word):
    return [c for c in activities(peer, "Create", pred=lambda x: word in json.dumps(x))
            if c["_answered"] == 202]


@test
def test_suspended_follower_gets_nothing():
    """sid@S follows alice and is suspended: alice's followers-only post goes to fay's server
    and not to sid's, and sid's signed fetch of it answers 404 (as for a stranger), while
    fay's answers 200"""
    S = harness.FakePeer(suite)
    harness.allow_peer(A, S.domain)
    sid_actor = S.add_actor("sid")
    follow_alice(sid_actor)
    A.psql("UPDATE accounts SET suspended_at = now() WHERE uri = '%s'" % q(sid_actor.uri))
    word = marker("forfollowers")
    post = harness.post_and_get_id(A, clients["alice"], "alice", "followers only " + word,
                                   visibility="private")
    wait_activities(state["F"], 1, "the post at fay's server", "Create",
                    pred=lambda x: word in json.dumps(x))
    settle(S)
    assert not activities(S, "Create", pred=lambda x: word in json.dumps(x)), \
        "the suspended follower's server got the post"
    path = "/users/alice/statuses/%s" % post
    host = "127.0.0.1:%d" % A.port
    for actor, want in ((sid_actor, 404), (state["fay"], 200)):
        h = harness.sign_headers(actor.key, actor.key_id, "GET", path, host)
        h["Accept"] = "application/activity+json"
        harness.assert_status(harness.request(A.port, "GET", path, headers=h), want,
                              "%s's signed fetch" % actor.name)


@test
def test_deleted_post_not_delivered_later():
    """D is down (503) when alice posts; she deletes the post; when D is back it gets the
    Delete and never the Create"""
    D, dan = state["D"], state["dan"]
    follow_alice(dan)
    D.inbox_status = 503
    try:
        word = marker("regret")
        sid = harness.post_and_get_id(A, clients["alice"], "alice", "oops " + word,
                                      visibility="public")
        wait_activities(D, 1, "a refused Create at D", "Create",
                        pred=lambda x: word in json.dumps(x))
        r = clients["alice"].post("/statuses/%s/delete" % sid, {})
        harness.assert_status(r, 303, "delete")
    finally:
        D.inbox_status = 202
    note = "%s/statuses/%s" % (alice_uri(), sid)
    harness.wait_for(lambda: [d for d in activities(D, "Delete") if object_id(d) == note
                              and d["_answered"] == 202], WAIT, what="the Delete at D")
    settle(D)
    assert accepted_creates(D, word) == [], "D got the deleted post's Create"


@test
def test_post_gone_when_job_runs():
    """a post removed behind the server's back while its Create waits for a retry: the
    delivery is dropped when it runs, not sent"""
    D = state["D"]
    D.inbox_status = 503
    try:
        word = marker("vanished")
        sid = harness.post_and_get_id(A, clients["alice"], "alice", "soon gone " + word,
                                      visibility="public")
        wait_activities(D, 1, "a refused Create at D", "Create",
                        pred=lambda x: word in json.dumps(x))
        A.psql("DELETE FROM statuses WHERE id = %s" % sid)
    finally:
        D.inbox_status = 202
    settle(D)
    assert accepted_creates(D, word) == [], "D got the Create of a post that is gone"


@test
def test_blocked_follower_not_sent_queued_post():
    """bea@B follows alice; B is down (503) when alice writes a followers-only post; alice
    blocks bea; when B is back, the queued post is not delivered (bea is no follower any
    more, and nobody else there follows alice), while fay's server got it"""
    B = harness.FakePeer(suite)
    harness.allow_peer(A, B.domain)
    bea = B.add_actor("bea")
    follow_alice(bea)
    B.inbox_status = 503
    try:
        word = marker("beforeblock")
        harness.post_and_get_id(A, clients["alice"], "alice", "followers only " + word,
                                visibility="private")
        wait_activities(B, 1, "a refused Create at B", "Create",
                        pred=lambda x: word in json.dumps(x))
        profile_action(clients["alice"], bea, "block")
        assert not follows(remote_id(bea), local_id("alice")), "bea still follows alice"
    finally:
        B.inbox_status = 202
    wait_activities(state["F"], 1, "the post at fay's server", "Create",
                    pred=lambda x: word in json.dumps(x))
    settle(B)
    assert accepted_creates(B, word) == [], "the blocked follower's server got the post"


@test
def test_queued_boost_and_like_of_deleted_post_dropped():
    """D is down when alice boosts and likes a note of gil@D (D's only follower of alice is
    dan); gil deletes the note; when D is back, neither the Announce nor the Like of the
    deleted note arrives there"""
    D, dan = state["D"], state["dan"]
    gil = D.add_actor("gil")
    follow_alice(dan)
    act = harness.activity_create(gil, "for alice " + marker("gilnote"))
    act["object"]["tag"] = [{"type": "Mention", "href": alice_uri(), "name": "@alice"}]
    send(gil, act)
    note = act["object"]["id"]
    sid = harness.wait_for(lambda: (A.psql("SELECT id FROM statuses WHERE uri = '%s'"
                                           % q(note)) or [[None]])[0][0],
                           WAIT, what="gil's note on A")
    about = lambda x: x["type"] in ("Announce", "Like") and x.get("object") == note  # noqa
    D.inbox_status = 503
    try:
        for action in ("reblog", "favourite"):
            r = clients["alice"].post("/statuses/%s/%s" % (sid, action), {"back": "/home"})
            harness.assert_status(r, 303, action)
        wait_activities(D, 2, "a refused Announce and Like at D", pred=about)
        send(gil, {"@context": "https://www.w3.org/ns/activitystreams",
                   "id": note + "#delete", "type": "Delete", "actor": gil.uri,
                   "object": {"id": note, "type": "Tombstone"}})
        harness.wait_for(lambda: A.scalar("SELECT count(*) FROM statuses WHERE uri = '%s'"
                                          % q(note)) == "0", WAIT, what="the note deleted on A")
    finally:
        D.inbox_status = 202
    settle(D)
    sent = [x["type"] for x in activities(D, pred=about) if x["_answered"] == 202]
    assert sent == [], "D got %r of a deleted note" % sent


# --- removing a peer tells it ----------------------------------------------------------------------

def signed_get(actor, path):
    h = harness.sign_headers(actor.key, actor.key_id, "GET", path, "127.0.0.1:%d" % A.port)
    h["Accept"] = "application/activity+json"
    return harness.request(A.port, "GET", path, headers=h)


@test
def test_follow_id_dereferences():
    """the id of alice's Follow of pia@F answers a signed GET from pia with that Follow while
    the follow lasts; a GET signed by another peer's actor, or by nobody, gets nothing; once
    alice unfollows, 404"""
    F, D = state["F"], state["D"]
    pia = F.add_actor("pia")
    profile_action(clients["alice"], pia, "follow")
    follow = wait_activities(F, 1, "the Follow at pia's inbox", "Follow", "/users/pia/inbox")[0]
    base = harness.instance_base(A)
    assert follow["id"].startswith(base + "/follows/"), follow["id"]
    path = follow["id"][len(base):]
    r = signed_get(pia, path)
    harness.assert_status(r, 200, "pia's GET of the Follow")
    doc = r.json()
    assert (doc["id"], doc["type"], doc["actor"], doc["object"]) == (
        follow["id"], "Follow", alice_uri(), pia.uri), doc
    assert "activity+json" in r.header("Content-Type", ""), r.header("Content-Type")
    harness.assert_status(signed_get(state["dan"], path), 404, "another peer's GET")
    harness.assert_status(harness.request(A.port, "GET", path,
                                          headers={"Accept": "application/activity+json"}),
                          401, "an unsigned GET")
    harness.assert_status(signed_get(pia, "/follows/12345"), 404, "an unknown id")
    accept_follow(pia, follow["id"])
    harness.wait_for(lambda: follows(local_id("alice"), remote_id(pia)), WAIT,
                     what="A to record alice -> pia")
    harness.assert_status(signed_get(pia, path), 200, "the Follow once accepted")
    profile_action(clients["alice"], pia, "unfollow")
    harness.assert_status(signed_get(pia, path), 404, "the Follow once undone")


@test
def test_blocking_domain_sends_reject_and_undo():
    """in blocklist mode, kim@K follows alice and alice follows lou@K; blocking K severs both
    follows on A and tells K first — a Reject of kim's Follow, an Undo of alice's — though K
    is blocked; then nothing more goes to K"""
    K = harness.FakePeer(suite)
    kim, lou = K.add_actor("kim"), K.add_actor("lou")
    listed = [r[0] for r in A.psql("SELECT domain FROM peers")]
    harness.db_change(A, "DELETE FROM peers", "peers")
    switch = lambda mode: clients["root"].post("/admin/peers/mode",  # noqa: E731
                                               {"federation_mode": mode, "confirm": "1"})
    harness.assert_status(switch("blocklist"), 303, "blocklist mode")
    try:
        kim_follow = follow_alice(kim)
        profile_action(clients["alice"], lou, "follow")
        to_lou = wait_activities(K, 1, "the Follow at lou's inbox", "Follow",
                                 "/users/lou/inbox")[0]
        accept_follow(lou, to_lou["id"])
        harness.wait_for(lambda: follows(local_id("alice"), remote_id(lou)), WAIT,
                         what="A to record alice -> lou")
        settle(K)
        K.clear()
        r = clients["root"].post("/admin/peers", {"domain": K.domain})
        harness.assert_status(r, 303, "block K")
        rejects = wait_activities(K, 1, "a Reject at kim's inbox", "Reject", "/users/kim/inbox")
        assert object_id(rejects[0]) == kim_follow, rejects[0]
        assert rejects[0]["actor"] == alice_uri(), rejects[0]
        undo = wait_activities(K, 1, "an Undo at lou's inbox", "Undo", "/users/lou/inbox")[0]
        assert isinstance(undo["object"], dict) and undo["object"]["id"] == to_lou["id"], undo
        settle(K)
        assert not follows(remote_id(kim), local_id("alice"))
        assert not follows(local_id("alice"), remote_id(lou))
        sent = len(K.requests_to("POST"))
        harness.post_and_get_id(A, clients["alice"], "alice", "after K " + marker("x"),
                                visibility="public")
        settle(K)
        assert len(K.requests_to("POST")) == sent, "A delivered to a blocked peer"
    finally:
        harness.db_change(A, "DELETE FROM peers", "peers")
        harness.assert_status(switch("allowlist"), 303, "allowlist mode again")
        for d in listed:
            harness.allow_peer(A, d)


@test
def test_removing_peer_sends_reject_and_undo():
    """gus@R follows alice, alice follows hal@R and asked ivy@R: removing R sends R a Reject of
    gus's Follow and an Undo of each of alice's, then nothing more; A keeps no follow with R"""
    R, gus, hal, ivy = state["R"], state["gus"], state["hal"], state["ivy"]
    gus_follow = follow_alice(gus)
    profile_action(clients["alice"], hal, "follow")
    to_hal = wait_activities(R, 1, "the Follow at hal's inbox", "Follow", "/users/hal/inbox")[0]
    accept_follow(hal, to_hal["id"])
    harness.wait_for(lambda: follows(local_id("alice"), remote_id(hal)), WAIT,
                     what="A to record alice -> hal")
    profile_action(clients["alice"], ivy, "follow")
    to_ivy = wait_activities(R, 1, "the Follow at ivy's inbox", "Follow", "/users/ivy/inbox")[0]
    settle(R)
    R.clear()
    r = clients["root"].post("/admin/peers/%s/remove" % urllib.parse.quote(R.domain, safe=""),
                             {"confirm": "1"})
    harness.assert_status(r, 303, "remove R")
    rejects = wait_activities(R, 1, "a Reject at gus's inbox", "Reject", "/users/gus/inbox")
    assert object_id(rejects[0]) == gus_follow, rejects[0]
    assert rejects[0]["object"]["actor"] == gus.uri and rejects[0]["actor"] == alice_uri()
    for who, follow in ((hal, to_hal), (ivy, to_ivy)):
        undo = wait_activities(R, 1, "an Undo at %s's inbox" % who.name, "Undo",
                               "/users/%s/inbox" % who.name)[0]
        assert isinstance(undo["object"], dict) and undo["object"]["id"] == follow["id"], undo
        assert undo["object"]["type"] == "Follow" and undo["actor"] == alice_uri(), undo
    settle(R)
    r_ids = "SELECT id FROM accounts WHERE domain = '%s'" % q(R.domain)
    assert A.scalar("SELECT count(*) FROM follows WHERE account_id IN (%s) OR target_account_id"
                    " IN (%s)" % (r_ids, r_ids)) == "0"
    assert A.scalar("SELECT count(*) FROM follow_requests WHERE account_id IN (%s) OR"
                    " target_account_id IN (%s)" % (r_ids, r_ids)) == "0"
    sent = len(R.requests_to("POST"))
    harness.post_and_get_id(A, clients["alice"], "alice", "after R " + marker("x"),
                            visibility="public")
    settle(state["F"])
    assert len(R.requests_to("POST")) == sent, "A went on delivering to a removed peer"


@test
def test_ids_never_repeat():
    """over this whole run, A never sent two different activities with one id"""
    seen = {}
    for name in ("F", "D", "R"):
        for act in state[name].activities():
            body = json.dumps({k: v for k, v in act.items() if not k.startswith("_")},
                              sort_keys=True)
            assert seen.setdefault(act["id"], body) == body, (
                "two activities with the id %s:\n%s\n%s" % (act["id"], seen[act["id"]], body))


harness.add_server_end_tests(suite, lambda: A.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
