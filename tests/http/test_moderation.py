"""Moderation end to end on a real server: the review queue, actions taken by people with a
reason and a rule, what members see (notifications, their own page, the log), appeals decided
by another moderator, the two-person rule, limits, suspensions with their purge, and a
moderator's delete reaching a follower's server as a Delete.

rose reports; ivy, pat, lou, sam and dee are acted on; keeper and warden moderate; boss is
the admin. A fake peer's actor fay follows ivy, so that what ivy's followers' servers receive
can be read."""

import json
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("moderation")
test = suite.test
# sweep_interval 1: timed suspensions end and purges run within a second or two
inst = harness.peer_instance(suite, "moderation", sweep_interval="1")
c = {}
state = {}
WAIT = 20
AP = "application/activity+json"
WORDS = ["sex", "sex work", "escort", "nude", "性工作"]


def setup():
    inst.setup()
    inst.start_server()
    for name in ("rose", "ivy", "pat", "lou", "sam", "dee"):
        c[name] = harness.member(inst, name)
    c["keeper"] = harness.member(inst, "keeper", role="moderator")
    c["warden"] = harness.member(inst, "warden", role="moderator")
    c["boss"] = harness.member(inst, "boss", role="admin")
    fake = harness.FakePeer(suite)
    harness.allow_peer(inst, fake.domain)
    state.update(fake=fake, fay=fake.add_actor("fay"))


def rules():
    return [row[0] for row in inst.psql("SELECT id FROM rules ORDER BY position")]


def account_id(name):
    return inst.scalar("SELECT id FROM accounts WHERE username = '%s' AND domain IS NULL" % name)


def actions():
    return int(inst.scalar("SELECT count(*) FROM mod_actions"))


def open_item(status_id):
    return inst.scalar("SELECT id FROM reports WHERE status_id = %s AND state = 'open'"
                       % status_id)


def visitor_get(path):
    return harness.request(inst.port, "GET", path)


def set_setting(key, value):
    """Stores an instance setting by hand; the server hears of it (harness.db_change)."""
    harness.db_change(inst, "INSERT INTO instance_settings VALUES ('%s', '%s')"
                      " ON CONFLICT (key) DO UPDATE SET value = '%s'" % (key, value, value),
                      "settings")


def set_local_public():
    set_setting("local_timeline_public", "true")


def act_on_item(client, item, kind, reason="Posting a client's real name", rule_ids=None,
                **extra):
    fields = [("kind", kind), ("reason", reason)]
    fields += [("rule", r) for r in (rules()[:1] if rule_ids is None else rule_ids)]
    fields += list(extra.items())
    return client.post("/admin/queue/%s/act" % item, fields)


def act_on_account(client, name, kind, reason="Repeated outing", rule_ids=None, **extra):
    fields = [("kind", kind), ("reason", reason)]
    fields += [("rule", r) for r in (rules()[:1] if rule_ids is None else rule_ids)]
    fields += list(extra.items())
    return client.post("/admin/accounts/%s/act" % account_id(name), fields)


def main_part(text):
    m = re.search(r"<main\b.*?</main>", text, re.S)
    return m.group(0) if m else text


@test
def test_words_publish_normally():
    """on a fresh node (no rules, no review rules) posts with "sex", "sex work", "escort",
    "nude" and "性工作" publish normally: in the local, tag and profile timelines, to visitors,
    with no content warning added and nothing in the queue"""
    set_local_public()
    assert inst.scalar("SELECT count(*) FROM review_rules") == "0"
    assert inst.scalar("SELECT count(*) FROM rules") == "0"
    ids = []
    for w in WORDS:
        ids.append(harness.post_and_get_id(inst, c["sam"], "sam", "%s #worktalk" % w))
    for path in ("/local", "/tags/worktalk", "/@sam"):
        for who in (c["rose"], None):
            page = (who.get(path) if who else visitor_get(path))
            harness.assert_status(page, 200, path)
            shown = harness.status_ids_on(page.text)
            for sid in ids:
                assert sid in shown, (path, sid)
    rows = inst.psql("SELECT spoiler_text, sensitive, mod_hidden FROM statuses WHERE id IN (%s)"
                     % ",".join(ids))
    assert rows == [["", "f", "f"]] * len(WORDS), rows
    assert inst.scalar("SELECT count(*) FROM reports") == "0"
    assert "Nothing in the queue." in c["keeper"].get("/admin/queue").text


