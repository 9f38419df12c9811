"""Reports across servers (ActivityPub Flag), with two real parasol instances that allow each
other — A (alice, a member; keeper, a moderator; ivy) and B (bob, carol) — and two fake peers
this script runs: F (actor fay, allowed by A and B; it also sends Flags to B and records
what A sends it) and S (actor sam, allowed by nobody).

Out: a moderator on A forwards alice's report about bob's post; B files it in its queue as a
peer report from A's domain, without alice's comment (she didn't agree to send it), naming
neither alice nor the moderator; what the moderator writes is sent when she did agree; the Flag F receives for a report about fay comes from A's instance actor, signed
by it. A second forward is 409, a report about a local account 422, a member 403, a server A
no longer federates with 422.

In: a Flag from an allowed peer lands once in B's queue even when sent twice (with the
inbox's memory of activity ids wiped, so the reports table's own key is what holds);
oversized and control characters in its content are cut; a Flag naming no account of B's, or
from a domain B doesn't allow, stores nothing, nor does one naming posts F's accounts could
never have seen; over 30 Flags an hour from one peer get 429; a malformed Flag is refused
with 400. A report keeps the post and account it is about when their author deletes them.

Deliveries and inbound activities are applied by job workers, so checks poll (at most WAIT
seconds)."""

import base64
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

suite = harness.Suite("flags")
test = suite.test
A = harness.peer_instance(suite, "flags_a")
B = harness.peer_instance(suite, "flags_b")
AP = "application/activity+json"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
WAIT = 20
COMMENT = "Posted <my> client's number & real name."
FLAG_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{22,}")  # a Flag id's random part

state = {}
clients = {}


def setup():
    for inst in (A, B):
        inst.setup()
        inst.start_server()
    harness.allow_peer(A, dom(B))
    harness.allow_peer(B, dom(A))
    clients["alice"] = harness.member(A, "alice")
    clients["keeper"] = harness.member(A, "keeper", role="moderator")
    clients["ivy"] = harness.member(A, "ivy")
    clients["bob"] = harness.member(B, "bob")
    harness.create_account(B, "carol")
    fake, stranger = harness.FakePeer(suite), harness.FakePeer(suite)
    harness.allow_peer(A, fake.domain)
    harness.allow_peer(B, fake.domain)
    state.update(fake=fake, fay=fake.add_actor("fay"), stranger=stranger,
                 sam=stranger.add_actor("sam"))
    other = harness.FakePeer(suite)  # O: another peer of A's, named by rex's document
    harness.allow_peer(A, other.domain)
    state["other"] = other


def dom(inst):
    return harness.instance_domain(inst)


def base(inst):
    return harness.instance_base(inst)


def q(s):
    return s.replace("'", "''")


def actor_uri(inst, name):
    return "%s/users/%s" % (base(inst), name)


def note_uri(inst, name, sid):
    return "%s/users/%s/statuses/%s" % (base(inst), name, sid)


def local_id(inst, name):
    return inst.scalar("SELECT id FROM accounts WHERE domain IS NULL AND username = '%s'" % name)


def remote_id(inst, uri):
    rows = inst.psql("SELECT id FROM accounts WHERE uri = '%s'" % q(uri))
    return rows[0][0] if rows else None


def needs(key):
    if key not in state:
        raise AssertionError("needs %s (an earlier test failed)" % key)
    return state[key]


def peer_reports(inst):
    """inst's peer reports: [origin_domain, flag_uri, target username, status_id, comment with
    newlines as '~', reporter_id], oldest first."""
    return inst.psql("SELECT r.origin_domain, r.flag_uri, t.username, r.status_id,"
                     " translate(r.comment, E'\\n', '~'), r.reporter_id FROM reports r"
                     " JOIN accounts t ON t.id = r.target_account_id"
                     " WHERE r.source = 'peer' ORDER BY r.id")


def report_count(inst):
    return int(inst.scalar("SELECT count(*) FROM reports"))


def inbox_jobs_done(inst):
    return inst.scalar("SELECT count(*) FROM jobs WHERE kind = 'inbox'") == "0"


def wait_inbox_done(inst, flag_id):
    """Waits until inst has seen the activity flag_id and applied every inbound job."""
    harness.wait_for(lambda: inst.scalar("SELECT count(*) FROM activities_seen WHERE uri = '%s'"
                                         % q(flag_id)) == "1" and inbox_jobs_done(inst),
                     WAIT, what="the Flag applied on %s" % inst.script)


def settle_deliveries(inst):
    for _ in range(2):
        harness.wait_for(lambda: inst.scalar("SELECT count(*) FROM jobs WHERE kind = 'deliver'"
                                             " AND (last_error IS NULL OR run_at <= now()"
                                             " + interval '1 second')") == "0",
                         WAIT, what="no delivery left on %s" % inst.script)
        time.sleep(0.5)


