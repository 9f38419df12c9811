"""Attacks on the bad-date alerts (issue 14, core/alerts.h) by a curious member or moderator
and by lying partners. One parasol server, two fake partners whose instance actors sign what
we send (fake peers: they send what no parasol would), a fake peer that is allowlisted but no
partner. Times that would point at the reporter (an alert's id and created_at, its expiry,
the reporter's answers, members' flags: the day only); a publish form out of date because
the reporter changed the alert meanwhile; an expired alert's notification; a partner
renewing for longer than our own period; forged partner activities (an id on another
origin, another partner's alert, coordinates, oversized or malformed fields, a replay),
refused with nothing stored; withdrawals that must reach partners (one that stopped marking
us, a Create still queued when the alert is withdrawn); a partner's alerts leaving with the
partnership."""

import html
import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("attack_alerts")
test = suite.test
inst = harness.peer_instance(suite, "attack_alerts", retry_first_delay="1",
                             page_cache_seconds="0")
DAY = 86400
CLOCK = {"now": int(time.time())}
c = {}
peers = {}
WAIT = 30


def set_clock(t):
    CLOCK["now"] = t
    tmp = CLOCK["path"] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % t)
    os.replace(tmp, CLOCK["path"])


class InstanceActor:
    """A fake peer's instance actor ("<base>/actor"), as parasol partners sign alerts."""

    def __init__(self, peer):
        self.peer = peer
        self.key = harness.RSAKey(suite)
        self.uri = peer.base + "/actor"
        doc = {"@context": ["https://www.w3.org/ns/activitystreams",
                            "https://w3id.org/security/v1"],
               "id": self.uri, "type": "Application", "preferredUsername": "instance",
               "inbox": self.uri + "/inbox", "outbox": self.uri + "/outbox",
               "publicKey": {"id": self.uri + "#main-key", "owner": self.uri,
                             "publicKeyPem": self.key.public_pem}}
        body = json.dumps(doc).encode()
        jrd = json.dumps({"subject": "acct:instance@" + peer.domain,
                          "links": [{"rel": "self", "type": "application/activity+json",
                                     "href": self.uri}]}).encode()
        peer.routes["/actor"] = lambda path: (200, body, "application/activity+json")
        peer.routes["/.well-known/webfinger"] = lambda path: (200, jrd, "application/jrd+json")
        # whether it says it marked us as a partner (ap/alerts.h), which a test may change
        self.marks_us = True
        peer.routes["/actor/alert-partner"] = lambda path: (
            (200, b'{"partner":true}', "application/json") if self.marks_us
            else (404, b"{}", "application/json"))

    def send(self, activity):
        return harness.FakeActor(self.peer, "instance", self.key).post(
            inst.port, "/actor/inbox", activity, key_id=self.uri + "#main-key")


def setup():
    inst.setup()
    CLOCK["path"] = os.path.join(inst.tmp, "clock")
    set_clock(CLOCK["now"])
    inst.env = {"PARASOL_TEST_CLOCK_FILE": CLOCK["path"]}
    inst.start_server()
    c["rose"] = harness.member(inst, "rose")
    c["lily"] = harness.member(inst, "lily")
    c["mod"] = harness.member(inst, "mona", role="moderator")
    c["admin"] = harness.member(inst, "ada", role="admin")
    for name in ("p1", "p2", "stranger"):
        peer = harness.FakePeer(suite)
        peers[name] = InstanceActor(peer)
        harness.allow_peer(inst, peer.domain)
    for name in ("p1", "p2"):
        inst.psql("INSERT INTO alert_partners (domain) VALUES ('%s')" % peers[name].peer.domain)


def today(offset_days=0):
    return time.strftime("%Y-%m-%d", time.gmtime(CLOCK["now"] + offset_days * DAY))


def file_alert(client, **over):
    fields = {"happened_on": today(-1), "part_of_day": "night", "area": "Hackney",
              "categories": "violence", "severity": "high",
              "summary": "Refused to pay, then pushed me.", "phones": "07700 900123",
              "consent_members": "on"}
    fields.update(over)
    r = client.post("/alerts", fields)
    assert r.status == 303, (r, r.text[:1500])
    return harness.location_path(r).split("/")[2].split("?")[0]


def alerts():
    return int(inst.scalar("SELECT count(*) FROM alerts"))


