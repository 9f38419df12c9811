"""Attacks on the Mastodon client API (issue 13) as a hostile app or a curious member:
visibility through every endpoint that answers posts or accounts, scopes, hostile ids,
parameters and bodies. Each finding of the attack is a test here."""

import json
import os
import sys
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("attack_api")
test = suite.test
inst = harness.Instance(suite, "attack_api", page_cache_seconds=0)
PASSWORD = harness.PASSWORD
_sources = [10]


def source():
    """A loopback address of its own, so that one test's limits don't touch another's."""
    _sources[0] += 1
    return "127.0.1.%d" % _sources[0]


def call(method, path, token=None, body=None, form=None, headers=None, src=None):
    """One API request: body is sent as JSON (bytes or str as they are), form as urlencoded."""
    h = dict(headers or {})
    data = None
    if token:
        h["Authorization"] = "Bearer " + token
    if body is not None:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        h.setdefault("Content-Type", "application/json")
    elif form is not None:
        data = urllib.parse.urlencode(form, doseq=True)
        h["Content-Type"] = "application/x-www-form-urlencoded"
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", inst.port, timeout=30,
                                      source_address=(src or "127.0.0.1", 0))
    try:
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        return harness.Response(r.status, r.reason, r.headers, r.read())
    finally:
        conn.close()


def want(r, status, what):
    assert r.status == status, "%s: want %d, got %r" % (what, status, r)
    return r.json() if r.body and r.header("Content-Type", "").startswith("application/json") \
        else None


def error_of(r, status, what, says=None):
    doc = want(r, status, what)
    assert set(doc) == {"error", "error_description"}, "%s: error shape %r" % (what, doc)
    if says is not None:
        assert says in doc["error"], "%s: %r doesn't say %r" % (what, doc, says)
    return doc