def flag(actor, objects, content=None, flag_id=None):
    """A Flag by a FakeActor, its id on the actor's server."""
    act = {"@context": "https://www.w3.org/ns/activitystreams",
           "id": flag_id or "%s/flags/%s" % (actor.peer.base, uuid.uuid4().hex),
           "type": "Flag", "actor": actor.uri, "object": objects}
    if content is not None:
        act["content"] = content
    return act


def send_to_b(actor, activity):
    return actor.post(B.port, "/inbox", activity)


def main_part(text):
    m = re.search(r"<main.*?</main>", text, re.S)
    return (m.group(0) if m else text)[-1500:]


def follow_from_ui(client, acct):
    """Searches acct as client, opens the profile and presses Follow."""
    r = client.get("/search?q=" + urllib.parse.quote("@" + acct))
    harness.assert_status(r, 200, "search %s" % acct)
    m = re.search(r'id="accounts-heading".*?</section>', r.text, re.S)
    for item in re.findall(r"<li>(.*?)</li>", m.group(0), re.S) if m else []:
        if ("@" + acct) in item:
            path = urllib.parse.urlsplit(re.search(r'href="([^"]+)"', item).group(1)).path
            page = client.get(path)
            f = re.search(r'<form[^>]*action="([^"]*/follow)"', page.text)
            assert f, "no Follow button on %s:\n%s" % (path, main_part(page.text))
            harness.assert_status(client.post(f.group(1), {"back": path}), 303, "follow")
            return path
    raise AssertionError("no search result for @%s:\n%s" % (acct, main_part(r.text)))


def report_post(client, status_id, comment, forward_comment=False):
    fields = {"comment": comment}
    if forward_comment:
        fields["forward_comment"] = "1"
    r = client.post("/statuses/%s/report" % status_id, fields)
    harness.assert_status(r, 303, "report post %s" % status_id)


def report_id_on_a(status_id=None, target_uri=None, target_name=None):
    if status_id is not None:
        where = "status_id = %s" % status_id
    elif target_uri is not None:
        where = ("status_id IS NULL AND target_account_id = (SELECT id FROM accounts"
                 " WHERE uri = '%s')" % q(target_uri))
    else:
        where = "status_id IS NULL AND target_account_id = %s" % local_id(A, target_name)
    rows = A.psql("SELECT id FROM reports WHERE %s ORDER BY id DESC LIMIT 1" % where)
    assert rows, "no report on A where %s" % where
    return rows[0][0]


def forward(client, report_id, csrf=True, text=None):
    fields = {} if text is None else {"forward_text": text}
    return client.post("/admin/reports/%s/forward" % report_id, fields, csrf=csrf)


def forward_field(client, report_id):
    """The forward form's text on the queue item page (None when there is no form)."""
    r = client.get("/admin/queue/%s" % report_id)
    harness.assert_status(r, 200, "queue item %s" % report_id)
    fields = harness.form_fields(r.text)
    return fields.get("forward_text"), r.text


def forwarded_at(report_id):
    """The report's forwarded_at as text, "" when unset."""
    v = A.scalar("SELECT coalesce(forwarded_at::text, 'unset') FROM reports WHERE id = %s"
                 % report_id)
    return "" if v == "unset" else v


def fake_flags():
    """The Flags F received: (request, parsed body)."""
    out = []
    for r in state["fake"].requests_to("POST"):
        try:
            body = json.loads(r["body"])
        except ValueError:
            continue
        if body.get("type") == "Flag":
            out.append((r, body))
    return out


def instance_actor_doc(inst):
    return harness.request(inst.port, "GET", "/actor", headers={"Accept": AP}).json()


def verify_signature(req, signer_doc):
    h = {k.lower(): v for k, v in req["headers"].items()}
    assert h.get("digest") == harness.body_digest(req["body"]), "Digest mismatch: %r" % h
    sig = harness.parse_signature_header(h["signature"])
    assert sig["keyId"] == signer_doc["publicKey"]["id"], sig
    names = sig["headers"].split()
    for must in ("(request-target)", "host", "date", "digest"):
        assert must in names, names
    text = harness.signing_string("POST", req["path"], h, names)
    assert harness.rsa_verify(signer_doc["publicKey"]["publicKeyPem"], text.encode(),
                              base64.b64decode(sig["signature"])), "bad signature on the Flag"


# --- out: a moderator forwards a report to the reported account's server ------------------------