@test
def test_alert_id_and_created_at_tell_the_day_only():
    """An alert's id (in every URL members and moderators see) and its created_at tell the
    day it was filed but not the time: a time to the millisecond, and the id's place in the
    node's sequence beside the posts made around it, would point at whoever was active then"""
    filed = [file_alert(c["rose"], summary="Alert %d about a client." % i) for i in range(3)]
    day = CLOCK["now"] - CLOCK["now"] % DAY
    offsets = []
    for aid in filed:
        created = int(inst.scalar("SELECT extract(epoch FROM created_at)::bigint FROM alerts"
                                  " WHERE id = %s" % aid))
        assert created == day, ("created_at keeps the time", aid, created, day)
        ms = int(aid) >> 16
        assert day * 1000 <= ms < (day + DAY) * 1000, ("the id is not of the filing day", aid)
        offsets.append(abs(ms - CLOCK["now"] * 1000))
    # each id is a random instant of the day: all three within ten minutes of the filing
    # time has a chance of about 3 in a million
    assert max(offsets) > 600 * 1000, ("the ids tell when the alerts were filed", offsets)
    # the reporter, the moderators' queue and the alert's page still work with these ids
    for aid in filed:
        assert c["rose"].get("/alerts/%s" % aid).status == 200
        assert "/admin/alerts/%s" % aid in c["mod"].get("/admin/alerts").text


@test
def test_expiry_tells_no_time_of_day():
    """Published, and renewed by its reporter, an alert expires at the end of a day: the
    expiry members read (and partners get as endTime) doesn't tell to the second when the
    moderator published it or when the reporter came back to renew it"""
    start = CLOCK["now"]
    day = start - start % DAY
    try:
        set_clock(day + 14 * 3600 + 3 * 60 + 7)
        aid = file_alert(c["rose"], area="Camden", summary="Took the money back by force.")
        r = c["mod"].post("/admin/alerts/%s/publish" % aid, review_form(aid))
        assert r.status == 303, r
        expires = lambda: int(inst.scalar(  # noqa: E731
            "SELECT extract(epoch FROM expires_at)::bigint FROM alerts WHERE id = %s" % aid))
        assert expires() % DAY == 0, ("the expiry tells when it was published", expires())
        assert 365 * DAY < expires() - CLOCK["now"] <= 367 * DAY, expires()
        set_clock(day + 40 * DAY + 21 * 3600 + 59 * 60 + 13)
        assert c["rose"].post("/alerts/%s/renew" % aid, {}).status == 303
        assert expires() % DAY == 0, ("the expiry tells when it was renewed", expires())
        assert 365 * DAY < expires() - CLOCK["now"] <= 367 * DAY, expires()
    finally:
        set_clock(start)


def review_form(aid):
    """The publish form of the review page: its fields as the moderator's browser sends."""
    page = c["mod"].get("/admin/alerts/%s" % aid)
    assert page.status == 200, page
    form = re.search(r'<form method="post" action="/admin/alerts/%s/publish">(.*?)</form>'
                     % aid, page.text, re.S).group(1)
    fields = {}
    for m in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form):
        fields[m.group(1)] = html.unescape(m.group(2))
    for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        fields[m.group(1)] = html.unescape(m.group(2))
    fields.pop("csrf", None)
    return fields


@test
def test_stale_publish_form_refused():
    """The moderator opens the review page; meanwhile the reporter takes out of the alert
    where she lives. Publishing the page's form would put it back (as a "redaction" of the
    reporter's own version): it is refused (409), nothing is published or kept, and the
    page shows the alert as it is now; published from that page, the reporter's version
    goes out"""
    aid = file_alert(c["rose"], area="Brixton",
                     summary="Threatened me with a knife. I live at the top of Acre Lane.")
    stale = review_form(aid)
    assert "Acre Lane" in stale["summary"], stale
    r = c["rose"].post("/alerts/%s/edit" % aid, {
        "happened_on": today(-1), "part_of_day": "night", "area": "Brixton",
        "categories": "violence", "severity": "high", "summary": "Threatened me with a knife.",
        "phones": "07700 900123", "consent_members": "on"})
    assert r.status == 303, r
    r = c["mod"].post("/admin/alerts/%s/publish" % aid, stale)
    assert r.status == 409, (r, r.text[:500])
    assert "changed this alert since you opened it" in r.text
    assert "Acre Lane" not in r.text, "the refused page shows the stale fields again"
    row = inst.psql("SELECT state, summary FROM alerts WHERE id = %s" % aid)[0]
    assert row == ["pending", "Threatened me with a knife."], row
    assert inst.scalar("SELECT count(*) FROM alert_redactions WHERE alert_id = %s" % aid) == "0"
    assert inst.scalar("SELECT count(*) FROM alert_log WHERE alert_id = %s" % aid) == "0"
    fresh = review_form(aid)
    assert fresh["review_version"] != stale["review_version"], (fresh, stale)
    r = c["mod"].post("/admin/alerts/%s/publish" % aid, fresh)
    assert r.status == 303, (r, r.text[:500])
    row = inst.psql("SELECT state, summary FROM alerts WHERE id = %s" % aid)[0]
    assert row == ["published", "Threatened me with a knife."], row
    assert "Acre Lane" not in inst.cluster.dump_data(inst.dbname)