def oversize(method, path, tok):
    """A request whose declared body is past every limit: answered before it is sent."""
    s = harness.raw_connect(inst.port)
    try:
        s.sendall(("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                   % (method, path, tok, 512 * 1024 * 1024)).encode())
        return harness.read_response(s)
    finally:
        s.close()


def link_path(r, rel):
    """The path and query of r's Link header's rel link."""
    for part in r.header("Link", "").split(","):
        url, _, kind = part.strip().partition(";")
        if kind.strip() == 'rel="%s"' % rel:
            u = urllib.parse.urlsplit(url.strip()[1:-1])
            return u.path + "?" + u.query
    raise AssertionError("no %s link in %r" % (rel, r.header("Link")))


APPS = {}


def app(scopes="read write follow push", src=None):
    key = (scopes, src)
    if key not in APPS:
        APPS[key] = want(call("POST", "/api/v1/apps", form={
            "client_name": "more app", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": scopes}, src=src), 200, "registering an app")
    return APPS[key]


def token(name, scope="read write follow"):
    a = app()
    doc = want(call("POST", "/oauth/token", form={
        "grant_type": "password", "client_id": a["client_id"],
        "client_secret": a["client_secret"], "username": name, "password": PASSWORD,
        "scope": scope}), 200, "password grant for %s" % name)
    return doc["access_token"]


def app_token(scope="read write", a=None):
    a = a or app()
    return want(call("POST", "/oauth/token", form={
        "grant_type": "client_credentials", "client_id": a["client_id"],
        "client_secret": a["client_secret"], "scope": scope}), 200, "app token")["access_token"]


def count(sql):
    return int(inst.scalar(sql))


def acct_id(name):
    return inst.scalar("SELECT id FROM accounts WHERE username = '%s'" % name)


def post(tok, text, **fields):
    return want(call("POST", "/api/v1/statuses", tok, body=dict(status=text, **fields)), 200,
                "posting %r" % text)


def set_mode(mode):
    harness.db_change(inst, "INSERT INTO instance_settings (key, value) VALUES "
                      "('registration_mode', '%s') ON CONFLICT (key) DO UPDATE SET "
                      "value = EXCLUDED.value" % mode, "settings")


def setup():
    inst.setup()
    inst.start_server()
    for name in ("ada", "bea", "cy", "dee", "eve", "fay"):
        harness.create_account(inst, name)


def mastodon(name):
    from mastodon import Mastodon
    base = "http://127.0.0.1:%d" % inst.port
    cid, secret = Mastodon.create_app("more mastodon.py", api_base_url=base)
    api = Mastodon(client_id=cid, client_secret=secret, api_base_url=base)
    if name is not None:
        api.log_in(name, PASSWORD)
    return api



# --- probes --

def web(name):
    return harness.member(inst, name, create=False)


def ids_in(r):
    return r.body.decode("utf-8", "replace")


@test
def test_hidden_lists_hide_their_counts():
    """an account that hides its follower and following lists (the default) shows no counts
    of them to anyone else, as its profile page doesn't: every Account entity (get, lookup,
    a post's author, search) says 0 to visitors, apps and other members, and the real counts
    to the member; a member who shows the lists shows the counts"""
    for name in ("gus", "hal"):
        harness.create_account(inst, name)
    gus, hal, cy = token("gus"), token("hal"), token("cy")
    want(call("POST", "/api/v1/accounts/%s/follow" % acct_id("gus"), hal, body={}), 200, "f")
    want(call("POST", "/api/v1/accounts/%s/follow" % acct_id("hal"), gus, body={}), 200, "f")
    want(call("POST", "/api/v1/accounts/%s/follow" % acct_id("cy"), gus, body={}), 200, "f")
    st = post(gus, "gus speaks")
    assert count("SELECT hide_collections::int FROM accounts WHERE username = 'gus'") == 1

    def entities(tok):
        gid = acct_id("gus")
        docs = [want(call("GET", "/api/v1/accounts/%s" % gid, tok), 200, "get"),
                want(call("GET", "/api/v1/accounts/lookup?acct=gus", tok), 200, "lookup"),
                want(call("GET", "/api/v1/statuses/%s" % st["id"], tok), 200, "post")["account"]]
        if tok is not None:
            docs += [a for a in want(call("GET", "/api/v2/search?q=gus&type=accounts", tok), 200,
                                     "search")["accounts"] if a["id"] == gid]
        return [(d["followers_count"], d["following_count"]) for d in docs]

    for who in (None, app_token("read"), cy, hal):
        assert set(entities(who)) == {(0, 0)}, entities(who)
    assert set(entities(gus)) == {(1, 2)}, entities(gus)
    me = want(call("GET", "/api/v1/accounts/verify_credentials", gus), 200, "me")
    assert (me["followers_count"], me["following_count"]) == (1, 2), me
    page = web("cy").get("/@gus")
    assert page.status == 200 and "Followers:" not in page.text, page
    inst.psql("UPDATE accounts SET hide_collections = false WHERE username = 'gus'")
    for who in (None, cy):
        assert set(entities(who)) == {(1, 2)}, entities(who)
    assert "Followers: 1" in web("cy").get("/@gus").text


@test
def test_reply_without_visibility_stays_narrow():
    """a reply whose app doesn't say the visibility is at least as narrow as the post it
    answers, as the web's reply form starts (an app that leaves it out must not make a direct
    or members-only conversation public, nor send it to peers); a visibility the app names
    is kept, as the web keeps the member's choice"""
    for name in ("ivy", "jo"):
        harness.create_account(inst, name)
    ivy, jo = token("ivy"), token("jo")
    assert inst.scalar("SELECT default_visibility FROM accounts WHERE username = 'jo'") == \
        "public"
    want(call("POST", "/api/v1/accounts/%s/follow" % acct_id("ivy"), jo, body={}), 200, "f")
    cases = (("direct", "@jo only for jo", "direct"), ("local", "for members", "local"),
             ("private", "for followers", "private"), ("unlisted", "quiet one", "unlisted"))
    for vis, text, expect in cases:
        parent = post(ivy, text, visibility=vis)
        for body in ({"status": "@ivy answering %s" % vis, "in_reply_to_id": parent["id"]},
                     {"status": "@ivy answering %s" % vis, "in_reply_to_id": parent["id"],
                      "visibility": ""}):
            reply = want(call("POST", "/api/v1/statuses", jo, body=body), 200, "a reply")
            assert reply["visibility"] == expect, (vis, reply["visibility"])
            assert inst.scalar("SELECT visibility FROM statuses WHERE id = %s" % reply["id"]) \
                == {"local": "members"}.get(expect, expect)
            if expect != "unlisted":
                error_of(call("GET", "/api/v1/statuses/%s" % reply["id"]), 404,
                         "a visitor reading the reply to a %s post" % vis)
        r = call("POST", "/api/v1/statuses", jo, form={
            "status": "@ivy form reply", "in_reply_to_id": parent["id"]})
        assert want(r, 200, "a form reply")["visibility"] == expect, r
    # a reply to a public post takes the member's default, and a named visibility is kept
    parent = post(ivy, "open words")
    assert post(jo, "@ivy open reply", in_reply_to_id=parent["id"])["visibility"] == "public"
    parent = post(ivy, "@jo named", visibility="direct")
    assert post(jo, "@ivy said public", in_reply_to_id=parent["id"],
                visibility="public")["visibility"] == "public"
    # a reply to a post the member can't see is still refused, whatever it says
    hidden = post(ivy, "not for cy", visibility="direct")
    n = count("SELECT count(*) FROM statuses")
    error_of(call("POST", "/api/v1/statuses", token("cy"),
                  body={"status": "nosy", "in_reply_to_id": hidden["id"]}), 404, "unseen")
    assert count("SELECT count(*) FROM statuses") == n


@test
def test_no_app_tells_a_member_who_blocked_them():
    """the web never tells a member that someone blocked them (the blocker's profile isn't
    there for them), and no app does: relationships leaves the blocker out like an unknown
    id, blocked_by is false in every answer (after a mute or a block of the blocker too),
    and a suspended account is left out as well; once the block ends it is listed again"""
    for name in ("kay", "lee", "max"):
        harness.create_account(inst, name)
    kay, lee = token("kay"), token("lee")
    kid, mid = acct_id("kay"), acct_id("max")
    rel = "/api/v1/accounts/relationships?id[]=%s&id[]=%s" % (kid, mid)
    before = want(call("GET", rel, lee), 200, "relationships")
    assert [r["id"] for r in before] == [kid, mid], before
    want(call("POST", "/api/v1/accounts/%s/block" % acct_id("lee"), kay, body={}), 200, "block")
    assert count("SELECT count(*) FROM blocks WHERE account_id = %s" % kid) == 1
    error_of(call("GET", "/api/v1/accounts/%s" % kid, lee), 404, "the blocker's profile")
    assert web("lee").get("/@kay").status == 404
    r = call("GET", rel, lee)
    assert [x["id"] for x in want(r, 200, "relationships")] == [mid], r
    assert b"blocked_by\":true" not in r.body
    # the blocker sees the truth about their own block
    doc = want(call("GET", "/api/v1/accounts/relationships?id[]=%s" % acct_id("lee"), kay), 200,
               "the blocker's view")
    assert doc[0]["blocking"] is True and doc[0]["blocked_by"] is False, doc
    for action in ("mute", "unmute", "block"):
        doc = want(call("POST", "/api/v1/accounts/%s/%s" % (kid, action), lee, body={}), 200,
                   "%s of the blocker" % action)
        assert doc["blocked_by"] is False, (action, doc)
    # blocked both ways now: neither sees the other
    assert want(call("GET", "/api/v1/accounts/relationships?id[]=%s" % acct_id("lee"), kay),
                200, "both ways") == []
    want(call("POST", "/api/v1/accounts/%s/unblock" % kid, lee, body={}), 200, "unblock")
    want(call("POST", "/api/v1/accounts/%s/unblock" % acct_id("lee"), kay, body={}), 200, "unb")
    assert [x["id"] for x in want(call("GET", rel, lee), 200, "after")] == [kid, mid]
    inst.psql("UPDATE accounts SET suspended_at = now() WHERE username = 'max'")
    assert [x["id"] for x in want(call("GET", rel, lee), 200, "suspended")] == [kid]
    inst.psql("UPDATE accounts SET suspended_at = NULL WHERE username = 'max'")


@test
def test_reporter_apps_learn_only_the_outcome():
    """a reporter's app reads what the web tells a reporter: that the moderators acted or
    found nothing to do, in the member's language; never the action taken, its reason or the
    action's id (the moderation log would match it to what was done); the member acted on
    still reads the reason"""
    harness.create_account(inst, "warden", role="admin")
    for name in ("nan", "oz"):
        harness.create_account(inst, name)
    warden = web("warden")
    assert warden.post("/admin/rules", {"title": "No outing", "text": ""}).status == 303
    rule = inst.scalar("SELECT id FROM rules ORDER BY position LIMIT 1")
    nan, oz = token("nan"), token("oz")
    outcomes = []
    for kind, reason in (("delete", "Secret reason about oz"), ("dismiss", "Nothing wrong")):
        st = post(oz, "oz outs someone (%s)" % kind)
        want(call("POST", "/api/v1/reports", nan, body={
            "account_id": acct_id("oz"), "status_ids": [st["id"]], "rule_ids": [rule],
            "comment": "please look"}), 200, "report")
        item = inst.scalar("SELECT min(id) FROM reports WHERE status_id = %s AND state ="
                           " 'open'" % st["id"])
        form = [("kind", kind), ("reason", reason)] + ([("rule", rule)] if kind != "dismiss"
                                                       else [])
        assert warden.post("/admin/queue/%s/act" % item, form).status == 303, kind
        action = inst.scalar("SELECT max(id) FROM mod_actions")
        r = call("GET", "/api/v1/notifications", nan)
        notes = want(r, 200, "the reporter's notifications")
        assert notes[0]["type"] == "moderation_warning", notes
        mw = notes[0]["moderation_warning"]
        assert mw["action"] == "none" and mw["id"] == notes[0]["id"] != action, mw
        for secret in (reason.encode(), b'"delete"', b'"dismiss"', action.encode(), b"outs"):
            assert secret not in r.body, (kind, secret)
        one = want(call("GET", "/api/v1/notifications/%s" % notes[0]["id"], nan), 200, "one")
        assert one["moderation_warning"] == mw, one
        outcomes.append(mw["text"])
    assert outcomes == [
        "The moderators reviewed a report you sent and acted on it. Thank you.",
        "The moderators reviewed a report you sent and found nothing that needed doing."], \
        outcomes
    inst.psql("UPDATE accounts SET language = 'zh-CN' WHERE username = 'nan'")
    zh = want(call("GET", "/api/v1/notifications?limit=1", nan), 200, "in Chinese")
    assert zh[0]["moderation_warning"]["text"] not in outcomes, zh
    # the member acted on reads what was done and why
    mine = [n for n in want(call("GET", "/api/v1/notifications", oz), 200, "oz's")
            if n["type"] == "moderation_warning"]
    assert any("Secret reason about oz" in n["moderation_warning"]["text"] and
               n["moderation_warning"]["action"] == "delete" for n in mine), mine


@test
def test_probe_visitor_members_only():
    ada = token("ada")
    loc = post(ada, "members secret #lokaltag", visibility="local")
    pub = post(ada, "public root")
    rep = post(ada, "members reply", visibility="local", in_reply_to_id=pub["id"])
    want(call("POST", "/api/v1/statuses/%s/favourite" % loc["id"], token("bea")), 200, "fav")
    apptok = app_token("read")
    for who in (None, apptok):
        for path in ("/api/v1/statuses/%s" % loc["id"], "/api/v1/statuses/%s/history" % loc["id"],
                     "/api/v1/statuses/%s/favourited_by" % loc["id"],
                     "/api/v1/statuses/%s/reblogged_by" % loc["id"],
                     "/api/v1/statuses/%s/context" % loc["id"]):
            r = call("GET", path, who)
            assert r.status == 404, (path, who, r)
        for path in ("/api/v1/statuses/%s/context" % pub["id"],
                     "/api/v1/timelines/public", "/api/v1/timelines/public?local=true",
                     "/api/v1/timelines/tag/lokaltag",
                     "/api/v1/accounts/%s/statuses" % acct_id("ada"),
                     "/api/v1/accounts/%s/statuses?pinned=true" % acct_id("ada"),
                     "/api/v2/search?q=lokaltag", "/api/v2/search?q=%23lokaltag",
                     "/api/v2/search?q=secret"):
            r = call("GET", path, who)
            assert b"members secret" not in r.body and b"members reply" not in r.body and \
                b"lokaltag\"" not in r.body.replace(b"#lokaltag", b""), (path, who, r)


@test
def test_probe_pinned_local():
    ada = token("ada")
    loc = post(ada, "pinned members words", visibility="local")
    want(call("POST", "/api/v1/statuses/%s/pin" % loc["id"], ada), 200, "pin")
    dm = post(ada, "pinned dm words @bea", visibility="direct")
    r = call("POST", "/api/v1/statuses/%s/pin" % dm["id"], ada)
    priv = post(ada, "pinned private words", visibility="private")
    r2 = call("POST", "/api/v1/statuses/%s/pin" % priv["id"], ada)
    for who in (None, app_token("read"), token("cy")):
        r = call("GET", "/api/v1/accounts/%s/statuses?pinned=true" % acct_id("ada"), who)
        assert b"pinned dm" not in r.body and b"pinned private" not in r.body, (who, r)
        if who is None or not who.startswith("x"):
            pass
    for who in (None, app_token("read")):
        r = call("GET", "/api/v1/accounts/%s/statuses?pinned=true" % acct_id("ada"), who)
        assert b"pinned members" not in r.body, r


@test
def test_probe_dm_everywhere():
    ada, bea, cy = token("ada"), token("bea"), token("cy")
    dm = post(ada, "dm words for bea @bea", visibility="direct")
    sid = dm["id"]
    for method, path in (("GET", "/api/v1/statuses/%s" % sid),
                         ("GET", "/api/v1/statuses/%s/context" % sid),
                         ("GET", "/api/v1/statuses/%s/history" % sid),
                         ("GET", "/api/v1/statuses/%s/favourited_by" % sid),
                         ("GET", "/api/v1/statuses/%s/reblogged_by" % sid),
                         ("GET", "/api/v1/statuses/%s/source" % sid),
                         ("POST", "/api/v1/statuses/%s/favourite" % sid),
                         ("POST", "/api/v1/statuses/%s/bookmark" % sid),
                         ("POST", "/api/v1/statuses/%s/reblog" % sid),
                         ("POST", "/api/v1/statuses/%s/pin" % sid),
                         ("PUT", "/api/v1/statuses/%s" % sid),
                         ("DELETE", "/api/v1/statuses/%s" % sid)):
        r = call(method, path, cy, body={"status": "x"} if method == "PUT" else
                 ({} if method == "POST" else None))
        assert r.status in (403, 404), (method, path, r)
        assert b"dm words" not in r.body, (method, path, r)
    # bea may reblog? no
    r = call("POST", "/api/v1/statuses/%s/reblog" % sid, bea, body={})
    assert r.status in (403, 404, 422), ("reblog dm", r)
    r = call("POST", "/api/v1/reports", cy, body={"account_id": acct_id("ada"),
                                                   "status_ids": [sid], "comment": "x"})
    assert r.status in (404, 422), ("report on unseen dm", r)
    r = call("GET", "/api/v2/search?q=dm+words", cy)
    assert b"dm words" not in r.body, r
    r = call("GET", "/api/v2/search?q=dm+words", bea)
    assert b"dm words" not in r.body, r
    # reply to the dm by bea; cy reads context of bea's reply
    rep = post(bea, "@ada reply to dm", visibility="direct", in_reply_to_id=sid)
    r = call("GET", "/api/v1/statuses/%s/context" % rep["id"], cy)
    assert r.status == 404 and b"dm words" not in r.body, r


@test
def test_probe_private_boost_and_bookmark_after_unfollow():
    ada, bea = token("ada"), token("bea")
    want(call("POST", "/api/v1/accounts/%s/follow" % acct_id("ada"), bea, body={}), 200, "follow")
    priv = post(ada, "followers only words", visibility="private")
    want(call("POST", "/api/v1/statuses/%s/bookmark" % priv["id"], bea, body={}), 200, "bm")
    want(call("POST", "/api/v1/statuses/%s/favourite" % priv["id"], bea, body={}), 200, "fav")
    r = call("POST", "/api/v1/statuses/%s/reblog" % priv["id"], bea, body={})
    assert r.status in (403, 404, 422), ("reblog private", r)
    want(call("POST", "/api/v1/accounts/%s/unfollow" % acct_id("ada"), bea, body={}), 200, "unf")
    for path in ("/api/v1/bookmarks", "/api/v1/favourites", "/api/v1/notifications",
                 "/api/v1/timelines/home"):
        r = call("GET", path, bea)
        assert b"followers only words" not in r.body, (path, r)
    # and a block
    pub = post(ada, "public then block")
    want(call("POST", "/api/v1/statuses/%s/bookmark" % pub["id"], bea, body={}), 200, "bm")
    want(call("POST", "/api/v1/accounts/%s/block" % acct_id("bea"), ada, body={}), 200, "block")
    for path in ("/api/v1/bookmarks", "/api/v1/favourites", "/api/v1/statuses/%s" % pub["id"],
                 "/api/v1/accounts/%s/statuses" % acct_id("ada"),
                 "/api/v1/statuses/%s/context" % pub["id"], "/api/v1/timelines/public"):
        r = call("GET", path, bea)
        print("BLOCKED", path, r.status, b"public then block" in r.body)
    want(call("POST", "/api/v1/accounts/%s/unblock" % acct_id("bea"), ada, body={}), 200, "unb")


@test
def test_probe_context_blocked_replier():
    ada, dee = token("ada"), token("dee")
    root = post(ada, "root for replies")
    rep = post(dee, "reply from dee the blocked", in_reply_to_id=root["id"])
    want(call("POST", "/api/v1/accounts/%s/block" % acct_id("dee"), ada, body={}), 200, "block")
    r = call("GET", "/api/v1/statuses/%s/context" % root["id"], ada)
    assert b"reply from dee" not in r.body, r
    want(call("POST", "/api/v1/accounts/%s/mute" % acct_id("eve"), ada, body={}), 200, "mute")
    rep2 = post(token("eve"), "reply from eve muted", in_reply_to_id=root["id"])
    r = call("GET", "/api/v1/statuses/%s/context" % root["id"], ada)
    print("MUTED in context", b"reply from eve" in r.body)
    r = call("GET", "/api/v1/statuses/%s/favourited_by" % root["id"], dee)
    print("blocked favourited_by", r.status)


@test
def test_probe_hostile_ids_and_paging():
    ada = token("ada")
    for path in ("/api/v1/statuses/abc", "/api/v1/statuses/-1", "/api/v1/statuses/0",
                 "/api/v1/statuses/99999999999999999999", "/api/v1/statuses/9223372036854775807",
                 "/api/v1/statuses/9223372036854775808", "/api/v1/statuses/1e3",
                 "/api/v1/statuses/+5", "/api/v1/statuses/%2035", "/api/v1/statuses/0x10",
                 "/api/v1/accounts/abc", "/api/v1/accounts/-5/statuses",
                 "/api/v1/media/abc", "/api/v1/notifications/-1"):
        r = call("GET", path, ada)
        assert r.status == 404 and r.json().get("error"), (path, r)
    for q in ("limit=-1", "limit=abc", "limit=99999999999999999999", "max_id=abc",
              "max_id=-1", "since_id=99999999999999999999", "min_id=x", "limit[]=3",
              "max_id[]=1", "limit=0", "limit=1e2", "limit=%00"):
        for path in ("/api/v1/timelines/home", "/api/v1/timelines/public", "/api/v1/notifications",
                     "/api/v1/accounts/%s/statuses" % acct_id("ada"),
                     "/api/v1/accounts/%s/followers" % acct_id("ada"), "/api/v1/bookmarks",
                     "/api/v1/favourites", "/api/v1/blocks", "/api/v2/search?q=a"):
            p = path + ("&" if "?" in path else "?") + q
            r = call("GET", p, ada)
            assert r.status in (200, 400, 422), (p, r)
            if r.status != 200:
                assert "error" in r.json(), (p, r)
            print("PAGING", p, r.status, len(r.body))


@test
def test_probe_hostile_bodies():
    ada = token("ada")
    n = count("SELECT count(*) FROM statuses")
    bodies = [
        ('{"status": ["a", "b"]}', "application/json"),
        ('{"status": "x", "media_ids": "123"}', "application/json"),
        ('{"status": "x", "media_ids": [[1]]}', "application/json"),
        ('{"status": "x", "media_ids": [{"a":1}]}', "application/json"),
        ('{"status": "x", "visibility": ["public"]}', "application/json"),
        ('{"status": "x", "status": "y"}', "application/json"),
        ('{"status": "x", "in_reply_to_id": -3}', "application/json"),
        ('{"status": "x", "in_reply_to_id": 1.5}', "application/json"),
        ('{"status": "x", "in_reply_to_id": "99999999999999999999"}', "application/json"),
        ('{"status": "x", "sensitive": "maybe"}', "application/json"),
        ('{"status": "x", "visibility": "LOCAL"}', "application/json"),
        ('[' * 5000 + ']' * 5000, "application/json"),
        ('{"status": "x"', "application/json"),
        ('{"status": "x\\u0000y"}', "application/json"),
        ('"just a string"', "application/json"),
        ('status=x&status=y&visibility=nope', "application/x-www-form-urlencoded"),
        ('status=x', "text/plain"),
        ('{"status": "x"}', "application/x-www-form-urlencoded"),
        ('status=x', "application/json"),
        ('status=x&media_ids=abc', "application/x-www-form-urlencoded"),
        ('status=x&media_ids[]=1&media_ids[]=2&media_ids[]=3&media_ids[]=4&media_ids[]=5',
         "application/x-www-form-urlencoded"),
        ('status=%FF%FE', "application/x-www-form-urlencoded"),
        ('{"status": "x", "poll": {"options": ["a"], "expires_in": 5}}', "application/json"),
    ]
    for body, ctype in bodies:
        r = call("POST", "/api/v1/statuses", ada, body=body, headers={"Content-Type": ctype})
        print("BODY", body[:60], ctype, r.status, r.body[:160])
        if r.status == 200:
            continue
        assert 400 <= r.status < 500, (body[:50], r)
        assert "error" in r.json(), (body[:50], r)
    print("statuses written", count("SELECT count(*) FROM statuses") - n)


@test
def test_probe_scopes():
    only_media = token("ada", scope="write:media")
    follow = token("ada", scope="follow")
    readtok = token("ada", scope="read")
    n = count("SELECT count(*) FROM statuses")
    for tok, what in ((only_media, "write:media"), (follow, "follow"), (readtok, "read")):
        r = call("POST", "/api/v1/statuses", tok, body={"status": "scoped"})
        assert r.status == 403, (what, r)
        for method, path in (("GET", "/api/v1/timelines/home"), ("GET", "/api/v1/notifications"),
                             ("POST", "/api/v1/markers"), ("PATCH", "/api/v1/accounts/update_credentials"),
                             ("POST", "/api/v1/notifications/clear"),
                             ("POST", "/api/v1/accounts/%s/block" % acct_id("fay")),
                             ("POST", "/api/v1/reports"), ("GET", "/api/v1/streaming/user"),
                             ("GET", "/api/v1/accounts/verify_credentials"),
                             ("GET", "/api/v1/bookmarks"), ("GET", "/api/v1/preferences"),
                             ("POST", "/api/v1/media"), ("GET", "/api/v2/search?q=ada")):
            if method == "GET" and "streaming" in path:
                continue
            r = call(method, path, tok, body={} if method != "GET" else None)
            print("SCOPE", what, method, path, r.status)
    assert count("SELECT count(*) FROM statuses") == n
    apptok = app_token("read write follow")
    for method, path in (("GET", "/api/v1/timelines/home"), ("POST", "/api/v1/statuses"),
                         ("GET", "/api/v1/markers"), ("POST", "/api/v1/reports"),
                         ("GET", "/api/v1/notifications"), ("POST", "/api/v1/media")):
        r = call(method, path, apptok, body={} if method != "GET" else None)
        assert r.status in (401, 403, 422), (method, path, r)


@test
def test_probe_idempotency():
    ada, bea = token("ada"), token("bea")
    a = post(ada, "idem one", headers=None) if False else None
    r1 = call("POST", "/api/v1/statuses", ada, body={"status": "idem first"},
              headers={"Idempotency-Key": "k1"})
    r2 = call("POST", "/api/v1/statuses", ada, body={"status": "idem other body"},
              headers={"Idempotency-Key": "k1"})
    r3 = call("POST", "/api/v1/statuses", bea, body={"status": "bea idem"},
              headers={"Idempotency-Key": "k1"})
    print("IDEM", r1.status, r2.status, r2.body[:200], r3.status, r3.body[:300])
    assert b"idem first" not in r3.body, r3
    big = "k" * 100000
    r4 = call("POST", "/api/v1/statuses", ada, body={"status": "idem big"},
              headers={"Idempotency-Key": big[:8000]})
    print("IDEM big", r4.status, r4.body[:200])


@test
def test_probe_media_and_markers():
    ada, bea = token("ada"), token("bea")
    r = call("GET", "/api/v1/markers?timeline[]=home&timeline[]=notifications", bea)
    print("MARKERS", r.status, r.body[:200])
    r = call("POST", "/api/v1/markers", ada, body={"home": {"last_read_id": "abc"}})
    print("MARKER bad", r.status, r.body[:200])
    r = call("POST", "/api/v1/markers", ada, body={"home": {"last_read_id": "-5"}})
    print("MARKER neg", r.status, r.body[:200])
    r = call("POST", "/api/v1/markers", ada, body={"home": "x"})
    print("MARKER str", r.status, r.body[:200])
    r = call("POST", "/api/v1/markers", ada, body={"home": {"last_read_id": ["1"]}})
    print("MARKER arr", r.status, r.body[:200])
    r = call("POST", "/api/v1/markers", ada, form={"home[last_read_id]": "99999999999999999999"})
    print("MARKER huge", r.status, r.body[:200])


@test
def test_probe_reports_and_relations():
    ada, bea, cy = token("ada"), token("bea"), token("cy")
    apost = post(ada, "ada report target")
    bpost = post(bea, "bea unrelated")
    n = count("SELECT count(*) FROM reports")
    for body in ({"account_id": acct_id("ada"), "status_ids": [bpost["id"]]},
                 {"account_id": acct_id("ada"), "status_ids": "x"},
                 {"account_id": "abc"}, {"account_id": acct_id("cy")},
                 {"account_id": acct_id("ada"), "rule_ids": ["999999"]},
                 {"account_id": acct_id("ada"), "rule_ids": "1"},
                 {"account_id": acct_id("ada"), "comment": ["x"]},
                 {"account_id": acct_id("ada"), "comment": "x" * 100000},
                 {"account_id": acct_id("ada"), "category": "nope"},
                 {"account_id": acct_id("ada"), "forward": "maybe"}):
        r = call("POST", "/api/v1/reports", cy, body=body)
        print("REPORT", json.dumps(body)[:80], r.status, r.body[:150])
    print("reports written", count("SELECT count(*) FROM reports") - n)
    for method, path, body in (("POST", "/api/v1/accounts/%s/follow" % acct_id("cy"), {}),
                               ("POST", "/api/v1/accounts/%s/block" % acct_id("cy"), {}),
                               ("POST", "/api/v1/accounts/%s/mute" % acct_id("cy"), {}),
                               ("POST", "/api/v1/accounts/%s/follow" % acct_id("ada"),
                                {"reblogs": "maybe"}),
                               ("POST", "/api/v1/accounts/%s/mute" % acct_id("ada"),
                                {"duration": "-5"}),
                               ("POST", "/api/v1/accounts/%s/mute" % acct_id("ada"),
                                {"notifications": ["x"]}),
                               ("POST", "/api/v1/accounts/99999999999/follow", {}),
                               ("POST", "/api/v1/follow_requests/%s/authorize" % acct_id("ada"), {}),
                               ("POST", "/api/v1/follow_requests/%s/reject" % acct_id("ada"), {}),
                               ("GET", "/api/v1/accounts/relationships?id[]=abc", None),
                               ("GET", "/api/v1/accounts/relationships?id=-1", None),
                               ("GET", "/api/v1/accounts/relationships?" + "&".join(
                                   ["id[]=%d" % (i + 1) for i in range(500)]), None),
                               ("GET", "/api/v1/accounts/lookup?acct=" + "a" * 700, None),
                               ("GET", "/api/v1/accounts/lookup?acct=ada@evil.example", None),
                               ("GET", "/api/v1/accounts/lookup?acct=@", None),
                               ("GET", "/api/v1/accounts/lookup?acct=%00", None)):
        r = call(method, path, cy, body=body)
        print("REL", method, path[:70], json.dumps(body), r.status, r.body[:150])
        assert r.status < 500, r


@test
def test_probe_credentials():
    fay = token("fay")
    for body in ({"display_name": ["x"]}, {"display_name": "x" * 10000},
                 {"note": "<script>alert(1)</script>"}, {"locked": "maybe"},
                 {"fields_attributes": "x"}, {"fields_attributes": [{"name": "a"}]},
                 {"fields_attributes": {"0": {"name": "a", "value": "b"}}},
                 {"fields_attributes": [{"name": "n%d" % i, "value": "v"} for i in range(50)]},
                 {"fields_attributes": [{"name": ["x"], "value": "v"}]},
                 {"source": {"privacy": "direct"}}, {"source": "x"},
                 {"discoverable": "x"}):
        r = call("PATCH", "/api/v1/accounts/update_credentials", fay, body=body)
        print("CRED", json.dumps(body)[:80], r.status, r.body[:200])
        assert r.status < 500, r
    r = call("PATCH", "/api/v1/accounts/update_credentials", fay,
             body=b"--x\r\nContent-Disposition: form-data; name=avatar; filename=a.png\r\n"
                  b"Content-Type: image/png\r\n\r\nnotanimage\r\n--x--\r\n",
             headers={"Content-Type": "multipart/form-data; boundary=x"})
    print("CRED avatar", r.status, r.body[:200])
    me = call("GET", "/api/v1/accounts/verify_credentials", fay)
    print("CRED me", me.body[:600])


@test
def test_probe_boosts_across_blocks():
    ada, bea, cy = token("ada"), token("bea"), token("cy")
    p = post(ada, "ada boosted words")
    want(call("POST", "/api/v1/accounts/%s/follow" % acct_id("cy"), bea, body={}), 200, "f")
    want(call("POST", "/api/v1/statuses/%s/reblog" % p["id"], cy, body={}), 200, "boost")
    want(call("POST", "/api/v1/accounts/%s/block" % acct_id("bea"), ada, body={}), 200, "block")
    for path in ("/api/v1/timelines/home", "/api/v1/accounts/%s/statuses" % acct_id("cy"),
                 "/api/v1/timelines/public", "/api/v1/statuses/%s/reblogged_by" % p["id"]):
        r = call("GET", path, bea)
        assert b"ada boosted words" not in r.body, (path, r)
    boost = inst.scalar("SELECT id FROM statuses WHERE reblog_of_id = %s" % p["id"])
    r = call("GET", "/api/v1/statuses/%s" % boost, bea)
    assert b"ada boosted words" not in r.body, r
    r = call("GET", "/api/v1/statuses/%s/context" % boost, bea)
    print("BOOST ctx", r.status, r.body[:200])
    r = call("GET", "/api/v1/statuses/%s/favourited_by" % boost, bea)
    print("BOOST fav", r.status, r.body[:200])
    r = call("GET", "/api/v1/statuses/%s/history" % boost, bea)
    print("BOOST hist", r.status, r.body[:200])
    r = call("GET", "/api/v1/statuses/%s/history" % boost, None)
    print("BOOST hist visitor", r.status, r.body[:300])
    r = call("POST", "/api/v1/statuses/%s/favourite" % boost, bea, body={})
    print("BOOST fav by blocked", r.status, r.body[:200])
    r = call("POST", "/api/v1/statuses/%s/reblog" % boost, bea, body={})
    print("BOOST reblog by blocked", r.status, r.body[:200])
    r = call("GET", "/api/v1/notifications", ada)
    print("ADA notes", r.body[:1000])
    want(call("POST", "/api/v1/accounts/%s/unblock" % acct_id("bea"), ada, body={}), 200, "unb")


@test
def test_probe_media_others():
    import base64
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
    ada, bea = token("ada"), token("bea")
    body, ctype = harness.multipart_body([("description", "ada secret alt")],
                                         [("file", "a.png", "image/png", png)])
    r = call("POST", "/api/v2/media", ada, body=body, headers={"Content-Type": ctype})
    print("UPLOAD", r.status, r.body[:300])
    mid = r.json()["id"]
    for method, path, b in (("GET", "/api/v1/media/%s" % mid, None),
                            ("PUT", "/api/v1/media/%s" % mid, {"description": "bea"}),
                            ("POST", "/api/v1/statuses", {"status": "x", "media_ids": [mid]})):
        r = call(method, path, bea, body=b)
        print("MEDIA other", method, path, r.status, r.body[:200])
        assert r.status in (404, 422) and b"ada secret" not in r.body, r
    # media + members-only post visible to visitor?
    st = post(ada, "members pic", visibility="local", media_ids=[mid])
    r = call("GET", "/api/v1/accounts/%s/statuses?only_media=true" % acct_id("ada"))
    assert b"members pic" not in r.body, r
    # form and json mixed: multipart with a JSON content type part
    body, ctype = harness.multipart_body([("status", "multi post"), ("visibility", "local"),
                                          ("media_ids[]", "abc")])
    r = call("POST", "/api/v1/statuses", bea, body=body, headers={"Content-Type": ctype})
    print("MP post", r.status, r.body[:200])
    body, ctype = harness.multipart_body([("status", "multi file as status")],
                                         [("status", "s.txt", "text/plain", b"file status")])
    r = call("POST", "/api/v1/statuses", bea, body=body, headers={"Content-Type": ctype})
    print("MP file-as-status", r.status, r.body[:300])


@test
def test_probe_reply_to_unseen():
    ada, bea, cy = token("ada"), token("bea"), token("cy")
    dm = post(ada, "dm for bea only @bea", visibility="direct")
    priv = post(ada, "ada followers words", visibility="private")
    pub = post(ada, "ada public words")
    n = count("SELECT count(*) FROM statuses")
    for target in (dm["id"], priv["id"]):
        r = call("POST", "/api/v1/statuses", cy, body={"status": "nosy reply",
                                                       "in_reply_to_id": target})
        print("REPLY unseen", r.status, r.body[:400])
    print("written", count("SELECT count(*) FROM statuses") - n)
    r = call("POST", "/api/v1/statuses/%s/pin" % pub["id"], bea, body={})
    print("PIN other", r.status, r.body[:200], count("SELECT count(*) FROM pins"))
    want(call("POST", "/api/v1/accounts/%s/block" % acct_id("dee"), ada, body={}), 200, "block")
    r = call("POST", "/api/v1/statuses", token("dee"), body={"status": "blocked reply",
                                                             "in_reply_to_id": pub["id"]})
    print("REPLY blocked", r.status, r.body[:400])
    r = call("GET", "/api/v1/notifications", ada)
    print("ADA notes", b"nosy reply" in r.body, b"blocked reply" in r.body)


@test
def test_probe_head_stream():
    import socket, time
    tok = token("fay", scope="read")
    socks = []
    for i in range(10):
        s = harness.raw_connect(inst.port)
        s.sendall(("HEAD /api/v1/streaming/user HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n" % tok).encode())
        s.settimeout(5)
        try:
            data = s.recv(4096)
        except socket.timeout:
            data = b"TIMEOUT"
        print("HEAD", i, data[:300])
        socks.append(s)
    for s in socks:
        s.close()
    time.sleep(0.5)
    r = call("GET", "/api/v1/timelines/home", tok)
    print("after", r.status)
    s = harness.raw_connect(inst.port)
    s.sendall(("GET /api/v1/streaming/user HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n" % tok).encode())
    s.settimeout(5)
    print("GET after HEADs", s.recv(300))
    s.close()


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
