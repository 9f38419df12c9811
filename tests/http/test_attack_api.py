"""Attacks on the Mastodon client API (issue 13) as a hostile app or a curious member:
visibility through every endpoint that answers posts or accounts, scopes, hostile ids,
parameters and bodies. Each finding of the attack is a test here."""

import json
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apiclient  # noqa: E402
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("attack_api")
test = suite.test
inst = harness.Instance(suite, "attack_api", page_cache_seconds=0)
PASSWORD = harness.PASSWORD
API = apiclient.Node(inst, "attack app")


def call(method, path, token=None, **kw):
    """One API request (apiclient.request)."""
    return apiclient.request(inst.port, method, path, token, **kw)


def want(r, status, what):
    return apiclient.want(r, status, what)


def error_of(r, status, what, says=None):
    return apiclient.error_of(r, status, what, says)


def app(scopes="read write follow push", src=None):
    return API.app(scopes, src)


def token(name, scope="read write follow"):
    return API.token(name, scope)


def app_token(scope="read write", a=None):
    return API.app_token(scope, a)


def count(sql):
    return int(inst.scalar(sql))


def acct_id(name):
    return inst.scalar("SELECT id FROM accounts WHERE username = '%s'" % name)


def post(tok, text, **fields):
    return API.post(tok, text, **fields)


def setup():
    inst.setup()
    inst.start_server()
    for name in ("ada", "bea", "cy", "dee", "eve", "fay"):
        harness.create_account(inst, name)


def web(name):
    return harness.member(inst, name, create=False)


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
def test_follow_lists_leave_out_who_a_block_stands_between():
    """a member doesn't find, in someone else's follower or following list, the account that
    blocked them (whose profile isn't there for them) or one they blocked: through the API
    and on the web alike, as the likers of a post; everyone else still sees it"""
    for name in ("pia", "quin", "rex"):
        harness.create_account(inst, name)
    inst.psql("UPDATE accounts SET hide_collections = false WHERE username = 'pia'")
    pia, quin, rex = token("pia"), token("quin"), token("rex")
    want(call("POST", "/api/v1/accounts/%s/follow" % acct_id("pia"), quin, body={}), 200, "f")
    want(call("POST", "/api/v1/accounts/%s/follow" % acct_id("quin"), pia, body={}), 200, "f")
    lists = ("/api/v1/accounts/%s/followers" % acct_id("pia"),
             "/api/v1/accounts/%s/following" % acct_id("pia"))
    pages = ("/@pia/followers", "/@pia/following")

    def seen(tok, client):
        api = [any(a["acct"] == "quin" for a in want(call("GET", path, tok), 200, path))
               for path in lists]
        web_ = ["/@quin" in client.get(path).text for path in pages] if client else []
        return api + web_

    assert seen(rex, web("rex")) == [True] * 4
    want(call("POST", "/api/v1/accounts/%s/block" % acct_id("rex"), quin, body={}), 200, "b")
    assert seen(rex, web("rex")) == [False] * 4, "the blocked member"
    assert seen(token("cy"), web("cy")) == [True] * 4, "anyone else"
    assert seen(None, None) == [True] * 2, "a visitor"
    want(call("POST", "/api/v1/accounts/%s/unblock" % acct_id("rex"), quin, body={}), 200, "u")
    want(call("POST", "/api/v1/accounts/%s/block" % acct_id("quin"), rex, body={}), 200, "b")
    assert seen(rex, web("rex")) == [False] * 4, "the blocker"