@test
def test_forward_reaches_peer_queue():
    """alice@A reports bob@B's post; keeper (moderator) forwards it: 303 to the queue page with
    the notice, forwarded_at set; B files one open peer report from A's domain about bob and
    that post, without alice's comment (she didn't agree to send it: the form offers none),
    no reporter, and alice named nowhere in the row"""
    follow_from_ui(clients["alice"], "bob@" + dom(B))
    harness.wait_for(lambda: B.scalar("SELECT count(*) FROM follows WHERE target_account_id = %s"
                                      % local_id(B, "bob")) == "1", WAIT, what="alice follows bob")
    word = "flagme%d" % (int(time.time() * 1000) % 100000000)
    sid = harness.post_and_get_id(B, clients["bob"], "bob", "selling lists " + word,
                                  visibility="public")
    uri = note_uri(B, "bob", sid)
    on_a = harness.wait_for(lambda: A.psql("SELECT id FROM statuses WHERE uri = '%s'" % q(uri)),
                            WAIT, what="bob's post on A")[0][0]
    report_post(clients["alice"], on_a, COMMENT)  # (not agreeing to forward the comment)
    rid = report_id_on_a(status_id=on_a)
    assert A.scalar("SELECT forward_comment FROM reports WHERE id = %s" % rid) == "f"
    text, page = forward_field(clients["keeper"], rid)
    assert text == "", "the comment is offered for forwarding without consent: %r" % text
    assert "did not agree to send their comment" in page
    before_b = report_count(B)
    r = forward(clients["keeper"], rid)
    harness.assert_status(r, 303, "forward")
    assert harness.location_path(r) == "/admin/queue/%s?notice=report_forwarded" % rid, r
    assert forwarded_at(rid) != "", "forwarded_at not set"
    rows = harness.wait_for(lambda: peer_reports(B), WAIT, what="the Flag in B's queue")
    assert len(rows) == 1, rows
    origin, flag_uri, target, status, comment, reporter = rows[0]
    assert origin == dom(A), rows
    assert flag_uri.startswith(base(A) + "/actor"), "the Flag is not the instance actor's: %r" % (
        flag_uri,)
    assert (target, status, comment, reporter) == ("bob", sid, "", ""), rows
    assert "client's number" not in B.cluster.dump_data(B.dbname), "the comment left A"
    assert report_count(B) == before_b + 1
    state_row = B.scalar("SELECT state FROM reports WHERE source = 'peer'")
    assert state_row == "open", state_row
    whole = B.scalar("SELECT row_to_json(r)::text FROM reports r WHERE source = 'peer'")
    for secret in ("alice", actor_uri(A, "alice"), "keeper"):
        assert secret not in whole, "B's report names %r: %s" % (secret, whole)
    # The Flag was signed by A's instance actor, which B stored as the sender.
    signer = B.scalar("SELECT count(*) FROM accounts WHERE uri = '%s/actor'" % base(A))
    assert signer == "1", "A's instance actor is unknown on B"
    state["forwarded"] = rid


@test
def test_forward_flag_activity():
    """the Flag A sends for a report about fay@F's post, as F receives it: from A's instance
    actor (signature, keyId and actor), object [fay, the post], content what the moderator
    wrote from the comment alice agreed to let go, addressed
    to fay, delivered to F's shared inbox, naming neither the reporter nor the moderator"""
    fay, fake = state["fay"], state["fake"]
    nid = "%s/statuses/%s" % (fay.uri, uuid.uuid4().hex)
    create = harness.activity_create(fay, "hello @alice", note_id=nid)
    create["object"]["tag"] = [{"type": "Mention", "href": actor_uri(A, "alice"),
                                "name": "@alice@" + dom(A)}]
    harness.assert_status(fay.post(A.port, "/inbox", create), 202, "fay's Create")
    on_a = harness.wait_for(lambda: A.psql("SELECT id FROM statuses WHERE uri = '%s'" % q(nid)),
                            WAIT, what="fay's post on A")[0][0]
    report_post(clients["alice"], on_a, "fay spams", forward_comment=True)
    rid = report_id_on_a(status_id=on_a)
    text, page = forward_field(clients["keeper"], rid)
    assert text == "fay spams", "the comment the reporter let go is not offered: %r" % text
    assert "agreed that their comment may be sent" in page
    fake.clear()
    harness.assert_status(forward(clients["keeper"], rid, text="fay spams (checked by us)"), 303,
                          "forward fay's report")
    assert A.scalar("SELECT forwarded_text FROM reports WHERE id = %s" % rid) == (
        "fay spams (checked by us)")
    flags = harness.wait_for(fake_flags, WAIT, what="the Flag at F")
    assert len(flags) == 1, flags
    req, act = flags[0]
    assert req["path"] == "/inbox", req["path"]
    inst_actor = base(A) + "/actor"
    assert act["actor"] == inst_actor, act
    assert act["id"].startswith(inst_actor + "#flags/"), act
    token = act["id"][len(inst_actor + "#flags/"):]
    assert FLAG_TOKEN_RE.fullmatch(token) and rid not in act["id"], \
        "the Flag id is not a random token: %s" % act["id"]
    assert act["object"] == [fay.uri, nid], act
    assert act["content"] == "fay spams (checked by us)", act
    assert act["to"] == [fay.uri], act
    body = req["body"].decode()
    for secret in ("alice", "keeper", actor_uri(A, "alice")):
        assert secret not in body, "the Flag names %r: %s" % (secret, body)
    verify_signature(req, instance_actor_doc(A))
    state["fay_report"] = rid


