"""Bad-date alerts between partner nodes (issue 14, ap/alerts.h): three parasol servers and a
fake peer. A and B marked each other as alert partners; A marked C, which did not mark A (not
reciprocated); the fake peer is a partner of A (it shows what is sent). A published alert
whose reporter agreed reaches B's review queue, shows "from A" once B's moderator publishes
it, and is found by B's lookup; its renewal and withdrawal follow; C stores nothing; nothing
sent names the reporter; forged alerts (a non-partner, a partner's member instead of its
instance actor, another signer) are refused and store nothing. Alerts go to the inbox a
partner's instance actor names (the fake's is not at /actor/inbox), never to one on another
server."""

import json
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("alerts_federation")
test = suite.test
A = harness.peer_instance(suite, "alerts_fed_a", retry_first_delay="1", page_cache_seconds="0")
B = harness.peer_instance(suite, "alerts_fed_b", page_cache_seconds="0")
C = harness.peer_instance(suite, "alerts_fed_c", page_cache_seconds="0")
DAY = 86400
CLOCK = {"now": int(time.time())}
c = {}
state = {}
WAIT = 30


def dom(inst):
    return harness.instance_domain(inst)


def set_clock(t):
    CLOCK["now"] = t
    tmp = CLOCK["path"] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % t)
    os.replace(tmp, CLOCK["path"])


def setup():
    A.setup()
    CLOCK["path"] = os.path.join(A.tmp, "clock")
    set_clock(CLOCK["now"])
    A.env = {"PARASOL_TEST_CLOCK_FILE": CLOCK["path"]}
    # B reads the same clock: a partner's renewal lasts no longer there than B's own period
    # from B's now (core/alerts.h), so B must see the time A renews at
    B.env = {"PARASOL_TEST_CLOCK_FILE": CLOCK["path"]}
    for inst in (A, B, C):
        if inst is not A:
            inst.setup()
        inst.start_server()
    fake = harness.FakePeer(suite)
    # the fake peer says it marked A as a partner (ap/alerts.h: asked before each delivery)
    fake.routes["/actor/alert-partner"] = lambda path: (200, b'{"partner":true}',
                                                        "application/json")
    state["fake"] = fake
    state["fay"] = fake.add_actor("fay")
    # its instance actor names an inbox of its own choosing: partners read it (ap/alerts.h)
    fake.add_instance_actor(inbox="/shared-alerts-inbox")
    for x, y in ((A, B), (B, A), (A, C), (C, A)):
        harness.allow_peer(x, dom(y))
    harness.allow_peer(A, fake.domain)
    # a partner whose instance actor names another server's inbox (the fake's)
    liar = harness.FakePeer(suite)
    liar.routes["/actor/alert-partner"] = fake.routes["/actor/alert-partner"]
    liar.add_instance_actor(inbox=fake.base + "/stolen-inbox")
    state["liar"] = liar
    harness.allow_peer(A, liar.domain)
    harness.allow_peer(B, fake.domain)
    c["a_admin"] = harness.member(A, "ada", role="admin")
    c["b_admin"] = harness.member(B, "bea", role="admin")
    c["a_mod"] = harness.member(A, "amos", role="moderator")
    c["b_mod"] = harness.member(B, "bert", role="moderator")
    c["rose"] = harness.member(A, "rose")
    c["lily"] = harness.member(B, "lily")
    c["carl"] = harness.member(C, "carl")


def alerts_of(inst):
    return int(inst.scalar("SELECT count(*) FROM alerts"))


def file_and_publish(area, summary, partners=True, phones="07700 900123"):
    fields = [("happened_on", time.strftime("%Y-%m-%d", time.gmtime(CLOCK["now"] - DAY))),
              ("area", area), ("categories", "violence"), ("severity", "high"),
              ("summary", summary), ("phones", phones), ("handles", "@BadDate99"),
              ("names", "Dave"), ("consent_members", "on")]
    if partners:
        fields.append(("consent_partners", "on"))
    r = c["rose"].post("/alerts", fields)
    assert r.status == 303, (r, r.text[:1000])
    aid = harness.location_path(r).split("/")[2].split("?")[0]
    r = c["a_mod"].post("/admin/alerts/%s/publish" % aid, {
        "area": area, "summary": summary, "phones": phones, "handles": "@BadDate99",
        "emails": "", "names": "Dave", "vehicle": "", "plates": "", "description": "",
        "first_contact": ""})
    assert r.status == 303, (r, r.text[:1000])
    return aid