@test
def test_search_by_address_leaves_out_a_blocker():
    """searching an address (user@server) among the accounts this node knows doesn't find
    one a block stands between the searcher and, either way, as the member search doesn't
    and as its profile isn't there for them; anyone else still finds it"""
    harness.create_account(inst, "sol")
    inst.psql("INSERT INTO accounts (username, domain, uri, inbox_url, key_id, public_key_pem)"
              " VALUES ('zed', 'peer.example', 'https://peer.example/users/zed',"
              " 'https://peer.example/users/zed/inbox', 'https://peer.example/users/zed#key',"
              " 'x')")
    zed = acct_id("zed")
    sol = token("sol")

    def found(tok):
        doc = want(call("GET", "/api/v2/search?q=zed@peer.example&type=accounts", tok), 200,
                   "search")
        return any(a["id"] == zed for a in doc["accounts"])

    assert found(sol)
    inst.psql("INSERT INTO blocks (account_id, target_account_id) VALUES (%s, %s)"
              % (zed, acct_id("sol")))
    assert not found(sol), "blocked by the remote account"
    assert found(token("cy")), "anyone else"
    inst.psql("DELETE FROM blocks WHERE account_id = %s" % zed)
    want(call("POST", "/api/v1/accounts/%s/block" % zed, sol, body={}), 200, "block")
    assert not found(sol), "the member's own block"


@test
def test_members_only_never_reaches_visitors_or_app_tokens():
    """a members-only post, its replies and its tag reach no visitor and no app token without
    a member: not by id, history, likers, context, any timeline, a profile, pins or search"""
    ada = token("ada")
    loc = post(ada, "members secret #lokaltag", visibility="local")
    pub = post(ada, "public root")
    post(ada, "members reply", visibility="local", in_reply_to_id=pub["id"])
    want(call("POST", "/api/v1/statuses/%s/pin" % loc["id"], ada), 200, "pin")
    want(call("POST", "/api/v1/statuses/%s/favourite" % loc["id"], token("bea")), 200, "fav")
    apptok = app_token("read")
    for who in (None, apptok):
        for path in ("/api/v1/statuses/%s" % loc["id"], "/api/v1/statuses/%s/history" % loc["id"],
                     "/api/v1/statuses/%s/favourited_by" % loc["id"],
                     "/api/v1/statuses/%s/reblogged_by" % loc["id"],
                     "/api/v1/statuses/%s/context" % loc["id"]):
            error_of(call("GET", path, who), 404, path)
        for path in ("/api/v1/statuses/%s/context" % pub["id"],
                     "/api/v1/timelines/public", "/api/v1/timelines/public?local=true",
                     "/api/v1/timelines/tag/lokaltag",
                     "/api/v1/accounts/%s/statuses" % acct_id("ada"),
                     "/api/v1/accounts/%s/statuses?pinned=true" % acct_id("ada"),
                     "/api/v2/search?q=lokaltag", "/api/v2/search?q=%23lokaltag",
                     "/api/v2/search?q=secret"):
            r = call("GET", path, who)
            assert r.status in (200, 401), (path, r)
            assert b"members secret" not in r.body and b"members reply" not in r.body and \
                b"lokaltag" not in r.body.replace(b"q=%23lokaltag", b""), (path, who, r)
    # a member reads it
    assert "members secret" in want(call("GET", "/api/v1/statuses/%s" % loc["id"],
                                         token("cy")), 200, "a member")["content"]


@test
def test_direct_post_closed_to_everyone_else():
    """a direct post is not there for a member it doesn't mention, through any read or
    action (404 or 403, nothing written, no word of it), nor in search, nor reportable by
    them; a reply to it is not there either"""
    ada, bea, cy = token("ada"), token("bea"), token("cy")
    dm = post(ada, "dm words for bea @bea", visibility="direct")
    sid = dm["id"]
    n = count("SELECT (SELECT count(*) FROM favourites) + (SELECT count(*) FROM bookmarks) +"
              " (SELECT count(*) FROM pins) + (SELECT count(*) FROM statuses) +"
              " (SELECT count(*) FROM reports)")
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
        assert r.status in (403, 404) and b"dm words" not in r.body, (method, path, r)
    r = call("POST", "/api/v1/reports", cy, body={"account_id": acct_id("ada"),
                                                   "status_ids": [sid], "comment": "x"})
    assert r.status in (404, 422), ("report on an unseen post", r)
    for who in (cy, bea):
        assert b"dm words" not in call("GET", "/api/v2/search?q=dm+words", who).body
    assert count("SELECT (SELECT count(*) FROM favourites) + (SELECT count(*) FROM bookmarks) +"
                 " (SELECT count(*) FROM pins) + (SELECT count(*) FROM statuses) +"
                 " (SELECT count(*) FROM reports)") == n
    error_of(call("POST", "/api/v1/statuses/%s/reblog" % sid, bea, body={}), 422,
             "a boost of a direct post", "Only public and unlisted")
    rep = post(bea, "@ada reply to dm", visibility="direct", in_reply_to_id=sid)
    r = call("GET", "/api/v1/statuses/%s/context" % rep["id"], cy)
    assert r.status == 404 and b"dm words" not in r.body, r