@test
def test_report_unknown_remote_account():
    """a member reports carol@B, whom A has never seen: A looks her up on B and files the
    report about her"""
    handle = "carol@" + dom(B)
    assert A.scalar("SELECT count(*) FROM accounts WHERE username = 'carol'") == "0"
    page = clients["ivy"].get("/@%s/report" % handle)
    harness.assert_status(page, 200, "report form for an unknown remote account")
    r = clients["ivy"].post("/@%s/report" % handle, {"comment": "impersonating a member"})
    harness.assert_status(r, 303, "report")
    assert A.scalar("SELECT count(*) FROM reports r JOIN accounts t ON t.id = r.target_account_id"
                    " WHERE t.username = 'carol' AND t.domain = '%s'" % dom(B)) == "1"
    harness.assert_status(clients["ivy"].get("/@nobody@%s/report" % dom(B)), 404,
                          "an account B doesn't have")
    # the same account, its domain spelt with a trailing dot: the one stored, nobody new
    harness.assert_status(clients["ivy"].get("/@carol@127.0.0.1.:%d/report" % B.port), 200,
                          "carol's domain with a trailing dot")
    assert A.scalar("SELECT count(*) FROM accounts WHERE username = 'carol'") == "1"


@test
def test_second_forward_is_409():
    """forwarding the same report again is 409: forwarded_at keeps its first value, B still
    has one report, F no second Flag"""
    rid = needs("forwarded")
    first = forwarded_at(rid)
    r = forward(clients["keeper"], rid)
    harness.assert_status(r, 409, "second forward")
    assert forwarded_at(rid) == first
    fay_rid = needs("fay_report")
    harness.assert_status(forward(clients["keeper"], fay_rid), 409, "second forward (fay)")
    settle_deliveries(A)
    assert len(fake_flags()) == 1, fake_flags()
    assert len(peer_reports(B)) == 1, peer_reports(B)


@test
def test_local_target_is_422():
    """a report about a member of A (ivy) can't be forwarded: 422, nothing set, no delivery
    queued"""
    r = clients["alice"].post("/@ivy/report", {"comment": "local matter"})
    harness.assert_status(r, 303, "report ivy")
    rid = report_id_on_a(target_name="ivy")
    jobs = A.scalar("SELECT count(*) FROM jobs WHERE kind = 'deliver'")
    r = forward(clients["keeper"], rid)
    harness.assert_status(r, 422, "forward a local report")
    assert forwarded_at(rid) == ""
    assert A.scalar("SELECT count(*) FROM jobs WHERE kind = 'deliver'") == jobs


@test
def test_forward_needs_moderator_and_csrf():
    """a member gets 403 and a visitor the sign-in page; a moderator without the csrf field
    gets 403; an unknown or malformed id is 404; none of them sets anything"""
    r = clients["alice"].post("/@bob@%s/report" % dom(B), {"comment": "account report"})
    harness.assert_status(r, 303, "report bob's account")
    rid = report_id_on_a(target_uri=actor_uri(B, "bob"))
    harness.assert_status(forward(clients["alice"], rid), 403, "member forwards")
    visitor = harness.WebClient(A.port)
    r = forward(visitor, rid)
    assert r.status == 303 and "/login" in (r.header("Location") or ""), r
    harness.assert_status(forward(clients["keeper"], rid, csrf=False), 403, "no csrf")
    assert forwarded_at(rid) == ""
    harness.assert_status(forward(clients["keeper"], "1234567"), 404, "unknown report")
    harness.assert_status(forward(clients["keeper"], "x1"), 404, "malformed id")
    state["bob_account_report"] = rid


@test
def test_forward_to_non_peer_is_422():
    """once A stops federating with F, a report about fay can't be forwarded (422) and nothing
    is queued; once F is a peer again it can"""
    fay, fake = state["fay"], state["fake"]
    r = clients["alice"].post("/@fay@%s/report" % fake.domain, {"comment": "fay again"})
    harness.assert_status(r, 303, "report fay's account")
    rid = report_id_on_a(target_uri=fay.uri)
    harness.db_change(A, "DELETE FROM peers WHERE domain = '%s'" % fake.domain, "peers")
    try:
        jobs = A.scalar("SELECT count(*) FROM jobs WHERE kind = 'deliver'")
        harness.assert_status(forward(clients["keeper"], rid), 422, "forward to a non-peer")
        assert forwarded_at(rid) == ""
        assert A.scalar("SELECT count(*) FROM jobs WHERE kind = 'deliver'") == jobs
    finally:
        harness.allow_peer(A, fake.domain)
    fake.clear()
    harness.assert_status(forward(clients["keeper"], rid), 303, "forward once a peer again")
    flags = harness.wait_for(fake_flags, WAIT, what="the account Flag at F")
    assert flags[0][1]["object"] == [fay.uri], flags[0][1]