@test
def test_reporter_answers_and_flags_keep_the_day_only():
    """The moderators read when the reporter answered them, and when a member flagged an
    alert, to the day: a time to the minute, beside members' public posts, would point at
    the reporter (or the flagger) whom the node keeps from them"""
    aid = file_alert(c["rose"], area="Stratford", summary="Filmed me without asking.")
    assert c["mod"].post("/admin/alerts/%s/ask" % aid, {"text": "Which night?"}).status == 303
    assert c["rose"].post("/alerts/%s/reply" % aid, {"text": "The Friday."}).status == 303
    rows = inst.psql("SELECT from_reporter, extract(epoch FROM created_at)::bigint %% 86400"
                     " FROM alert_messages WHERE alert_id = %s ORDER BY id" % aid)
    assert [r[0] for r in rows] == ["f", "t"], rows
    assert rows[1][1] == "0", ("the reporter's answer keeps its time", rows)
    assert c["mod"].post("/admin/alerts/%s/publish" % aid, review_form(aid)).status == 303
    assert c["lily"].post("/alerts/%s/flag" % aid, {"text": "Not a client."}).status == 303
    assert inst.scalar("SELECT extract(epoch FROM created_at)::bigint %% 86400 FROM alert_flags"
                       " WHERE alert_id = %s" % aid) == "0"
    page = c["mod"].get("/admin/alerts/%s" % aid).text
    assert "The Friday." in page and "Not a client." in page


@test
def test_expired_alert_leaves_notifications():
    """The notification of a new alert in a followed area goes from the member's list once
    the alert has expired, as when it is withdrawn"""
    assert c["lily"].post("/alerts/areas", {"area": "Bethnal Green"}).status == 303
    aid = file_alert(c["rose"], area="Bethnal Green", summary="Would not leave when asked.")
    assert c["mod"].post("/admin/alerts/%s/publish" % aid, review_form(aid)).status == 303
    link = 'href="/alerts/%s"' % aid
    assert link in c["lily"].get("/notifications").text
    inst.psql("UPDATE alerts SET expires_at = now() - interval '1 minute' WHERE id = %s" % aid)
    page = c["lily"].get("/notifications").text
    assert link not in page and "Bethnal Green" not in page, "an expired alert's notification"


def shared(peer, n, **over):
    """A Create of a BadDateAlert from peer's instance actor, its id <peer>/alerts/shared/n."""
    oid = "%s/alerts/shared/%s" % (peer.peer.base, n)
    obj = {"id": oid, "type": "BadDateAlert", "happenedOn": today(-1), "partOfDay": "",
           "area": "Dalston", "categories": ["violence"], "severity": "high",
           "content": "A partner's alert %s." % n, "phones": "+447700900555", "handles": "",
           "emails": "", "plates": "", "names": "", "vehicle": "", "description": "",
           "firstContact": "", "endTime": "2099-01-01T00:00:00Z"}
    obj.update(over)
    return {"@context": ["https://www.w3.org/ns/activitystreams",
                         {"parasol": "urn:parasol:ns#",
                          "BadDateAlert": "parasol:BadDateAlert"}],
            "id": "%s#Create/%s" % (oid, n), "type": "Create", "actor": peer.uri,
            "to": [harness.instance_base(inst) + "/actor"], "object": obj}


def inbox_idle():
    return inst.scalar("SELECT count(*) FROM jobs WHERE kind = 'inbox'") == "0"


def partner_alert(uri):
    rows = inst.psql("SELECT id, state, extract(epoch FROM expires_at)::bigint, summary"
                     " FROM alerts WHERE partner_uri = '%s'" % uri)
    return rows[0] if rows else None