@test
def test_queue_is_for_moderators():
    """the queue, item, account, appeals pages: 403 for members, sign-in for visitors"""
    for path in ("/admin/queue", "/admin/appeals", "/admin/accounts/%s" % account_id("ivy")):
        harness.assert_status(c["rose"].get(path), 403, "member " + path)
        r = visitor_get(path)
        assert r.status == 303 and "/login" in r.header("Location"), (path, r)
    harness.assert_status(c["keeper"].get("/admin/queue?state=nope"), 400, "bad filter")
    harness.assert_status(c["keeper"].get("/admin/queue/12345"), 404, "no item")


@test
def test_report_action_appeal():
    """report -> queue -> claim -> hide with a reason and a rule -> the member is notified and
    sees it on their own page -> appeal -> the acting moderator can't decide -> another
    moderator grants it -> the post is back; the log shows it all; the reporter never shows"""
    for title in ("Be kind", "Keep clients' details private"):
        harness.assert_status(c["keeper"].post("/admin/rules", {"title": title, "text": ""}),
                              303, "rule")
    ids = rules()
    sid = harness.post_and_get_id(inst, c["ivy"], "ivy", "ivy's public post about a client")
    state["ivy_post"] = sid
    r = c["rose"].post("/statuses/%s/report" % sid, [("rule", ids[1]), ("comment", "outing")])
    harness.assert_status(r, 303, "report")
    item = open_item(sid)
    queue = c["keeper"].get("/admin/queue")
    assert 'href="/admin/queue/%s"' % item in queue.text and "Report by @rose" in queue.text
    page = c["keeper"].get("/admin/queue/%s" % item)
    harness.assert_status(page, 200, "item page")
    assert "ivy&#39;s public post" in page.text or "ivy's public post" in page.text
    assert "2. Keep clients" in page.text and 'name="kind"' in page.text
    # claim: keeper takes it; warden can't take it over
    harness.assert_status(c["keeper"].post("/admin/queue/%s/claim" % item, {}), 303, "claim")
    harness.assert_status(c["warden"].post("/admin/queue/%s/claim" % item, {}), 409, "steal")
    assert "?claim=mine" not in c["keeper"].get("/admin/queue?claim=mine").text
    assert item in c["keeper"].get("/admin/queue?claim=mine").text
    assert item not in c["warden"].get("/admin/queue?claim=mine").text
    # hide it
    r = act_on_item(c["keeper"], item, "hide", reason="A client's real name", rule_ids=[ids[1]])
    harness.assert_status(r, 303, "hide")
    assert inst.scalar("SELECT state FROM reports WHERE id = %s" % item) == "closed"
    assert inst.scalar("SELECT mod_hidden FROM statuses WHERE id = %s" % sid) == "t"
    assert sid not in harness.status_ids_on(c["rose"].get("/local").text)
    assert sid not in harness.status_ids_on(visitor_get("/@ivy").text)
    harness.assert_status(c["ivy"].get("/@ivy/%s" % sid), 200, "own hidden post")
    # ivy is told, with the reason and the rule, and never who reported
    notes = c["ivy"].get("/notifications").text
    assert "Post hidden from timelines" in notes and "A client&#39;s real name" in notes
    mine = c["ivy"].get("/moderation/mine")
    assert "Post hidden from timelines" in mine.text and "2. Keep clients" in mine.text
    for text in (notes, mine.text):
        assert "rose" not in text and "keeper" not in text and "outing" not in text
    action = inst.scalar("SELECT id FROM mod_actions WHERE kind = 'hide'")
    state["hide_action"] = action
    # appeal once
    r = c["ivy"].post("/moderation/actions/%s/appeal" % action, {"text": "  "})
    harness.assert_status(r, 422, "empty appeal")
    r = c["ivy"].post("/moderation/actions/%s/appeal" % action,
                      {"text": "It was my own name, not a client's."})
    harness.assert_status(r, 303, "appeal")
    harness.assert_status(c["ivy"].post("/moderation/actions/%s/appeal" % action,
                                        {"text": "again"}), 409, "second appeal")
    harness.assert_status(c["rose"].post("/moderation/actions/%s/appeal" % action,
                                         {"text": "me too"}), 404, "someone else's appeal")
    # the moderator who acted can't decide; another can
    appeals = c["keeper"].get("/admin/appeals").text
    assert "another moderator must decide" in appeals
    r = c["keeper"].post("/admin/appeals/%s" % action, {"outcome": "grant", "decision": "ok"})
    harness.assert_status(r, 403, "own appeal decision")
    r = c["warden"].post("/admin/appeals/%s" % action, {"outcome": "grant", "decision": ""})
    harness.assert_status(r, 422, "decision without reason")
    r = c["warden"].post("/admin/appeals/%s" % action,
                         {"outcome": "grant", "decision": "Her own name: fine."})
    harness.assert_status(r, 303, "grant")
    assert inst.scalar("SELECT mod_hidden FROM statuses WHERE id = %s" % sid) == "f"
    assert inst.scalar("SELECT state FROM mod_actions WHERE id = %s" % action) == "reversed"
    assert sid in harness.status_ids_on(c["rose"].get("/local").text)
    assert "Your appeal was granted" in c["ivy"].get("/notifications").text
    # the log: members read it (moderator unnamed), visitors can't
    log = c["rose"].get("/moderation/log")
    harness.assert_status(log, 200, "log")
    body = main_part(log.text)
    assert "Post hidden from timelines" in body and "@ivy" in body and "a moderator" in body
    assert "Reversed on appeal" in body and "Her own name: fine." in body
    assert "keeper" not in body and "warden" not in body and "rose" not in body.replace(
        "@rose", "")
    r = visitor_get("/moderation/log")
    assert r.status == 303 and "/login" in r.header("Location"), r