@test
def test_flag_only_to_reported_server_with_random_id():
    """a report about rex@F, whose actor document names a shared inbox on another peer (O),
    is forwarded to rex's own inbox on F and never to O; the Flag's id ends in a random token
    (not the report's time-ordered number), different for every Flag"""
    fake, other = state["fake"], state["other"]
    rex = fake.add_actor("rex")
    own_doc = rex.document
    rex.document = lambda: dict(own_doc(), endpoints={"sharedInbox": other.base + "/inbox"})
    r = clients["alice"].post("/@rex@%s/report" % fake.domain, {"comment": "rex"})
    harness.assert_status(r, 303, "report rex's account")
    rid = report_id_on_a(target_uri=rex.uri)
    # a shared inbox on another host is not kept (test_hostile_peer); a row stored before that
    # rule may still hold one, which is what the forwarding must not follow
    assert A.scalar("SELECT shared_inbox_url IS NULL FROM accounts WHERE uri = '%s'"
                    % q(rex.uri)) == "t"
    A.psql("UPDATE accounts SET shared_inbox_url = '%s' WHERE uri = '%s'"
           % (q(other.base + "/inbox"), q(rex.uri)))
    fake.clear()
    other.clear()
    harness.assert_status(forward(clients["keeper"], rid), 303, "forward rex's report")
    flags = harness.wait_for(lambda: [f for f in fake_flags() if f[1]["object"] == [rex.uri]],
                             WAIT, what="the Flag about rex at F")
    settle_deliveries(A)
    assert len(flags) == 1, flags
    req, act = flags[0]
    assert req["path"] == "/users/rex/inbox", req["path"]
    assert other.requests_to("POST") == [], "O got %r" % other.requests_to("POST")
    ids = [act["id"]] + [f[1]["id"] for f in fake_flags() if f[1] is not act]
    prefix = base(A) + "/actor#flags/"
    for fid in ids:
        assert fid.startswith(prefix), fid
        token = fid[len(prefix):]
        assert FLAG_TOKEN_RE.fullmatch(token), "the Flag id is not a random token: %s" % fid
        assert rid not in fid, "the Flag id carries the report's number: %s" % fid
    every = [f[1]["id"] for f in fake_flags()]
    assert len(set(every)) == len(every), every


# --- in: Flags peers send ------------------------------------------------------------------------

@test
def test_flag_from_non_peer_refused():
    """a correctly signed Flag from S (not on B's list) about bob is 403: no job, no report"""
    sam = state["sam"]
    before, jobs = report_count(B), B.scalar("SELECT count(*) FROM jobs")
    r = send_to_b(sam, flag(sam, [actor_uri(B, "bob")], "from a stranger"))
    harness.assert_status(r, 403, "Flag from a non-peer")
    assert report_count(B) == before
    assert B.scalar("SELECT count(*) FROM jobs") == jobs


@test
def test_flag_stored_once():
    """a Flag from fay@F with object [bob, bob's post] lands once in B's queue, sent twice
    (the second time after B forgot the activity id, so the reports table's own key counts):
    target bob, the post, F's domain, the comment as plain text with control characters
    dropped, no reporter"""
    fay, fake = state["fay"], state["fake"]
    sid = harness.post_and_get_id(B, clients["bob"], "bob", "another post by bob")
    act = flag(fay, [actor_uri(B, "bob"), note_uri(B, "bob", sid)],
               "  <b>Spam</b> & scams\u0007\r\nline two  ")
    before = len(peer_reports(B))
    harness.assert_status(send_to_b(fay, act), 202, "Flag")
    wait_inbox_done(B, act["id"])
    B.psql("DELETE FROM activities_seen WHERE uri = '%s'" % q(act["id"]))
    harness.assert_status(send_to_b(fay, act), 202, "the same Flag again")
    wait_inbox_done(B, act["id"])
    mine = [r for r in peer_reports(B) if r[1] == act["id"]]
    assert mine == [[fake.domain, act["id"], "bob", sid, "<b>Spam</b> & scams~line two", ""]], mine
    assert len(peer_reports(B)) == before + 1
    failed = re.findall(r"job inbox \d+ (?:dropped|given up|attempt \d+ failed).*",
                        B.server.log())
    assert failed == [], "an inbound job failed: %r" % failed
    assert B.scalar("SELECT count(*) FROM accounts WHERE uri = '%s'" % q(fay.uri)) == "1"
    whole = B.scalar("SELECT row_to_json(r)::text FROM reports r WHERE flag_uri = '%s'"
                     % q(act["id"]))
    assert fay.uri not in whole and '"reporter_id":null' in whole, whole