@test
def test_partner_cannot_renew_past_our_period():
    """A partner's alert lives no longer here than our own period (12 months): published, and
    again when the partner renews it with an endTime decades away"""
    p1 = peers["p1"]
    act = shared(p1, "renew")
    uri = act["object"]["id"]
    r = p1.send(act)
    assert r.status == 202, (r, r.body[:300])
    harness.wait_for(lambda: partner_alert(uri), WAIT, what="the partner's alert")
    aid = partner_alert(uri)[0]
    r = c["mod"].post("/admin/alerts/%s/publish" % aid, review_form(aid))
    assert r.status == 303, (r, r.text[:500])
    cap = CLOCK["now"] + 366 * DAY
    assert int(partner_alert(uri)[2]) <= cap, partner_alert(uri)
    update = shared(p1, "renew")
    update["type"], update["id"] = "Update", uri + "#Update/1"
    r = p1.send(update)
    assert r.status == 202, r
    harness.wait_for(inbox_idle, WAIT, what="the Update applied")
    row = partner_alert(uri)
    assert row[1] == "published" and int(row[2]) <= cap, (
        "a partner's Update outlives our own period", row, cap)


@test
def test_forged_partner_activities_store_nothing():
    """A partner's alert with an id on another origin, Updates and Deletes of another
    partner's alert, coordinates or a street address in the area, oversized or malformed
    fields, a non-partner's instance actor: refused, nothing stored or changed; a replayed
    Create stores one alert"""
    p1, p2, stranger = peers["p1"], peers["p2"], peers["stranger"]
    act = shared(p1, "mine")
    uri = act["object"]["id"]
    assert p1.send(act).status == 202
    harness.wait_for(lambda: partner_alert(uri), WAIT, what="p1's alert")
    assert p1.send(act).status == 202  # a replay
    harness.wait_for(inbox_idle, WAIT, what="the replay applied")
    assert inst.scalar("SELECT count(*) FROM alerts WHERE partner_uri = '%s'" % uri) == "1"
    original = partner_alert(uri)
    before = alerts()
    # p2 claims p1's alert: an Update with p1's id, a Create with an id on p1's origin
    hijack = shared(p1, "mine", content="p2 rewrote this.")
    hijack["type"], hijack["actor"] = "Update", p2.uri
    r = p2.send(hijack)
    assert r.status == 403, r
    other = shared(p1, "planted")
    other["actor"] = p2.uri
    r = p2.send(other)
    assert r.status == 403, r
    # p2 deletes p1's alert
    r = p2.send({"@context": "https://www.w3.org/ns/activitystreams",
                 "id": p2.peer.base + "/d#1", "type": "Delete", "actor": p2.uri,
                 "object": uri})
    assert r.status in (202, 403), r
    # a stranger's instance actor (allowlisted, no partner)
    r = stranger.send(shared(stranger, "s1"))
    assert r.status == 403, r
    bad = [{"area": "51.5074, -0.1278"}, {"area": "12 High Street"},
           {"area": "https://maps.example/?q=51.5,-0.1"}, {"area": "///filled.count.soap"},
           {"area": "GV8C+XQ Dalston"}, {"area": "５１．５０７４，－０．１２７８"},
           {"content": "x" * 2001}, {"content": ""}, {"content": 7},
           {"categories": ["violence"] * 9}, {"categories": ["rudeness"]},
           {"categories": "violence"}, {"severity": "extreme"},
           {"happenedOn": today(3)}, {"happenedOn": "yesterday"},
           {"endTime": None}, {"endTime": "soon"}, {"phones": "call me"},
           {"names": "n" * 501}, {"id": p1.peer.base + "/" + "x" * 1200}]
    for i, over in enumerate(bad):
        act = shared(p1, "bad%d" % i)
        for k, v in over.items():
            if v is None:
                del act["object"][k]
            else:
                act["object"][k] = v
        r = p1.send(act)
        assert r.status in (400, 403, 413, 422), (over, r)
    harness.wait_for(inbox_idle, WAIT, what="the inbox")
    assert alerts() == before, "a forged or malformed alert was stored"
    assert partner_alert(uri) == original, "another partner changed p1's alert"
    assert "p2 rewrote" not in inst.cluster.dump_data(inst.dbname)



def deliveries_done():
    return inst.scalar("SELECT count(*) FROM jobs WHERE kind = 'deliver'") == "0"


