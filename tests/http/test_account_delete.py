"""A member deletes their own account (Settings → Delete my account, core/deletion.h).

Member zuleika_q has everything: a profile with a picture, two-factor sign-in, posts of every
visibility (one with an image and alt text), a direct-message thread with bob, likes, boosts
and bookmarks, follows both ways with a local member and with accounts on a fake peer, mutes,
a block, a report, an invite. Hostile tries first (a wrong password, a wrong code, a stale
CSRF token: 403, nothing deleted), then two delete requests at once while a delivery for the
account is queued at a peer that is down. Afterwards: no session, no sign-in, the peers got a
Delete of each federated post and then of the actor, signed with the account's key; once the
Deletes are out the key and handle are forgotten; the actor is 410 Gone; the handle can't be
registered again; and a dump of the whole database and the media directory hold nothing of
the account (handle, display name, bio, post texts, alt text, file names).

The server's TOTP clock is injected (PARASOL_TEST_CLOCK_FILE), as in test_two_factor."""

import base64
import hashlib
import hmac
import json
import os
import re
import struct
import sys
import threading
import urllib.parse
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("account_delete")
test = suite.test
A = harness.peer_instance(suite, "account_delete", retry_first_delay="1", workers="2",
                          sweep_interval="1")
PASSWORD = harness.PASSWORD
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
WAIT = 30
NAME = "zuleika_q"
CLOCK = {"path": None, "now": 1800000015}
# Words only the deleted member wrote: none may be left anywhere afterwards.
WORDS = {"display": "Quillon Marvelle", "bio": "bioword_7tq3", "field": "fieldword_k2v9",
         "public": "publicword_h4n8", "unlisted": "unlistedword_c5x1",
         "private": "privateword_w9e2", "members": "memberword_p3z6",
         "direct": "directword_m8b4", "direct2": "threadword_y6r1",
         "alt": "altword_d2j7", "report": "reportword_s1f5", "queued": "queuedword_g7u3"}
state = {}
c = {}


def set_clock(t):
    CLOCK["now"] = t
    with open(CLOCK["path"], "w") as f:
        f.write("%d\n" % t)


def totp(secret, offset=0):
    s = CLOCK["now"] // 30 + offset
    mac = hmac.new(secret, struct.pack(">Q", s), hashlib.sha1).digest()
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7fffffff) % 1000000)


def q(s):
    return s.replace("'", "''")


def base():
    return harness.instance_base(A)


def actor_uri(name=NAME):
    return "%s/users/%s" % (base(), name)


def local_id(name):
    return A.scalar("SELECT id FROM accounts WHERE domain IS NULL AND username = '%s'" % name)


def remote_id(actor):
    rows = A.psql("SELECT id FROM accounts WHERE uri = '%s'" % q(actor.uri))
    return rows[0][0] if rows else None


def count(sql):
    return int(A.scalar(sql))


def send(actor, activity, path):
    r = actor.post(A.port, path, activity)
    harness.assert_status(r, 202, "%s from %s" % (activity["type"], actor.name))


def ok(r, what, want=303):
    harness.assert_status(r, want, what)
    return r


def post(client, text, **fields):
    ok(harness.publish(client, text, **fields), "posting %r" % text)
    return harness.wait_for(lambda: A.psql(
        "SELECT id FROM statuses WHERE text LIKE '%%%s%%' ORDER BY id DESC LIMIT 1" % q(text)),
        5, what="the post %r" % text)[0][0]


def fixture(name):
    with open(os.path.join(harness.SRCDIR, "tests", "fixtures", "images", name), "rb") as f:
        return f.read()


def media_dir():
    return os.path.join(A.data_dir, "media")