@test
def test_flag_account_only_and_long_content():
    """a Flag naming only bob (Misskey sends just the actor), as an object with an id, with
    5000 characters of content: stored about bob without a post, the comment cut to 1000"""
    fay = state["fay"]
    act = flag(fay, {"id": actor_uri(B, "bob"), "type": "Person"}, "\u00e9" * 5000)
    harness.assert_status(send_to_b(fay, act), 202, "Flag with a long content")
    wait_inbox_done(B, act["id"])
    rows = B.psql("SELECT t.username, r.status_id, char_length(r.comment), left(r.comment, 3)"
                  " FROM reports r JOIN accounts t ON t.id = r.target_account_id"
                  " WHERE r.flag_uri = '%s'" % q(act["id"]))
    assert rows == [["bob", "", "1000", "\u00e9" * 3]], rows


@test
def test_flag_post_of_someone_else():
    """a Flag naming carol and bob's post files a report about carol without the post (a post
    goes with the report only when it is the reported account's); one naming only bob's post
    files a report about bob with it"""
    fay = state["fay"]
    sid = harness.post_and_get_id(B, clients["bob"], "bob", "bob's third post")
    act = flag(fay, [actor_uri(B, "carol"), note_uri(B, "bob", sid)], "mixed")
    harness.assert_status(send_to_b(fay, act), 202, "Flag carol + bob's post")
    wait_inbox_done(B, act["id"])
    rows = [r[2:4] for r in peer_reports(B) if r[1] == act["id"]]
    assert rows == [["carol", ""]], rows
    act = flag(fay, [note_uri(B, "bob", sid)], "post only")
    harness.assert_status(send_to_b(fay, act), 202, "Flag of a post only")
    wait_inbox_done(B, act["id"])
    rows = [r[2:4] for r in peer_reports(B) if r[1] == act["id"]]
    assert rows == [["bob", sid]], rows


@test
def test_flag_naming_nobody_here():
    """a Flag naming only accounts and posts of other servers, an unknown name here and a post
    id B doesn't have is acknowledged (202) and stores nothing"""
    fay, fake = state["fay"], state["fake"]
    before = report_count(B)
    act = flag(fay, [fay.uri, "%s/statuses/1" % fay.uri, actor_uri(A, "alice"),
                     actor_uri(B, "nobody"), base(B) + "/users/bob/statuses/123456789"],
               "about nobody here")
    harness.assert_status(send_to_b(fay, act), 202, "Flag naming nobody here")
    wait_inbox_done(B, act["id"])
    assert report_count(B) == before


@test
def test_blocked_account_cannot_shed_its_block_by_deleting_itself():
    """alice@A blocks stan@F; stan sends Delete(Person) for himself, then signs again and
    sends alice a direct message: the block still stands, stan's row is a suspended
    tombstone (the same row, back as itself), and alice gets neither the message nor a
    notification"""
    fake = state["fake"]
    stan = fake.add_actor("stan")
    hello = harness.activity_create(stan, "hello everyone",
                                    note_id="%s/statuses/%s" % (stan.uri, uuid.uuid4().hex))
    harness.assert_status(stan.post(A.port, "/inbox", hello), 202, "stan's first post")
    harness.wait_for(lambda: A.scalar("SELECT count(*) FROM accounts WHERE uri = '%s'"
                                      % q(stan.uri)) == "1", WAIT, what="stan known on A")
    row_id = A.scalar("SELECT id FROM accounts WHERE uri = '%s'" % q(stan.uri))
    harness.assert_status(clients["alice"].post("/@stan@%s/block" % fake.domain, {}), 303,
                          "alice blocks stan")
    delete_person = {"@context": "https://www.w3.org/ns/activitystreams",
                     "id": stan.uri + "#delete", "type": "Delete", "actor": stan.uri,
                     "object": stan.uri, "to": [PUBLIC]}
    harness.assert_status(stan.post(A.port, "/inbox", delete_person), 202, "Delete(Person)")
    harness.wait_for(lambda: A.scalar("SELECT deleted_at IS NOT NULL FROM accounts WHERE"
                                      " uri = '%s'" % q(stan.uri)) == "t", WAIT,
                     what="stan tombstoned on A")
    nid = "%s/statuses/%s" % (stan.uri, uuid.uuid4().hex)
    dm = harness.activity_create(stan, "@alice I found you again", note_id=nid)
    dm["object"]["to"] = [actor_uri(A, "alice")]
    dm["object"]["cc"] = []
    dm["to"], dm["cc"] = [actor_uri(A, "alice")], []
    dm["object"]["tag"] = [{"type": "Mention", "href": actor_uri(A, "alice"),
                            "name": "@alice@" + dom(A)}]
    for _ in range(3):  # the key is fetched again in the background: the peer retries
        r = stan.post(A.port, "/inbox", dm)
        if r.status == 202:
            break
        time.sleep(1)
    harness.assert_status(r, 202, "stan's message")
    assert A.psql("SELECT id, suspended_at IS NOT NULL FROM accounts WHERE uri = '%s'"
                  % q(stan.uri)) == [[row_id, "t"]]
    assert A.scalar("SELECT count(*) FROM blocks WHERE target_account_id = %s" % row_id) == "1"
    # the worker has taken the message (applied it, or dropped it as a suspended account's)
    harness.wait_for(lambda: A.scalar("SELECT count(*) FROM jobs WHERE kind = 'inbox'") == "0",
                     WAIT, what="the worker to have handled stan's message")
    assert "I found you again" not in clients["alice"].get("/notifications").text
    assert "I found you again" not in clients["alice"].get("/home").text
    assert A.scalar("SELECT count(*) FROM notifications n JOIN accounts a ON"
                    " a.id = n.from_account_id WHERE a.uri = '%s'" % q(stan.uri)) == "0"