@test
def test_review_rule_match_dismissed():
    """a review rule files a matching post while it stays published; dismissing the item
    changes nothing for the member"""
    r = c["keeper"].post("/admin/review-rules", {"kind": "phrase", "pattern": "full name",
                                                 "scope": "local", "note": "outing"})
    harness.assert_status(r, 303, "add a review rule")
    sid = harness.post_and_get_id(inst, c["sam"], "sam", "never post a client's full name")
    item = open_item(sid)
    assert item and inst.scalar("SELECT source FROM reports WHERE id = %s" % item) == "rule"
    assert sid in harness.status_ids_on(visitor_get("/local").text)
    assert "Review rule match" in c["keeper"].get("/admin/queue?source=rule").text
    assert item not in c["keeper"].get("/admin/queue?source=member").text
    notes_before = c["sam"].get("/notifications").text.count("<article")
    r = act_on_item(c["keeper"], item, "dismiss", reason="Advice, not outing", rule_ids=[])
    harness.assert_status(r, 303, "dismiss")
    assert sid in harness.status_ids_on(visitor_get("/local").text)
    assert inst.psql("SELECT spoiler_text, sensitive, mod_hidden FROM statuses WHERE id = %s"
                     % sid) == [["", "f", "f"]]
    assert c["sam"].get("/notifications").text.count("<article") == notes_before
    assert "moderators have taken no action" in c["sam"].get("/moderation/mine").text
    assert item in c["keeper"].get("/admin/queue?state=closed").text


@test
def test_bad_actions_change_nothing():
    """no reason, no rule where one is needed, an unknown kind or rule, a domain action on a
    local account, acting on oneself, a closed item: precise 4xx, nothing written"""
    sid = harness.post_and_get_id(inst, c["lou"], "lou", "lou posts")
    c["rose"].post("/statuses/%s/report" % sid, {"comment": "hm"})
    item = open_item(sid)
    n = actions()
    cases = [
        (dict(kind="hide", reason=""), 422),
        (dict(kind="hide", rule_ids=[]), 422),
        (dict(kind="hide", rule_ids=["99"]), 422),
        (dict(kind="explode"), 422),
        (dict(kind="defederate"), 422),
        (dict(kind="suspend", suspend_days="forever"), 422),
    ]
    for kw, status in cases:
        r = act_on_item(c["keeper"], item, **kw)
        harness.assert_status(r, status, repr(kw))
        assert r.status != 422 or 'class="error"' in r.text, kw
    assert actions() == n
    r = act_on_account(c["keeper"], "keeper", "warn")
    harness.assert_status(r, 403, "acting on oneself")
    r = act_on_account(c["keeper"], "warden", "warn")
    harness.assert_status(r, 403, "a moderator acting on a moderator")
    assert actions() == n
    r = act_on_item(c["keeper"], item, "dismiss", reason="Nothing wrong", rule_ids=[])
    harness.assert_status(r, 303, "dismiss")
    assert inst.scalar("SELECT state FROM reports WHERE id = %s" % item) == "closed"
    r = act_on_item(c["keeper"], item, "warn")
    harness.assert_status(r, 409, "closed item")
    # a dismissal changes nothing for the member and stays out of the log
    assert "Nothing wrong" not in c["lou"].get("/notifications").text
    assert "moderators have taken no action" in c["lou"].get("/moderation/mine").text
    assert "Nothing wrong" not in c["rose"].get("/moderation/log").text
    assert sid in harness.status_ids_on(c["rose"].get("/local").text)