def deliveries_done(inst):
    return inst.scalar("SELECT count(*) FROM jobs WHERE kind = 'deliver'") == "0"


@test
def test_partners_are_marked_by_admins():
    """Admins mark peers as partners on the alert settings page; a server that is not a peer
    can't be one; members and moderators can't mark any"""
    for client, inst, peer in ((c["a_admin"], A, dom(B)), (c["b_admin"], B, dom(A)),
                               (c["a_admin"], A, dom(C)),
                               (c["a_admin"], A, state["fake"].domain)):
        r = client.post("/admin/alert-partners", {"domain": peer, "partner": "on"})
        assert r.status == 303, r
        assert inst.scalar("SELECT count(*) FROM alert_partners WHERE domain = '%s'" % peer) == "1"
    page = c["a_admin"].get("/admin/alert-settings").text
    assert "Stop sharing alerts with %s" % dom(B) in page, page
    r = c["a_admin"].post("/admin/alert-partners", {"domain": "nowhere.example", "partner": "on"})
    assert r.status == 422, r
    assert A.scalar("SELECT count(*) FROM alert_partners") == "3"
    r = c["a_mod"].post("/admin/alert-partners", {"domain": dom(B), "partner": ""})
    assert r.status == 404, r
    assert A.scalar("SELECT count(*) FROM alert_partners") == "3"


@test
def test_shared_alert_reaches_partner_review_only():
    """A published alert its reporter let partners have reaches B's queue (pending, members
    there see nothing yet); the activity the fake partner got is a signed BadDateAlert of the
    instance actor with the offender details only; C, which didn't reciprocate, stores
    nothing"""
    aid = file_and_publish("Hackney", "Refused to pay and pushed me.")
    state["aid"] = aid
    harness.wait_for(lambda: alerts_of(B) == 1, WAIT, what="the alert at B")
    row = B.psql("SELECT state, partner_domain, reporter_id IS NULL, phones, summary"
                 " FROM alerts")[0]
    assert row[0] == "pending" and row[1] == dom(A) and row[2] == "t", row
    assert row[3] == "+447700900123" and row[4] == "Refused to pay and pushed me.", row
    state["b_id"] = B.scalar("SELECT id FROM alerts")
    assert c["lily"].get("/alerts/%s" % state["b_id"]).status == 404
    fake = state["fake"]
    harness.wait_for(lambda: fake.activities("Create"), WAIT, what="the Create at the fake")
    act = fake.activities("Create")[0]
    assert act["_path"] == "/shared-alerts-inbox", act["_path"]
    assert act["actor"] == harness.instance_base(A) + "/actor", act["actor"]
    obj = act["object"]
    assert obj["type"] == "BadDateAlert" and obj["area"] == "Hackney", obj
    assert act["@context"][0] == "https://www.w3.org/ns/activitystreams", act["@context"]
    assert act["@context"][1]["BadDateAlert"] == "parasol:BadDateAlert", act["@context"]
    text = json.dumps(act)
    for secret in ("rose", "reporter", "consent", "for_member", "/alerts/%s" % aid):
        assert secret not in text, "the activity holds %r: %s" % (secret, text)
    sig = [r for r in fake.requests if r["method"] == "POST"][0]["headers"]
    assert 'keyId="%s/actor#main-key"' % harness.instance_base(A) in sig.get("Signature", ""), sig
    harness.wait_for(lambda: deliveries_done(A), WAIT, what="A's deliveries")
    assert alerts_of(C) == 0, "C, which never marked A, stored an alert"
    # C was asked whether it is a partner, and so was never sent the alert at all
    assert "has not marked this one as an alert partner" in A.server.log()
    assert "/actor/inbox" not in C.server.log(), "the alert was sent to C"
    assert "rose" not in B.cluster.dump_data(B.dbname)