@test
def test_posts_leave_lists_when_they_become_invisible():
    """a followers-only post bookmarked and liked leaves the bookmarks, likes, home and
    notifications of a follower who stops following; a block takes the blocker's posts out
    of every answer to the blocked member, boosts by others included"""
    ada, bea, cy = token("ada"), token("bea"), token("cy")
    for who in (acct_id("ada"), acct_id("cy")):
        want(call("POST", "/api/v1/accounts/%s/follow" % who, bea, body={}), 200, "follow")
    priv = post(ada, "followers only words", visibility="private")
    want(call("POST", "/api/v1/statuses/%s/bookmark" % priv["id"], bea, body={}), 200, "bm")
    want(call("POST", "/api/v1/statuses/%s/favourite" % priv["id"], bea, body={}), 200, "fav")
    assert b"followers only words" in call("GET", "/api/v1/bookmarks", bea).body
    want(call("POST", "/api/v1/accounts/%s/unfollow" % acct_id("ada"), bea, body={}), 200, "u")
    for path in ("/api/v1/bookmarks", "/api/v1/favourites", "/api/v1/notifications",
                 "/api/v1/timelines/home"):
        r = call("GET", path, bea)
        assert r.status == 200 and b"followers only words" not in r.body, (path, r)
    pub = post(ada, "public then block")
    want(call("POST", "/api/v1/statuses/%s/bookmark" % pub["id"], bea, body={}), 200, "bm")
    want(call("POST", "/api/v1/statuses/%s/reblog" % pub["id"], cy, body={}), 200, "boost")
    boost = inst.scalar("SELECT id FROM statuses WHERE reblog_of_id = %s" % pub["id"])
    want(call("POST", "/api/v1/accounts/%s/block" % acct_id("bea"), ada, body={}), 200, "block")
    for path in ("/api/v1/bookmarks", "/api/v1/timelines/public", "/api/v1/timelines/home",
                 "/api/v1/accounts/%s/statuses" % acct_id("cy")):
        r = call("GET", path, bea)
        assert r.status == 200 and b"public then block" not in r.body, (path, r)
    for path in ("/api/v1/statuses/%s" % pub["id"], "/api/v1/statuses/%s" % boost,
                 "/api/v1/statuses/%s/context" % pub["id"],
                 "/api/v1/statuses/%s/reblogged_by" % pub["id"],
                 "/api/v1/accounts/%s/statuses" % acct_id("ada")):
        error_of(call("GET", path, bea), 404, path)
    for action in ("favourite", "reblog", "bookmark"):
        error_of(call("POST", "/api/v1/statuses/%s/%s" % (boost, action), bea, body={}), 404,
                 "%s through the boost" % action)
    want(call("POST", "/api/v1/accounts/%s/unblock" % acct_id("bea"), ada, body={}), 200, "unb")


@test
def test_context_leaves_out_blocked_repliers():
    """a reply by an account the reader blocked is not in the thread's context, and the
    blocked member can't list the post's likers"""
    ada, dee = token("ada"), token("dee")
    root = post(ada, "root for replies")
    post(dee, "reply from dee the blocked", in_reply_to_id=root["id"])
    assert b"reply from dee" in call("GET", "/api/v1/statuses/%s/context" % root["id"], ada).body
    want(call("POST", "/api/v1/accounts/%s/block" % acct_id("dee"), ada, body={}), 200, "block")
    r = call("GET", "/api/v1/statuses/%s/context" % root["id"], ada)
    assert r.status == 200 and b"reply from dee" not in r.body, r
    error_of(call("GET", "/api/v1/statuses/%s/favourited_by" % root["id"], dee), 404,
             "likers of a blocker's post")
    want(call("POST", "/api/v1/accounts/%s/unblock" % acct_id("dee"), ada, body={}), 200, "unb")