@test
def test_report_survives_its_author_deleting():
    """alice@A reports a post of gil@F (a content warning, public); gil deletes the post, then
    his account: the report stays open on A, its target kept as a tombstone (no posts, no key,
    hidden), and the moderator's page still shows the post and the account as reported"""
    fake = state["fake"]
    gil = fake.add_actor("gil")
    nid = "%s/statuses/%s" % (gil.uri, uuid.uuid4().hex)
    create = harness.activity_create(gil, "the address of @alice is 12 Main St", note_id=nid)
    create["object"]["tag"] = [{"type": "Mention", "href": actor_uri(A, "alice"),
                                "name": "@alice@" + dom(A)}]
    create["object"]["summary"] = "doxx"
    harness.assert_status(gil.post(A.port, "/inbox", create), 202, "gil's Create")
    on_a = harness.wait_for(lambda: A.psql("SELECT id FROM statuses WHERE uri = '%s'" % q(nid)),
                            WAIT, what="gil's post on A")[0][0]
    report_post(clients["alice"], on_a, "he posts my address")
    rid = report_id_on_a(status_id=on_a)

    delete_note = {"@context": "https://www.w3.org/ns/activitystreams", "id": nid + "#delete",
                   "type": "Delete", "actor": gil.uri, "object": {"id": nid, "type": "Tombstone"}}
    harness.assert_status(gil.post(A.port, "/inbox", delete_note), 202, "Delete(Note)")
    harness.wait_for(lambda: A.scalar("SELECT count(*) FROM statuses WHERE uri = '%s'" % q(nid))
                     == "0", WAIT, what="the note deleted on A")

    def page_shows_copy(what):
        r = clients["keeper"].get("/admin/queue/%s" % rid)
        harness.assert_status(r, 200, "queue item after %s" % what)
        assert "12 Main St" in r.text, "the reported post is gone after %s" % what
        assert '<p class="spoiler">doxx</p>' in r.text
        assert "deleted after it was reported" in r.text
        assert "gil@" + fake.domain in r.text
        return r.text

    page_shows_copy("Delete(Note)")
    delete_person = {"@context": "https://www.w3.org/ns/activitystreams",
                     "id": gil.uri + "#delete", "type": "Delete", "actor": gil.uri,
                     "object": gil.uri, "to": [PUBLIC]}
    harness.assert_status(gil.post(A.port, "/inbox", delete_person), 202, "Delete(Person)")
    harness.wait_for(lambda: A.scalar("SELECT deleted_at IS NOT NULL FROM accounts WHERE uri = '%s'"
                                      % q(gil.uri)) == "t", WAIT, what="gil tombstoned on A")
    row = A.psql("SELECT a.public_key_pem IS NULL, a.suspended_at IS NOT NULL,"
                 " (SELECT count(*) FROM statuses s WHERE s.account_id = a.id), r.state"
                 " FROM accounts a JOIN reports r ON r.target_account_id = a.id"
                 " WHERE a.uri = '%s' AND r.id = %s" % (q(gil.uri), rid))
    assert row == [["t", "t", "0", "open"]], row
    text = page_shows_copy("Delete(Person)")
    assert "Its server deleted this account" in text
    # an account nobody reported is deleted for real
    hal = fake.add_actor("hal")
    harness.assert_status(hal.post(A.port, "/inbox", harness.activity_create(hal, "hi")), 202,
                          "hal says hi")
    harness.wait_for(lambda: remote_id(A, hal.uri), WAIT, what="hal known to A")
    harness.assert_status(hal.post(A.port, "/inbox", {
        "@context": "https://www.w3.org/ns/activitystreams", "id": hal.uri + "#delete",
        "type": "Delete", "actor": hal.uri, "object": hal.uri}), 202, "hal's Delete(Person)")
    harness.wait_for(lambda: remote_id(A, hal.uri) is None, WAIT, what="hal deleted on A")


def flag_report(act):
    """[target username, status_id] of the report act filed on B, or None."""
    rows = B.psql("SELECT t.username, r.status_id FROM reports r"
                  " JOIN accounts t ON t.id = r.target_account_id WHERE r.flag_uri = '%s'"
                  % q(act["id"]))
    return rows[0] if rows else None