@test
def test_partner_alert_published_from_partner():
    """B's moderator publishes the partner's alert: B's members see it "from A", find it by
    phone and handle, and nothing on the page names the reporter"""
    bid = state["b_id"]
    page = c["b_mod"].get("/admin/alerts/%s" % bid).text
    assert "From %s" % dom(A) in page, page
    r = c["b_mod"].post("/admin/alerts/%s/publish" % bid, {
        "area": "Hackney", "summary": "Refused to pay and pushed me.",
        "phones": "+447700900123", "handles": "baddate99", "emails": "", "names": "Dave",
        "vehicle": "", "plates": "", "description": "", "first_contact": ""})
    assert r.status == 303, (r, r.text[:1500])
    r = c["lily"].get("/alerts/%s" % bid)
    assert r.status == 200 and "From %s" % dom(A) in r.text, r
    assert "rose" not in r.text.lower()
    for q in ("kind=phone&value=%2B44+7700+900123", "kind=handle&value=%40BADDATE99"):
        r = c["lily"].get("/alerts/lookup?" + q)
        assert "/alerts/%s" % bid in r.text, (q, r)
    a_exp = A.scalar("SELECT extract(epoch FROM expires_at)::bigint FROM alerts WHERE id = %s"
                     % state["aid"])
    b_exp = B.scalar("SELECT extract(epoch FROM expires_at)::bigint FROM alerts WHERE id = %s"
                     % bid)
    assert int(b_exp) <= int(a_exp), (a_exp, b_exp)


@test
def test_no_partner_consent_not_sent():
    """An alert whose reporter didn't let partners have it goes nowhere"""
    before = len(state["fake"].activities())
    file_and_publish("Soho", "Followed me after.", partners=False)
    harness.wait_for(lambda: deliveries_done(A), WAIT, what="A's deliveries")
    assert alerts_of(B) == 1 and len(state["fake"].activities()) == before


@test
def test_edit_takes_it_back_from_partners():
    """The reporter edits a shared alert: partners lose the version they had (Delete); once
    published again it reaches them as a new alert, waiting for their review"""
    aid = file_and_publish("Brixton", "Threatened me with a knife, I'm the one on Acre Lane.")
    harness.wait_for(lambda: B.scalar("SELECT count(*) FROM alerts WHERE area = 'Brixton'")
                     == "1", WAIT, what="the alert at B")
    first = B.scalar("SELECT id FROM alerts WHERE area = 'Brixton'")
    fields = [("happened_on", time.strftime("%Y-%m-%d", time.gmtime(CLOCK["now"] - DAY))),
              ("area", "Brixton"), ("categories", "violence"), ("severity", "high"),
              ("summary", "Threatened me with a knife."), ("consent_members", "on"),
              ("consent_partners", "on")]
    r = c["rose"].post("/alerts/%s/edit" % aid, fields)
    assert r.status == 303, r
    harness.wait_for(lambda: B.scalar("SELECT count(*) FROM alerts WHERE id = %s" % first)
                     == "0", WAIT, what="the old version deleted at B")
    r = c["a_mod"].post("/admin/alerts/%s/publish" % aid, {
        "area": "Brixton", "summary": "Threatened me with a knife.", "phones": "",
        "handles": "", "emails": "", "names": "", "vehicle": "", "plates": "",
        "description": "", "first_contact": ""})
    assert r.status == 303, r
    harness.wait_for(lambda: B.scalar("SELECT count(*) FROM alerts WHERE area = 'Brixton'")
                     == "1", WAIT, what="the new version at B")
    rows = B.psql("SELECT state, summary FROM alerts WHERE area = 'Brixton' ORDER BY id")
    assert rows == [["pending", "Threatened me with a knife."]], rows
    assert "Acre Lane" not in B.cluster.dump_data(B.dbname)