@test
def test_hostile_ids_and_paging():
    """ids that are no ids (words, signs, overflow, hex, spaces) are 404 with a JSON error;
    paging values that are no numbers or ids are 422 naming the parameter, big limits are
    cut to the page size, and nothing answers 5xx"""
    ada = token("ada")
    for path in ("/api/v1/statuses/abc", "/api/v1/statuses/-1", "/api/v1/statuses/0",
                 "/api/v1/statuses/99999999999999999999", "/api/v1/statuses/9223372036854775807",
                 "/api/v1/statuses/9223372036854775808", "/api/v1/statuses/1e3",
                 "/api/v1/statuses/+5", "/api/v1/statuses/%2035", "/api/v1/statuses/0x10",
                 "/api/v1/accounts/abc", "/api/v1/accounts/-5/statuses",
                 "/api/v1/media/abc", "/api/v1/notifications/-1"):
        error_of(call("GET", path, ada), 404, path)
    paths = ("/api/v1/timelines/home", "/api/v1/timelines/public", "/api/v1/notifications",
             "/api/v1/accounts/%s/statuses" % acct_id("ada"),
             "/api/v1/accounts/%s/followers" % acct_id("ada"), "/api/v1/bookmarks",
             "/api/v1/favourites", "/api/v1/blocks", "/api/v2/search?q=a")
    for q, status in (("limit=-1", 422), ("limit=abc", 422), ("limit=0", 422),
                      ("limit=1e2", 422), ("max_id=abc", 422),
                      ("max_id=-1", 422), ("since_id=99999999999999999999", 422),
                      ("min_id=x", 422), ("limit=99999999999999999999", 200)):
        for path in paths:
            if "search" in path and q.startswith(("since_id", "min_id")):
                continue  # search pages by max_id alone
            p = path + ("&" if "?" in path else "?") + q
            r = call("GET", p, ada)
            if status == 200:
                assert r.status == 200 and len(r.json() if isinstance(r.json(), list)
                                               else r.json()["accounts"]) <= 40, (p, r)
            else:
                error_of(r, status, p)


@test
def test_hostile_post_bodies():
    """wrong types, duplicate keys, deep nesting, a body that is no object, NUL, bad UTF-8,
    the wrong content type, too many images, polls: each a precise 4xx JSON error, and no
    post is written"""
    ada = token("ada")
    n = count("SELECT count(*) FROM statuses")
    for body, ctype, status in (
            ('{"status": ["a", "b"]}', "application/json", 422),
            ('{"status": "x", "media_ids": "123"}', "application/json", 422),
            ('{"status": "x", "media_ids": [[1]]}', "application/json", 422),
            ('{"status": "x", "media_ids": [{"a":1}]}', "application/json", 422),
            ('{"status": "x", "visibility": ["public"]}', "application/json", 422),
            ('{"status": "x", "status": "y"}', "application/json", 400),
            ('{"status": "x", "in_reply_to_id": -3}', "application/json", 422),
            ('{"status": "x", "in_reply_to_id": 1.5}', "application/json", 422),
            ('{"status": "x", "in_reply_to_id": "99999999999999999999"}', "application/json",
             422),
            ('{"status": "x", "sensitive": "maybe"}', "application/json", 422),
            ('{"status": "x", "visibility": "LOCAL"}', "application/json", 422),
            ('[' * 5000 + ']' * 5000, "application/json", 400),
            ('{"status": "x"', "application/json", 400),
            ('{"status": "x\\u0000y"}', "application/json", 400),
            ('"just a string"', "application/json", 400),
            ('status=x&status=y&visibility=nope', "application/x-www-form-urlencoded", 422),
            ('status=x', "text/plain", 415),
            ('{"status": "x"}', "application/x-www-form-urlencoded", 422),
            ('status=x', "application/json", 400),
            ('status=x&media_ids=abc', "application/x-www-form-urlencoded", 422),
            ('status=x&media_ids[]=1&media_ids[]=2&media_ids[]=3&media_ids[]=4&media_ids[]=5',
             "application/x-www-form-urlencoded", 422),
            ('status=%FF%FE', "application/x-www-form-urlencoded", 400),
            ('{"status": "x", "poll": {"options": ["a"], "expires_in": 5}}', "application/json",
             422)):
        error_of(call("POST", "/api/v1/statuses", ada, body=body,
                      headers={"Content-Type": ctype}), status, body[:40])
    assert count("SELECT count(*) FROM statuses") == n