@test
def test_flag_naming_posts_the_peer_never_saw():
    """a Flag naming bob's direct post (mentioning nobody of F), a followers-only post (no
    follower on F) or a members-only post is treated like one naming an unknown post: 202,
    no report (nor, with bob named too, the post in it); a followers-only post with a follower
    on F and a direct post mentioning fay are filed with the report"""
    fay, fake = state["fay"], state["fake"]
    bob = clients["bob"]
    hidden = [harness.post_and_get_id(B, bob, "bob", "not for F (%s)" % v, visibility=v)
              for v in ("direct", "private", "members")]
    before = report_count(B)
    for sid in hidden:
        act = flag(fay, [note_uri(B, "bob", sid)], "what is this?")
        harness.assert_status(send_to_b(fay, act), 202, "Flag of hidden post %s" % sid)
        wait_inbox_done(B, act["id"])
        assert flag_report(act) is None, "a Flag filed a post F never saw: %s" % sid
    assert report_count(B) == before
    act = flag(fay, [actor_uri(B, "bob")] + [note_uri(B, "bob", sid) for sid in hidden], "bob")
    harness.assert_status(send_to_b(fay, act), 202, "Flag of bob and hidden posts")
    wait_inbox_done(B, act["id"])
    assert flag_report(act) == ["bob", ""], flag_report(act)
    # What F's accounts could see: a follower on F, a mention of fay.
    fay_on_b = remote_id(B, fay.uri)
    assert fay_on_b, "fay unknown to B"
    B.psql("INSERT INTO follows (account_id, target_account_id) VALUES (%s, %s)"
           % (fay_on_b, local_id(B, "bob")))
    try:
        act = flag(fay, [note_uri(B, "bob", hidden[1])], "followers-only, seen")
        harness.assert_status(send_to_b(fay, act), 202, "Flag of a post fay follows")
        wait_inbox_done(B, act["id"])
        assert flag_report(act) == ["bob", hidden[1]], flag_report(act)
    finally:
        B.psql("DELETE FROM follows WHERE account_id = %s" % fay_on_b)
    sid = harness.post_and_get_id(B, bob, "bob", "@fay@%s just you" % fake.domain,
                                  visibility="direct")
    assert B.scalar("SELECT count(*) FROM mentions WHERE status_id = %s AND account_id = %s"
                    % (sid, fay_on_b)) == "1", "the direct post doesn't mention fay"
    act = flag(fay, [note_uri(B, "bob", sid)], "direct, to fay")
    harness.assert_status(send_to_b(fay, act), 202, "Flag of a direct post to fay")
    wait_inbox_done(B, act["id"])
    assert flag_report(act) == ["bob", sid], flag_report(act)


@test
def test_flags_over_the_limit_are_429():
    """one peer may send 30 Flags an hour: the 31st is 429 and queued nowhere; another
    peer's Flags are still taken"""
    flood = harness.FakePeer(suite)
    harness.allow_peer(B, flood.domain)
    try:
        vic = flood.add_actor("vic")
        for i in range(30):
            act = flag(vic, [vic.uri], "flood %d" % i)
            harness.assert_status(send_to_b(vic, act), 202, "Flag %d" % (i + 1))
        jobs = B.scalar("SELECT count(*) FROM jobs")
        r = send_to_b(vic, flag(vic, [vic.uri], "one too many"))
        harness.assert_status(r, 429, "the 31st Flag")
        assert B.scalar("SELECT count(*) FROM jobs WHERE payload->'activity'->>'content'"
                        " = 'one too many'") == "0"
        fay = state["fay"]
        act = flag(fay, [fay.uri], "another peer")
        harness.assert_status(send_to_b(fay, act), 202, "a Flag from F")
        # other activities from the flooding peer still pass
        harness.assert_status(send_to_b(vic, harness.activity_create(vic, "still here")), 202,
                              "a Create from the flooding peer")
        assert int(B.scalar("SELECT count(*) FROM jobs")) >= int(jobs)
    finally:
        harness.db_change(B, "DELETE FROM peers WHERE domain = '%s'" % flood.domain, "peers")


@test
def test_malformed_flag_is_400():
    """Flags whose object is a number, an empty list, a list with a number in it or 101 URIs,
    or whose content is not text, are refused with 400 and a message; nothing is queued"""
    fay = state["fay"]
    bob = actor_uri(B, "bob")
    jobs, before = B.scalar("SELECT count(*) FROM jobs"), report_count(B)
    cases = [("object a number", flag(fay, 42)),
             ("empty object", flag(fay, [])),
             ("number in the list", flag(fay, [bob, 7])),
             ("101 URIs", flag(fay, [bob] * 101)),
             ("content an object", flag(fay, [bob], {"text": "x"}))]
    for what, act in cases:
        r = send_to_b(fay, act)
        harness.assert_status(r, 400, what)
        assert "Flag" in r.text, "%s: no clear message: %r" % (what, r.text)
    assert B.scalar("SELECT count(*) FROM jobs") == jobs
    assert report_count(B) == before


harness.add_server_end_tests(suite, lambda: A.server)
harness.add_server_end_tests(suite, lambda: B.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