@test
def test_sensitive_adds_cw():
    """marking a post sensitive adds the moderator's content warning"""
    sid = harness.post_and_get_id(inst, c["lou"], "lou", "graphic details")
    c["rose"].post("/statuses/%s/report" % sid, {"comment": "graphic"})
    r = act_on_item(c["keeper"], open_item(sid), "sensitive", cw="Graphic")
    harness.assert_status(r, 303, "sensitive")
    assert inst.psql("SELECT spoiler_text, sensitive FROM statuses WHERE id = %s" % sid) == [
        ["Graphic", "t"]]


@test
def test_delete_federates():
    """a moderator's delete removes the post everywhere and sends a Delete to the servers of
    the author's followers"""
    fay = state["fay"]
    follow = {"@context": "https://www.w3.org/ns/activitystreams", "id": fay.uri + "#follow/ivy",
              "type": "Follow", "actor": fay.uri, "object": "%s/users/ivy" %
              harness.instance_base(inst)}
    harness.assert_status(fay.post(inst.port, "/users/ivy/inbox", follow), 202, "fay follows")
    harness.wait_for(lambda: inst.scalar(
        "SELECT count(*) FROM follows WHERE target_account_id = %s" % account_id("ivy")) == "1",
        WAIT, what="fay's follow")
    sid = harness.post_and_get_id(inst, c["ivy"], "ivy", "to be deleted by a moderator: "
                                  "a client's full name")
    note = "%s/users/ivy/statuses/%s" % (harness.instance_base(inst), sid)
    harness.wait_for(lambda: [p for p in state["fake"].requests_to("POST")
                              if b'"Create"' in p["body"] and note.encode() in p["body"]],
                     WAIT, what="the Create at the fake peer")
    item = open_item(sid)
    assert inst.scalar("SELECT source FROM reports WHERE id = %s" % item) == "rule"
    r = act_on_item(c["keeper"], item, "delete")
    harness.assert_status(r, 303, "delete")
    assert inst.scalar("SELECT count(*) FROM statuses WHERE id = %s" % sid) == "0"
    harness.assert_status(c["rose"].get("/@ivy/%s" % sid), 404, "deleted post")
    deletes = harness.wait_for(lambda: [p for p in state["fake"].requests_to("POST")
                                        if b'"Delete"' in p["body"]
                                        and note.encode() in p["body"]],
                               WAIT, what="the Delete at the fake peer")
    activity = json.loads(deletes[0]["body"])
    obj = activity["object"]
    assert (obj if isinstance(obj, str) else obj["id"]) == note, activity
    mine = c["ivy"].get("/moderation/mine").text
    assert "Post deleted" in mine and "to be deleted by a moderator" in mine