def enrol_two_factor(client):
    ok(client.post("/settings/two-factor/start", {"two_factor_password": PASSWORD}),
       "two-factor start")
    page = client.get("/settings/two-factor")
    m = re.search(r'<code class="secret" id="secret">([A-Z2-7 ]+)</code>', page.text)
    assert m, "no secret on the set-up page"
    b32 = m.group(1).replace(" ", "")
    secret = base64.b32decode(b32 + "=" * (-len(b32) % 8))
    ok(client.post("/settings/two-factor/enable", {"code": totp(secret)}), "two-factor on")
    set_clock((CLOCK["now"] // 30 + 1) * 30 + 15)  # the next step: that code is used
    return secret


def sign_in_with_code(name, secret):
    cl = harness.WebClient(A.port)
    r = cl.post("/login", {"username": name, "password": PASSWORD})
    ok(r, "password step")
    assert harness.location_path(r) == "/login/code", r.header("Location")
    ok(cl.post("/login/code", {"code": totp(secret)}), "code step")
    set_clock((CLOCK["now"] // 30 + 1) * 30 + 15)
    assert cl.session, "no session after the code step"
    return cl


def setup():
    A.setup()
    CLOCK["path"] = os.path.join(A.tmp, "clock")
    set_clock(CLOCK["now"])
    A.env = {"PARASOL_TEST_CLOCK_FILE": CLOCK["path"]}
    A.start_server()
    c["z"] = harness.member(A, NAME)
    c["bob"] = harness.member(A, "bob")
    c["carol"] = harness.member(A, "carol")
    c["root"] = harness.member(A, "root", role="admin")
    F = harness.FakePeer(suite)  # fay follows zuleika_q; zuleika_q follows hal
    D = harness.FakePeer(suite)  # dan follows zuleika_q; D is down when she deletes
    for p in (F, D):
        harness.allow_peer(A, p.domain)
    state.update(F=F, D=D, fay=F.add_actor("fay"), hal=F.add_actor("hal"),
                 dan=D.add_actor("dan"))
    build_account()


def remote_follows(actor):
    fid = "%s#follows/%s" % (actor.uri, uuid.uuid4().hex)
    send(actor, {"@context": "https://www.w3.org/ns/activitystreams", "id": fid,
                 "type": "Follow", "actor": actor.uri, "object": actor_uri()},
         "/users/%s/inbox" % NAME)
    harness.wait_for(lambda: remote_id(actor) and count(
        "SELECT count(*) FROM follows WHERE account_id = %s AND target_account_id = %s"
        % (remote_id(actor), local_id(NAME))) == 1, WAIT, what="%s to follow" % actor.name)


def build_account():
    z, bob = c["z"], c["bob"]
    F, hal = state["F"], state["hal"]
    ok(z.post("/settings/profile", {"display_name": WORDS["display"], "bio": WORDS["bio"],
                                    "field_name_0": "site", "field_value_0": WORDS["field"]}),
       "profile")
    ok(z.post_multipart("/settings/images", {}, [
        ("avatar", "avatar.jpg", "image/jpeg", fixture("photo.jpg"))]), "avatar")
    state["secret"] = enrol_two_factor(z)
    # follows both ways: local and remote
    ok(z.post("/@bob/follow", {}), "follow bob")
    ok(bob.post("/@%s/follow" % NAME, {}), "bob follows")
    remote_follows(state["fay"])
    remote_follows(state["dan"])
    acct = "hal@%s" % F.domain
    ok(z.get("/search?q=" + urllib.parse.quote("@" + acct)), "search hal", 200)
    page = z.get("/@" + acct)
    m = re.search(r'<form[^>]*action="([^"]*/follow)"', page.text)
    assert m, "no follow button for hal"
    ok(z.post(m.group(1).replace("&amp;", "&"), {"back": "/home"}), "follow hal")
    follow = harness.wait_for(lambda: [x for x in F.activities("Follow")
                                       if x.get("object") == hal.uri], WAIT,
                              what="the Follow at hal")[0]
    send(hal, {"@context": "https://www.w3.org/ns/activitystreams",
               "id": "%s#accepts/%s" % (hal.uri, uuid.uuid4().hex), "type": "Accept",
               "actor": hal.uri, "object": follow}, "/users/%s/inbox" % NAME)
    # posts of every visibility, one with an image and alt text
    fixtures = [("image1", "p.jpg", "image/jpeg", fixture("photo.jpg"))]
    ok(z.post_multipart("/statuses", {"text": WORDS["public"], "visibility": "public",
                                      "alt1": WORDS["alt"]}, fixtures), "image post")
    state["public"] = harness.wait_for(lambda: A.psql(
        "SELECT id FROM statuses WHERE text LIKE '%%%s%%'" % WORDS["public"]), 5,
        what="the image post")[0][0]
    state["unlisted"] = post(z, WORDS["unlisted"], visibility="unlisted")
    state["private"] = post(z, WORDS["private"], visibility="private")
    state["members"] = post(z, WORDS["members"], visibility="members")
    # a direct-message thread with bob
    state["direct"] = post(z, "@bob " + WORDS["direct"], visibility="direct")
    state["direct2"] = post(z, "@bob " + WORDS["direct2"], visibility="direct",
                            in_reply_to_id=state["direct"])
    ok(bob.post("/statuses/%s/favourite" % state["direct"], {}), "bob likes the DM")
    # her likes, boosts and bookmarks of bob's post; bob's of hers
    bobs = post(bob, "a post by bob")
    for action in ("favourite", "reblog", "bookmark"):
        ok(z.post("/statuses/%s/%s" % (bobs, action), {}), action)
        ok(bob.post("/statuses/%s/%s" % (state["public"], action), {}), "bob " + action)
    # mutes, a block, a report, an invite
    ok(z.post("/@carol/mute", {}), "mute carol")
    ok(z.post("/@root/block", {}), "block root")
    carols = post(c["carol"], "a post by carol")
    ok(z.post("/statuses/%s/report" % carols, {"comment": WORDS["report"]}), "report")
    state["invites"] = count("SELECT count(*) FROM invites")
    harness.wait_for(lambda: len(F.activities("Create")) >= 3, WAIT,
                     what="her posts at F")
    # what peers need to check her Deletes: her public key, from her actor document
    doc = harness.request(A.port, "GET", "/users/" + NAME,
                          headers={"Accept": "application/activity+json"}).json()
    state["public_key"] = doc["publicKey"]["publicKeyPem"]
    state["id"] = local_id(NAME)
    state["files"] = [r[0] for r in A.psql(
        "SELECT file_name FROM media WHERE account_id = %s UNION ALL"
        " SELECT thumb_name FROM media WHERE account_id = %s" % (state["id"], state["id"]))]
    assert len(state["files"]) == 4, state["files"]


def error_text(r):
    m = re.search(r'<p class="error" role="alert"[^>]*>(.*?)</p>', r.text, re.S)
    return m.group(1).strip() if m else ""


def her_rows():
    i = state["id"]
    return {
        "statuses": count("SELECT count(*) FROM statuses WHERE account_id = %s" % i),
        "media": count("SELECT count(*) FROM media WHERE account_id = %s" % i),
        "follows": count("SELECT count(*) FROM follows WHERE %s IN (account_id,"
                         " target_account_id)" % i),
        "sessions": count("SELECT count(*) FROM sessions WHERE account_id = %s" % i),
        "totp": count("SELECT count(*) FROM totp_credentials WHERE account_id = %s" % i),
        "favourites": count("SELECT count(*) FROM favourites WHERE account_id = %s" % i),
        "bookmarks": count("SELECT count(*) FROM bookmarks WHERE account_id = %s" % i),
        "mutes": count("SELECT count(*) FROM mutes WHERE account_id = %s" % i),
        "blocks": count("SELECT count(*) FROM blocks WHERE account_id = %s" % i),
        "notifications": count("SELECT count(*) FROM notifications WHERE %s IN (account_id,"
                               " from_account_id)" % i),
    }


@test
def test_page_says_what_goes():
    """the page is linked from Settings, says what goes and what stays, asks for the
    password and (two-factor on) a code; anonymous visitors are sent to sign in"""
    assert 'href="/settings/delete"' in c["z"].get("/settings").text
    page = c["z"].get("/settings/delete")
    harness.assert_status(page, 200, "the delete page")
    for s in ('name="password"', 'name="code"', "a deleted account", "may not comply",
              "can never be used again"):
        assert s in page.text, "%r missing from the delete page" % s
    anon = harness.request(A.port, "GET", "/settings/delete")
    assert anon.status in (302, 303) and "/login" in anon.header("Location", ""), anon
    zh = harness.WebClient(A.port, lang="zh-CN")
    ok(zh.login("bob", PASSWORD), "bob signs in in Chinese")
    text = zh.get("/settings/delete").text
    assert "删除" in text and "Delete my account" not in text, "the page is not translated"


@test
def test_hostile_tries_delete_nothing():
    """a wrong password, a wrong code and a stale CSRF token: 403 with a precise message,
    and nothing of the account is deleted"""
    before = her_rows()
    z = c["z"]
    r = z.post("/settings/delete", {"password": "not the password", "code": totp(state["secret"])})
    harness.assert_status(r, 403, "a wrong password")
    assert error_text(r) == "The password or the code is wrong.", error_text(r)
    r = z.post("/settings/delete", {"password": PASSWORD, "code": totp(state["secret"], 5)})
    harness.assert_status(r, 403, "a wrong code")
    assert error_text(r) == "The password or the code is wrong.", error_text(r)
    r = z.post("/settings/delete", {"password": PASSWORD}, csrf="x" * 43)
    harness.assert_status(r, 403, "a stale CSRF token")
    r = z.post("/settings/delete", {"password": PASSWORD}, csrf=False)
    harness.assert_status(r, 403, "no CSRF token")
    assert her_rows() == before, "something was deleted: %r -> %r" % (before, her_rows())
    assert A.scalar("SELECT deleted_at IS NULL FROM accounts WHERE id = %s" % state["id"]) == "t"
    ok(z.get("/home"), "still signed in", 200)


@test
def test_delete_purges_everything():
    """two delete requests at once, with a delivery for the account queued at a peer that
    is down: one deletes, the other ends the same way; every session ends, sign-in fails,
    the peers get each post's Delete and then the actor's, signed with her key; then the
    key and handle are forgotten, the actor is 410 Gone, the handle can't be taken again,
    and the database dump and the media directory hold nothing of her"""
    F, D = state["F"], state["D"]
    i = state["id"]
    second = sign_in_with_code(NAME, state["secret"])
    # D is down: her new post's Create waits in the queue for it
    D.inbox_status = 503
    queued = post(c["z"], WORDS["queued"], visibility="public")
    harness.wait_for(lambda: count(
        "SELECT count(*) FROM jobs WHERE kind = 'deliver' AND payload->>'inbox' LIKE '%s/%%'"
        " AND payload::text LIKE '%%%s%%'" % (D.base, WORDS["queued"])) == 1, WAIT,
        what="the Create queued for D")
    F.clear()
    code = totp(state["secret"])
    fields = {"password": PASSWORD, "code": code}
    forms = [(cl, {"csrf": cl.csrf()}) for cl in (c["z"], second)]
    answers = [None, None]

    def go(k):
        cl, extra = forms[k]
        answers[k] = cl.post("/settings/delete", dict(fields, **extra), csrf=False)
    threads = [threading.Thread(target=go, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for r in answers:
        assert r is not None and r.status == 303, "a delete request: %r" % (r,)
    where = sorted(harness.location_path(r) for r in answers)
    assert "/?notice=account_deleted" in where, where
    assert all(w in ("/?notice=account_deleted", "/login?next=%2Fsettings%2Fdelete")
               or w.startswith("/login") for w in where), where
    assert count("SELECT count(*) FROM sessions WHERE account_id = %s" % i) == 0
    home = c["z"].get("/home")
    assert home.status in (302, 303) and "/login" in home.header("Location", ""), home
    # signing in fails, as with a wrong password
    fresh = harness.WebClient(A.port)
    r = fresh.post("/login", {"username": NAME, "password": PASSWORD})
    assert not fresh.session, "signed in after deletion: %r" % r
    # the queued Create never reaches D; D comes back and gets the Deletes
    D.inbox_status = 202
    deletes_at = {}
    for peer, name in ((F, "F"), (D, "D")):
        deletes_at[name] = harness.wait_for(
            lambda p=peer: (lambda got: got if any(x.get("object") == actor_uri() for x in got)
                            else None)(p.activities("Delete")),
            WAIT, what="the actor's Delete at %s" % name)
    assert not [x for x in D.activities("Create")
                if WORDS["queued"] in json.dumps(x) and x["_answered"] == 202], \
        "the queued Create of a deleted post reached D"
    f_deletes = deletes_at["F"]
    objects = [x["object"] if isinstance(x["object"], str) else x["object"]["id"]
               for x in f_deletes]
    posts = ["%s/statuses/%s" % (actor_uri(), state[k])
             for k in ("public", "unlisted", "private")]
    for p in posts:
        assert p in objects, "no Delete of %s at F: %r" % (p, objects)
    assert objects[-1] == actor_uri(), "the actor's Delete is not last: %r" % objects
    assert "%s/statuses/%s" % (actor_uri(), state["members"]) not in objects
    assert "%s/statuses/%s" % (actor_uri(), queued) in [
        x["object"] if isinstance(x["object"], str) else x["object"]["id"]
        for x in deletes_at["D"]]
    # each Delete is signed with her key (the one her actor document served)
    for req in F.requests_to("POST"):
        act = json.loads(req["body"])
        if act.get("type") != "Delete":
            continue
        sig = harness.parse_signature_header(req["headers"]["Signature"])
        assert sig["keyId"] == actor_uri() + "#main-key", sig
        text = harness.signing_string("POST", req["path"], req["headers"],
                                      sig["headers"].split())
        assert harness.rsa_verify(state["public_key"], text.encode(),
                                  base64.b64decode(sig["signature"])), "a bad signature"
    # once no delivery is left, the sweep forgets the key and the handle
    harness.wait_for(lambda: A.scalar("SELECT forgotten_at IS NOT NULL FROM accounts"
                                      " WHERE id = %s" % i) == "t", WAIT,
                     what="the key and handle to be forgotten")
    row = A.psql("SELECT username, private_key_pem IS NULL, public_key_pem IS NULL, password_hash"
                 " FROM accounts WHERE id = %s" % i)[0]
    assert row[0] == "_gone_" + i and row[1] == "t" and row[2] == "t" and row[3] == "!", row
    # a peer's later fetch: 410 Gone, for the actor and its WebFinger
    got = harness.request(A.port, "GET", "/users/" + NAME,
                          headers={"Accept": "application/activity+json"})
    harness.assert_status(got, 410, "the deleted actor")
    wf = harness.request(A.port, "GET", "/.well-known/webfinger?resource=acct:%s@%s"
                         % (NAME, harness.instance_domain(A)))
    harness.assert_status(wf, 410, "WebFinger of the deleted member")
    # nobody takes the handle again, in any case
    for name in (NAME, NAME.upper()):
        p = A.cli("admin", "create-account", name, stdin=PASSWORD + "\n")
        assert p.returncode != 0, "the handle %s was taken again" % name
    # a delivery signed by her that turns up now is dropped: no new key is made
    stray = "%s#stray-%s" % (actor_uri(), uuid.uuid4().hex)
    A.psql("INSERT INTO jobs (kind, payload) VALUES ('deliver', jsonb_build_object("
           "'inbox', '%s/inbox', 'signer', '%s', 'activity', jsonb_build_object('type',"
           " 'Delete', 'id', '%s', 'actor', '%s', 'object', '%s')))"
           % (F.base, i, stray, actor_uri(), actor_uri()))
    harness.wait_for(lambda: count("SELECT count(*) FROM jobs WHERE kind = 'deliver'") == 0,
                     WAIT, what="the stray delivery to be dropped")
    assert not [x for x in F.activities() if x.get("id") == stray], "the stray Delete went out"
    assert A.scalar("SELECT private_key_pem IS NULL FROM accounts WHERE id = %s" % i) == "t"
    A.psql("DELETE FROM jobs WHERE kind = 'deliver'")
    # what stays: the row (a placeholder), others' records of her, with nothing of her
    assert her_rows() == {k: 0 for k in her_rows()}, her_rows()
    assert count("SELECT count(*) FROM reports WHERE reporter_id = %s AND comment = ''" % i) == 1
    assert count("SELECT count(*) FROM statuses WHERE reblog_of_id IN (%s)"
                 % ",".join(state[k] for k in ("public", "direct"))) == 0
    # the whole database and the media directory
    dump = A.cluster.dump_data(A.dbname)
    with open(harness.output_path("account_delete.dump.sql"), "w", encoding="utf-8") as f:
        f.write(dump)
    needles = [NAME, NAME.upper()] + list(WORDS.values()) + state["files"]
    for n in needles:
        assert n.lower() not in dump.lower(), "%r is still in the database dump" % n
    listing = []
    for root, dirs, files in os.walk(media_dir()):
        listing += dirs + files
        for name in files:
            with open(os.path.join(root, name), "rb") as fh:
                data = fh.read()
            for n in needles:
                assert n.encode() not in data, "%r in the media file %s" % (n, name)
    for n in state["files"]:
        assert n not in listing, "her file %s is still on disk" % n
    # the server log says it was done, naming the account by its id only
    log = A.server.log()
    assert "deleted by its member" in log
    for n in needles:
        assert n.lower() not in log.lower(), "%r is in the server log" % n


harness.add_server_end_tests(suite, lambda: A.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