@test
def test_scopes_of_narrow_tokens():
    """a write:media token, a follow token and a read token reach only what their scopes
    name (403 elsewhere, nothing written); an app's own token reaches no member endpoint"""
    only_media, follow, readtok = (token("fay", scope=s) for s in ("write:media", "follow",
                                                                     "read"))
    n = count("SELECT count(*) FROM statuses")
    calls = (("GET", "/api/v1/timelines/home"), ("GET", "/api/v1/notifications"),
             ("POST", "/api/v1/markers"), ("PATCH", "/api/v1/accounts/update_credentials"),
             ("POST", "/api/v1/notifications/clear"),
             ("POST", "/api/v1/accounts/%s/block" % acct_id("eve")), ("POST", "/api/v1/reports"),
             ("GET", "/api/v1/accounts/verify_credentials"), ("GET", "/api/v1/bookmarks"),
             ("GET", "/api/v1/preferences"), ("POST", "/api/v1/media"),
             ("GET", "/api/v2/search?q=ada"), ("POST", "/api/v1/statuses"),
             ("GET", "/api/v1/streaming/user"))
    allowed = {only_media: {"POST /api/v1/media"},
               follow: {"POST /api/v1/accounts/%s/block" % acct_id("eve")},
               readtok: {"%s %s" % c for c in calls if c[0] == "GET"}}
    for tok, ok in allowed.items():
        for method, path in calls:
            if "%s %s" % (method, path) in ok:
                continue
            error_of(call(method, path, tok, body={} if method != "GET" else None), 403,
                     "%s %s" % (method, path))
    assert count("SELECT count(*) FROM statuses") == n
    apptok = app_token("read write follow")
    for method, path in (("GET", "/api/v1/timelines/home"), ("POST", "/api/v1/statuses"),
                         ("GET", "/api/v1/markers"), ("POST", "/api/v1/reports"),
                         ("GET", "/api/v1/notifications"), ("POST", "/api/v1/media"),
                         ("GET", "/api/v1/streaming/user")):
        r = call(method, path, apptok, body={} if method != "GET" else None)
        assert r.status in (401, 403, 422) and "error" in r.json(), (method, path, r)
    assert count("SELECT count(*) FROM statuses") == n


@test
def test_idempotency_keys_are_the_members_own():
    """the same Idempotency-Key answers the first post again whatever the body, another
    member's same key makes their own post, and a key too long is refused"""
    ada, bea = token("ada"), token("bea")
    first = want(call("POST", "/api/v1/statuses", ada, body={"status": "idem first"},
                      headers={"Idempotency-Key": "k1"}), 200, "first")
    again = want(call("POST", "/api/v1/statuses", ada, body={"status": "idem other body"},
                      headers={"Idempotency-Key": "k1"}), 200, "again")
    assert again["id"] == first["id"], (first, again)
    other = want(call("POST", "/api/v1/statuses", bea, body={"status": "bea idem"},
                      headers={"Idempotency-Key": "k1"}), 200, "another member")
    assert other["id"] != first["id"] and other["account"]["acct"] == "bea", other
    n = count("SELECT count(*) FROM statuses")
    error_of(call("POST", "/api/v1/statuses", ada, body={"status": "idem big"},
                  headers={"Idempotency-Key": "k" * 8000}), 422, "a long key")
    assert count("SELECT count(*) FROM statuses") == n