@test
def test_limit():
    """a limited account's public posts leave the local timeline and reach only followers"""
    c["rose"].post("/@pat/follow", {})
    fay = state["fay"]
    pat_uri = "%s/users/pat" % harness.instance_base(inst)
    follow = {"@context": "https://www.w3.org/ns/activitystreams", "id": fay.uri + "#follow/pat",
              "type": "Follow", "actor": fay.uri, "object": pat_uri}
    harness.assert_status(fay.post(inst.port, "/users/pat/inbox", follow), 202, "fay follows")
    harness.wait_for(lambda: inst.scalar(
        "SELECT count(*) FROM follows WHERE target_account_id = %s" % account_id("pat")) == "2",
        WAIT, what="fay's follow of pat")
    r = act_on_account(c["keeper"], "pat", "limit")
    harness.assert_status(r, 303, "limit")
    sid = harness.post_and_get_id(inst, c["pat"], "pat", "pat's public post")
    # it leaves for followers' servers as followers-only, not as public
    note = ("%s/statuses/%s" % (pat_uri, sid)).encode()
    sent = harness.wait_for(lambda: [p for p in state["fake"].requests_to("POST")
                                     if b'"Create"' in p["body"] and note in p["body"]],
                            WAIT, what="pat's post at the fake peer")
    obj = json.loads(sent[0]["body"])["object"]
    public = "https://www.w3.org/ns/activitystreams#Public"
    assert public not in obj["to"] + obj["cc"], obj
    assert pat_uri + "/followers" in obj["to"], obj
    assert sid not in harness.status_ids_on(c["rose"].get("/local").text)
    assert sid not in harness.status_ids_on(c["dee"].get("/@pat").text)
    harness.assert_status(visitor_get("/@pat/%s" % sid), 404, "visitor on a limited post")
    assert sid in harness.status_ids_on(c["rose"].get("/home").text)
    n = actions()
    harness.assert_status(act_on_account(c["keeper"], "pat", "limit"), 409, "limiting twice")
    assert actions() == n
    r = act_on_account(c["keeper"], "pat", "unlimit", rule_ids=[])
    harness.assert_status(r, 303, "unlimit")
    assert sid in harness.status_ids_on(c["dee"].get("/@pat").text)


@test
def test_two_person_rule():
    """with the two-person rule on, a suspension waits: nothing happens until a second
    moderator approves; the proposer can't approve it"""
    page = c["boss"].get("/admin/settings")
    fields = harness.form_fields(page.text)
    fields.update(two_person_rule="1", suspension_purge_days="30", default_language="en",
                  registration_mode="invite")
    fields.pop("local_timeline_public", None)
    harness.assert_status(c["boss"].post("/admin/settings", fields), 303, "settings")
    sid = harness.post_and_get_id(inst, c["dee"], "dee", "dee is still here")
    r = act_on_account(c["keeper"], "dee", "suspend", suspend_days="7")
    harness.assert_status(r, 303, "propose")
    assert "action_pending" in harness.location_path(r)
    action = inst.scalar("SELECT id FROM mod_actions WHERE kind = 'suspend' AND state ="
                         " 'pending'")
    assert inst.scalar("SELECT suspended_at IS NULL FROM accounts WHERE username = 'dee'") == "t"
    harness.assert_status(visitor_get("/@dee/%s" % sid), 200, "still visible")
    harness.assert_status(c["dee"].get("/home"), 200, "dee still signed in and working")
    queue = c["keeper"].get("/admin/queue").text
    assert "another moderator must approve it" in queue
    harness.assert_status(c["keeper"].post("/admin/actions/%s/approve" % action, {}), 403,
                          "self-approval")
    assert inst.scalar("SELECT state FROM mod_actions WHERE id = %s" % action) == "pending"
    harness.assert_status(c["warden"].post("/admin/actions/%s/approve" % action, {}), 303,
                          "approve")
    assert inst.scalar("SELECT state FROM mod_actions WHERE id = %s" % action) == "done"
    assert inst.scalar("SELECT suspended_until > now() + interval '6 days' FROM accounts"
                       " WHERE username = 'dee'") == "t"
    harness.assert_status(visitor_get("/@dee/%s" % sid), 404, "suspended post")
    harness.assert_status(visitor_get("/@dee"), 404, "suspended profile")
    harness.assert_status(c["rose"].get("/@dee"), 404, "suspended profile for a member")
    harness.assert_status(c["warden"].get("/@dee"), 200, "suspended profile for a moderator")
    for path in ("/users/dee", "/users/dee/outbox"):
        r = harness.request(inst.port, "GET", path, headers={"Accept": AP})
        harness.assert_status(r, 404, "actor document of a suspended member " + path)
    finger = "/.well-known/webfinger?resource=acct:%s@" + harness.instance_domain(inst)
    harness.assert_status(visitor_get(finger % "rose"), 200, "webfinger of a member")
    harness.assert_status(visitor_get(finger % "dee"), 404, "webfinger of a suspended member")
    harness.assert_status(harness.request(inst.port, "GET", "/users/rose",
                                          headers={"Accept": AP}), 200, "a member's actor")
    # the suspended member can only read the reasons and appeal
    harness.assert_status(c["dee"].get("/home"), 403, "suspended member's home")
    mine = c["dee"].get("/moderation/mine")
    harness.assert_status(mine, 200, "suspended member's own page")
    assert "Account suspended" in mine.text
    r = c["dee"].post("/moderation/actions/%s/appeal" % action, {"text": "Please look again"})
    harness.assert_status(r, 303, "suspended member's appeal")
    harness.assert_status(c["keeper"].post("/admin/appeals/%s" % action,
                                           {"outcome": "deny", "decision": "It stands."}),
                          403, "the proposer deciding the appeal")
    harness.assert_status(c["warden"].post("/admin/appeals/%s" % action,
                                           {"outcome": "deny", "decision": "It stands."}),
                          403, "the approver deciding the appeal")
    harness.assert_status(c["boss"].post("/admin/appeals/%s" % action,
                                         {"outcome": "deny", "decision": "It stands."}),
                          303, "a third moderator (the admin) denies")
    assert inst.scalar("SELECT state FROM appeals WHERE action_id = %s" % action) == "denied"
    assert "Your appeal was denied" in c["dee"].get("/moderation/mine").text or \
        "It stands." in c["dee"].get("/moderation/mine").text