@test
def test_renewal_and_withdrawal_propagate():
    """Renewed at A, the alert's new expiry reaches B (Update); withdrawn at A, B's members
    see it no more (Delete)"""
    aid, bid = state["aid"], state["b_id"]
    set_clock(CLOCK["now"] + 60 * DAY)
    r = c["rose"].post("/alerts/%s/renew" % aid, {})
    assert r.status == 303, r
    a_exp = A.scalar("SELECT extract(epoch FROM expires_at)::bigint FROM alerts WHERE id = %s"
                     % aid)
    harness.wait_for(lambda: B.scalar(
        "SELECT extract(epoch FROM expires_at)::bigint FROM alerts WHERE id = %s" % bid) == a_exp,
        WAIT, what="the renewal at B")
    assert B.scalar("SELECT state FROM alerts WHERE id = %s" % bid) == "published"
    r = c["rose"].post("/alerts/%s/withdraw" % aid, {})
    assert r.status == 303, r
    harness.wait_for(lambda: B.scalar("SELECT count(*) FROM alerts WHERE id = %s" % bid)
                     == "0", WAIT, what="the withdrawal at B")
    assert c["lily"].get("/alerts/%s" % bid).status == 404
    assert state["fake"].activities("Delete"), "no Delete went to the fake partner"


def forged(obj_id):
    return {"@context": "https://www.w3.org/ns/activitystreams",
            "id": obj_id + "#create", "type": "Create",
            "actor": state["fay"].uri,
            "object": {"id": obj_id, "type": "BadDateAlert",
                       "happenedOn": time.strftime("%Y-%m-%d", time.gmtime(time.time() - DAY)),
                       "partOfDay": "", "area": "Hackney", "categories": ["violence"],
                       "severity": "high", "content": "forged", "phones": "", "handles": "",
                       "emails": "", "plates": "", "names": "", "vehicle": "",
                       "description": "", "firstContact": "",
                       "endTime": "2099-01-01T00:00:00Z"}}


@test
def test_forged_alerts_refused():
    """A non-partner's alert, a partner's member's (not its instance actor), one claiming
    another actor, and a malformed one are refused before anything is stored"""
    fay, fake = state["fay"], state["fake"]
    before = alerts_of(B)
    r = fay.post(B.port, "/actor/inbox", forged(fake.base + "/alerts/1"))
    assert r.status == 403, r
    B.psql("INSERT INTO alert_partners (domain) VALUES ('%s')" % fake.domain)
    r = fay.post(B.port, "/actor/inbox", forged(fake.base + "/alerts/2"))
    assert r.status == 403 and b"instance actor" in r.body, r
    other = forged(fake.base + "/alerts/3")
    other["actor"] = harness.instance_base(A) + "/actor"
    r = fay.post(B.port, "/actor/inbox", other)
    assert r.status == 403, r
    bad = forged(fake.base + "/alerts/4")
    bad["object"]["categories"] = "violence"
    r = fay.post(B.port, "/actor/inbox", bad)
    assert r.status in (400, 403), r
    assert alerts_of(B) == before
    assert B.scalar("SELECT count(*) FROM jobs WHERE kind = 'inbox'") == "0"


@test
def test_inbox_on_another_server_gets_nothing():
    """A partner whose instance actor names an inbox on another server (here the fake's) is
    sent nothing: alerts go only to an inbox on the partner's own server"""
    liar, fake = state["liar"], state["fake"]
    A.psql("INSERT INTO alert_partners (domain) VALUES ('%s')" % liar.domain)
    file_and_publish("Walthamstow", "Took the money and ran.")
    harness.wait_for(lambda: deliveries_done(A), WAIT, what="A's deliveries")
    assert liar.requests_to("GET", "/actor"), "the liar's instance actor was never read"
    assert not fake.requests_to("POST", "/stolen-inbox")
    assert not liar.requests_to("POST")
    # ap/resolve refuses an actor whose inbox is on another server: it is never stored
    assert "instance actor could not be read" in A.server.log()


if __name__ == "__main__":
    sys.exit(suite.run(setup))