@test
def test_hostile_markers_reports_relations_profiles():
    """markers, reports, relations and the profile refuse wrong types and ids with a 4xx
    naming the problem and write nothing; another member's follow request can't be answered
    and script in a bio comes back escaped"""
    ada, cy, fay = token("ada"), token("cy"), token("fay")
    for body in ({"home": {"last_read_id": "abc"}}, {"home": {"last_read_id": "-5"}},
                 {"home": "x"}, {"home": {"last_read_id": ["1"]}}):
        error_of(call("POST", "/api/v1/markers", ada, body=body), 422, json.dumps(body))
    error_of(call("POST", "/api/v1/markers", ada,
                  form={"home[last_read_id]": "99999999999999999999"}), 422, "huge marker")
    bpost = post(token("bea"), "bea unrelated")
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
        error_of(call("POST", "/api/v1/reports", cy, body=body), 422, json.dumps(body)[:60])
    assert count("SELECT count(*) FROM reports") == n
    for method, path, status in (
            ("POST", "/api/v1/accounts/%s/follow" % acct_id("cy"), 422),
            ("POST", "/api/v1/accounts/%s/block" % acct_id("cy"), 422),
            ("POST", "/api/v1/accounts/99999999999/follow", 404),
            ("POST", "/api/v1/follow_requests/%s/authorize" % acct_id("ada"), 404),
            ("GET", "/api/v1/accounts/relationships?id[]=abc", 422),
            ("GET", "/api/v1/accounts/relationships?" + "&".join(
                ["id[]=%d" % (i + 1) for i in range(500)]), 422),
            ("GET", "/api/v1/accounts/lookup?acct=" + "a" * 700, 422),
            ("GET", "/api/v1/accounts/lookup?acct=ada@evil.example", 404)):
        error_of(call(method, path, cy, body={} if method == "POST" else None), status, path)
    for body in ({"display_name": ["x"]}, {"display_name": "x" * 10000}, {"locked": "maybe"},
                 {"fields_attributes": "x"},
                 {"fields_attributes": [{"name": "n%d" % i, "value": "v"} for i in range(5)]},
                 {"fields_attributes": [{"name": ["x"], "value": "v"}]}):
        error_of(call("PATCH", "/api/v1/accounts/update_credentials", fay, body=body), 422,
                 json.dumps(body)[:60])
    doc = want(call("PATCH", "/api/v1/accounts/update_credentials", fay,
                    body={"note": "<script>alert(1)</script>"}), 200, "a note")
    assert "<script>" not in doc["note"] and "&lt;script&gt;" in doc["note"], doc


@test
def test_another_members_upload_is_not_theirs():
    """an image one member uploaded can't be read, described or attached by another; a
    members-only post's image stays out of a visitor's only_media list"""
    import base64
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
    ada, bea = token("ada"), token("bea")
    body, ctype = harness.multipart_body([("description", "ada secret alt")],
                                         [("file", "a.png", "image/png", png)])
    mid = want(call("POST", "/api/v2/media", ada, body=body, headers={"Content-Type": ctype}),
               200, "upload")["id"]
    n = count("SELECT count(*) FROM statuses")
    for method, path, b, status in (("GET", "/api/v1/media/%s" % mid, None, 404),
                                    ("PUT", "/api/v1/media/%s" % mid, {"description": "b"}, 404),
                                    ("POST", "/api/v1/statuses",
                                     {"status": "x", "media_ids": [mid]}, 422)):
        r = call(method, path, bea, body=b)
        error_of(r, status, path)
        assert b"ada secret" not in r.body
    assert count("SELECT count(*) FROM statuses") == n
    assert inst.scalar("SELECT description FROM media WHERE id = %s" % mid) == "ada secret alt"
    post(ada, "members pic", visibility="local", media_ids=[mid])
    r = call("GET", "/api/v1/accounts/%s/statuses?only_media=true" % acct_id("ada"))
    assert r.status == 200 and b"members pic" not in r.body, r

harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