@test
def test_suspension_end_and_purge():
    """a timed suspension ends on its own; an indefinite one is purged after the purge delay"""
    set_setting("two_person_rule", "false")
    inst.psql("UPDATE accounts SET suspended_until = now() - interval '1 second'"
              " WHERE username = 'dee'")
    harness.wait_for(lambda: inst.scalar("SELECT suspended_at IS NULL FROM accounts"
                                         " WHERE username = 'dee'") == "t",
                     WAIT, what="dee's suspension to end")
    harness.assert_status(c["dee"].get("/home"), 200, "dee is back")
    set_setting("suspension_purge_days", "0")
    harness.post_and_get_id(inst, c["lou"], "lou", "lou's last post")
    r = act_on_account(c["keeper"], "lou", "suspend", suspend_days="0")
    harness.assert_status(r, 303, "indefinite suspension")
    harness.wait_for(lambda: inst.scalar("SELECT purged_at IS NOT NULL FROM accounts"
                                         " WHERE username = 'lou'") == "t",
                     WAIT, what="lou's purge")
    assert inst.scalar("SELECT count(*) FROM statuses WHERE account_id = %s"
                       % account_id("lou")) == "0"
    # the record of what happened stays
    assert inst.scalar("SELECT count(*) FROM mod_actions WHERE target_acct = 'lou'"
                       " AND kind = 'suspend'") == "1"
    # later suspensions must not be purged under the tests' feet (the sweep runs every second)
    set_setting("suspension_purge_days", "30")


@test
def test_named_moderators():
    """the log names moderators only when the node chooses to"""
    set_setting("name_moderators", "true")
    body = main_part(c["rose"].get("/moderation/log").text)
    assert "keeper" in body
    set_setting("name_moderators", "false")
    assert "keeper" not in main_part(c["rose"].get("/moderation/log").text)