@test
def test_withdrawal_reaches_partner_that_stopped_marking_us():
    """A partner that got an alert and then stopped marking us still gets its withdrawal
    (a Delete carries only the random name it already knows); it gets no new alert"""
    p1 = peers["p1"]
    aid = file_alert(c["rose"], area="Walthamstow", summary="Grabbed my wrist, would not pay.",
                     consent_partners="on")
    assert c["mod"].post("/admin/alerts/%s/publish" % aid, review_form(aid)).status == 303
    creates = lambda: [a for a in p1.peer.activities("Create")  # noqa: E731
                       if a["object"].get("area") == "Walthamstow"]
    harness.wait_for(creates, WAIT, what="the Create at p1")
    shared_id = creates()[0]["object"]["id"]
    p1.marks_us = False
    try:
        aid2 = file_alert(c["rose"], area="Leyton", summary="Took the money back.",
                          consent_partners="on")
        assert c["mod"].post("/admin/alerts/%s/publish" % aid2,
                             review_form(aid2)).status == 303
        assert c["rose"].post("/alerts/%s/withdraw" % aid, {}).status == 303
        harness.wait_for(deliveries_done, WAIT, what="the deliveries")
        deletes = [a for a in p1.peer.activities("Delete") if a.get("object") == shared_id]
        assert deletes, "the withdrawal never reached the partner that holds the alert"
        assert not [a for a in p1.peer.activities("Create")
                    if a["object"].get("area") == "Leyton"], "a new alert went to p1"
    finally:
        p1.marks_us = True


@test
def test_queued_create_of_withdrawn_alert_never_sent():
    """A partner is down when an alert is published; the reporter withdraws it before the
    retried Create goes: the Create is dropped (it would arrive after, or without, the
    Delete and leave the partner holding what the reporter took back); the Delete goes"""
    p2 = peers["p2"]
    p2.peer.inbox_status = 503
    try:
        aid = file_alert(c["rose"], area="Hoxton", summary="Hid a camera in the room.",
                         consent_partners="on")
        assert c["mod"].post("/admin/alerts/%s/publish" % aid, review_form(aid)).status == 303
        hoxton = lambda: [a for a in p2.peer.activities("Create")  # noqa: E731
                          if a["object"].get("area") == "Hoxton"]
        harness.wait_for(hoxton, WAIT, what="a first try of the Create at p2")
        shared_id = hoxton()[0]["object"]["id"]
        assert c["rose"].post("/alerts/%s/withdraw" % aid, {}).status == 303
    finally:
        p2.peer.inbox_status = 202
    harness.wait_for(deliveries_done, WAIT, what="the deliveries")
    assert [a["_answered"] for a in hoxton()] == [503] * len(hoxton()), (
        "the Create of a withdrawn alert reached the partner")
    deletes = [a for a in p2.peer.activities("Delete") if a.get("object") == shared_id]
    assert deletes and deletes[-1]["_answered"] == 202, deletes


@test
def test_unmarked_partner_alerts_leave():
    """An admin stops sharing with a partner: the alerts it sent leave with it (we would no
    longer hear it withdraw them): gone for members, from lookups, with their identifiers"""
    p2 = peers["p2"]
    act = shared(p2, "leaving", area="Peckham", phones="+447700900777")
    uri = act["object"]["id"]
    assert p2.send(act).status == 202
    harness.wait_for(lambda: partner_alert(uri), WAIT, what="p2's alert")
    aid = partner_alert(uri)[0]
    assert c["mod"].post("/admin/alerts/%s/publish" % aid, review_form(aid)).status == 303
    assert c["lily"].get("/alerts/%s" % aid).status == 200
    r = c["admin"].post("/admin/alert-partners", {"domain": p2.peer.domain, "partner": ""})
    assert r.status == 303, r
    assert inst.scalar("SELECT count(*) FROM alert_partners WHERE domain = '%s'"
                       % p2.peer.domain) == "0"
    assert c["lily"].get("/alerts/%s" % aid).status == 404
    r = c["lily"].get("/alerts/lookup?kind=phone&value=07700900777")
    assert r.status == 200 and "/alerts/%s" % aid not in r.text, r
    assert partner_alert(uri) is None, "the former partner's alert is still here"
    assert inst.scalar("SELECT count(*) FROM alert_identifiers WHERE alert_id = %s" % aid) == "0"
    # and a new one from it is refused
    assert p2.send(shared(p2, "after")).status == 403


if __name__ == "__main__":
    sys.exit(suite.run(setup))