@test
def test_suspended_remote_account_unheard():
    """a suspended remote account's new posts are acknowledged and dropped; another account
    of the same server is still heard"""
    fake = state["fake"]
    fen = fake.add_actor("fen")
    base = harness.instance_base(inst)

    def create(actor, text):
        act = harness.activity_create(actor, text)
        act["object"]["tag"] = [{"type": "Mention", "href": base + "/users/ivy", "name": "@ivy"}]
        act["object"]["content"] = '<p><a href="%s/users/ivy">@ivy</a> %s</p>' % (base, text)
        harness.assert_status(actor.post(inst.port, "/inbox", act), 202, "Create")
        return act["object"]["id"]

    first = create(fen, "hello from fen")
    harness.wait_for(lambda: inst.scalar("SELECT count(*) FROM statuses WHERE uri = '%s'"
                                         % first) == "1", WAIT, what="fen's first post")
    fen_id = inst.scalar("SELECT id FROM accounts WHERE uri = '%s'" % fen.uri)
    first_id = inst.scalar("SELECT id FROM statuses WHERE uri = '%s'" % first)
    r = c["keeper"].post("/admin/accounts/%s/act" % fen_id,
                         [("kind", "suspend"), ("reason", "Threats"), ("rule", rules()[0]),
                          ("suspend_days", "0")])
    harness.assert_status(r, 303, "suspend fen")
    harness.assert_status(c["rose"].get("/@fen@%s/%s" % (fake.domain, first_id)), 404,
                          "a suspended remote account's post")
    dropped = create(fen, "fen again, suspended")
    heard = create(state["fay"], "fay is still heard")
    harness.wait_for(lambda: inst.scalar("SELECT count(*) FROM statuses WHERE uri = '%s'"
                                         % heard) == "1", WAIT, what="fay's post")
    harness.wait_for(lambda: inst.scalar("SELECT count(*) FROM jobs WHERE kind = 'inbox'")
                     == "0", WAIT, what="the inbox jobs done")
    assert inst.scalar("SELECT count(*) FROM statuses WHERE uri = '%s'" % dropped) == "0"


@test
def test_domain_actions():
    """on a remote account: limiting its server hides its posts from non-followers; a
    defederation waits for a second moderator under the two-person rule, then takes the server
    off the allowlist so that its deliveries are refused"""
    fay = state["fay"]
    fay_id = inst.scalar("SELECT id FROM accounts WHERE uri = '%s'" % fay.uri)
    assert fay_id, "fay is known (test_delete_federates)"
    domain = state["fake"].domain
    act = lambda client, kind: client.post(  # noqa: E731
        "/admin/accounts/%s/act" % fay_id,
        [("kind", kind), ("reason", "Harassment from this server"), ("rule", rules()[0])])
    page = c["keeper"].get("/admin/accounts/%s" % fay_id)
    harness.assert_status(page, 200, "remote account page")
    assert 'value="defederate"' in page.text and 'value="limit_domain"' in page.text
    harness.assert_status(act(c["keeper"], "limit_domain"), 303, "limit the domain")
    assert inst.scalar("SELECT limited FROM domain_policies WHERE domain = '%s'" % domain) == "t"
    assert inst.scalar("SELECT d.limited FROM accounts x JOIN domain_policies d"
                       " ON d.domain = x.domain WHERE x.id = %s" % fay_id) == "t"
    page = c["keeper"].get("/admin/accounts/%s" % fay_id).text
    assert "Its server is limited" in page
    assert 'value="unlimit_domain"' in page and 'value="limit_domain"' not in page
    n = actions()
    harness.assert_status(act(c["keeper"], "limit_domain"), 409, "limiting the server twice")
    assert actions() == n
    set_setting("two_person_rule", "true")
    r = act(c["keeper"], "defederate")
    harness.assert_status(r, 303, "propose defederation")
    assert inst.scalar("SELECT count(*) FROM peers WHERE domain = '%s'" % domain) == "1"
    action = inst.scalar("SELECT id FROM mod_actions WHERE kind = 'defederate'")
    harness.assert_status(c["warden"].post("/admin/actions/%s/approve" % action, {}), 303,
                          "approve defederation")
    assert inst.scalar("SELECT count(*) FROM peers WHERE domain = '%s'" % domain) == "0"
    assert inst.scalar("SELECT count(*) FROM follows WHERE account_id = %s" % fay_id) == "0"
    n = actions()
    harness.assert_status(act(c["keeper"], "defederate"), 422, "defederating twice")
    assert actions() == n
    note = {"@context": "https://www.w3.org/ns/activitystreams", "id": fay.uri + "#like/x",
            "type": "Like", "actor": fay.uri, "object": "%s/users/ivy" %
            harness.instance_base(inst)}
    harness.assert_status(fay.post(inst.port, "/users/ivy/inbox", note), 403,
                          "a defederated server's delivery")
    log = main_part(c["rose"].get("/moderation/log").text)
    assert "Server defederated" in log and domain in log
    set_setting("two_person_rule", "false")


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
