"""Bad-date alerts (issue 14, core/alerts.h): filing and validation, the moderators' review
(publish, redact, ask, decline, flags), who sees what (visitors, API clients, suspended
members and other members get nothing but published alerts; nobody learns the reporter), the
screening lookup's normalisation, expiry on an injected clock and renewal, withdrawal, area
subscriptions, the printable digest, account deletion and export, and hostile input."""

import html
import io
import json
import os
import re
import sys
import time
import urllib.parse
import zipfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apiclient  # noqa: E402
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("alerts")
test = suite.test
inst = harness.Instance(suite, "alerts", page_cache_seconds=0)
DAY = 86400
CLOCK = {"now": int(time.time())}
c = {}
ids = {}


def set_clock(t):
    CLOCK["now"] = t
    tmp = CLOCK["path"] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % t)
    os.replace(tmp, CLOCK["path"])


def today(offset_days=0):
    return time.strftime("%Y-%m-%d", time.gmtime(CLOCK["now"] + offset_days * DAY))


def setup():
    inst.setup()
    CLOCK["path"] = os.path.join(inst.tmp, "clock")
    set_clock(CLOCK["now"])
    inst.env = {"PARASOL_TEST_CLOCK_FILE": CLOCK["path"]}
    inst.start_server()
    c["rose"] = harness.member(inst, "rose")      # files alerts
    c["lily"] = harness.member(inst, "lily")      # another member
    c["mod"] = harness.member(inst, "mona", role="moderator")
    c["admin"] = harness.member(inst, "ada", role="admin")
    c["dee"] = harness.member(inst, "dee")        # suspended below
    c["visitor"] = harness.WebClient(inst.port)


def alert_fields(**over):
    f = [("happened_on", today(-2)), ("part_of_day", "night"), ("area", "Hackney"),
         ("categories", "violence"), ("categories", "robbery"), ("severity", "high"),
         ("summary", "Refused to pay, then pushed me against a wall."),
         ("phones", "+44 7700 900123"), ("handles", "@BadDate99"),
         ("emails", "Client@Mail.Example"), ("plates", "ab12 cde"),
         ("names", "Dave"), ("vehicle", "silver hatchback"), ("description", "tall, beard"),
         ("first_contact", "a classifieds site"), ("consent_members", "on")]
    d = {}
    for k, v in over.items():
        d[k] = v
    out = [(k, v) for k, v in f if k not in d]
    for k, v in d.items():
        if v is None:
            continue
        if isinstance(v, list):
            out += [(k, x) for x in v]
        else:
            out.append((k, v))
    return out


def count(table):
    return int(inst.scalar("SELECT count(*) FROM %s" % table))


def file_alert(client, **over):
    r = client.post("/alerts", alert_fields(**over))
    assert r.status == 303, (r, r.text[:2000])
    m = re.match(r"^/alerts/(\d+)(\?|$)", harness.location_path(r))
    assert m, r.header("Location")
    return m.group(1)


def publish(aid, fields):
    """The moderator publishes alert aid with the text fields of the publish form."""
    return c["mod"].post("/admin/alerts/%s/publish" % aid, fields)


@test
def test_filing_and_visibility_before_review():
    """A member files an alert: it waits for a moderator, its reporter and the moderators see
    it, another member, a visitor, a suspended member and the API get 404 as if nothing
    existed; identifiers are stored only as keyed hashes"""
    aid = file_alert(c["rose"])
    ids["first"] = aid
    assert inst.scalar("SELECT state FROM alerts WHERE id = %s" % aid) == "pending"
    digests = inst.psql("SELECT kind, digest FROM alert_identifiers WHERE alert_id = %s"
                        " ORDER BY kind" % aid)
    assert sorted(k for k, _ in digests) == ["email", "handle", "phone", "plate"], digests
    dump = inst.cluster.dump_data(inst.dbname)
    for norm in ("+447700900123", "baddate99", "client@mail.example", "AB12CDE"):
        assert norm not in dump, "%s is stored readable outside the alert" % norm
    mine = c["rose"].get("/alerts/%s" % aid)
    assert mine.status == 200 and "Refused to pay" in mine.text, mine
    assert "waits for a moderator" in mine.text
    assert c["mod"].get("/admin/alerts/%s" % aid).status == 200
    for who in ("lily", "visitor"):
        r = c[who].get("/alerts/%s" % aid)
        assert r.status == 404, (who, r)
        assert "Refused to pay" not in r.text
    r = c["visitor"].get("/alerts")
    assert r.status == 404, r
    r = c["lily"].get("/alerts")
    assert r.status == 200 and "Refused to pay" not in r.text, r
    r = c["lily"].get("/admin/alerts")
    assert r.status == 404, r
    for path in ("/api/v1/alerts", "/api/v1/alerts/%s" % aid, "/users/rose/alerts"):
        r = harness.request(inst.port, "GET", path, {"Accept": "application/json"})
        assert r.status == 404, (path, r)
    r = c["rose"].get("/alerts/mine")
    assert r.status == 200 and "/alerts/%s" % aid in r.text, r


@test
def test_validation_refuses_and_stores_nothing():
    """Coordinates and street addresses in the area are refused with an explanation;
    oversize fields, unknown categories and severities, a future date, junk identifiers and
    a missing CSRF token are refused; nothing is stored"""
    before = count("alerts")
    cases = [
        ({"area": "51.5074, -0.1278"}, "without coordinates"),
        ({"area": "12 High Street"}, "Leave out house numbers"),
        ({"area": "Leeds LS1 4AP"}, "full postcodes"),
        ({"categories": ["violence", "rudeness"]}, "categories from the list"),
        ({"categories": None}, "at least one category"),
        ({"severity": "extreme"}, "severity from the list"),
        ({"summary": "x" * 2001}, "1 to 2000 characters"),
        ({"summary": "  "}, "1 to 2000 characters"),
        ({"vehicle": "v" * 201}, "at most 200"),
        ({"happened_on": today(5)}, "in the future"),
        ({"happened_on": "2026-02-30"}, "year, month and day"),
        ({"phones": "call me"}, "phone number"),
        ({"emails": "nobody"}, "email address"),
        ({"part_of_day": "dawn"}, "part of the day"),
    ]
    for over, words in cases:
        r = c["rose"].post("/alerts", alert_fields(**over))
        assert r.status == 422, (over, r)
        assert words in html.unescape(r.text), (over, words, re.findall(
            r'class="error"[^>]*>([^<]*)', r.text))
    r = c["rose"].post("/alerts", alert_fields(), csrf=False)
    assert r.status == 403, r
    r = c["rose"].request("POST", "/alerts", b'{"area": "Hackney"}',
                          {"Content-Type": "application/json"})
    assert r.status in (403, 422), r
    r = c["rose"].request("POST", "/alerts", b"%zz=1",
                          {"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status in (400, 403), r
    for path in ("/alerts/12345", "/alerts/not-an-id", "/alerts/-1/edit",
                 "/admin/alerts/99999999999999999999"):
        assert c["mod"].get(path).status == 404, path
    r = c["rose"].post("/alerts/12345/withdraw", {})
    assert r.status == 404, r
    assert count("alerts") == before, "a refused alert was stored"


@test
def test_review_publish_with_redaction_anonymous():
    """A moderator publishes with a redaction: members see the redacted alert, the version
    before is kept for the moderators, the log names the moderator but never the reporter,
    and no page, JSON or list member see names the reporter"""
    aid = ids["first"]
    page = c["mod"].get("/admin/alerts/%s" % aid)
    assert page.status == 200 and "The reporter is not shown" in page.text, page
    assert "rose" not in page.text, "the reporter is shown to moderators by default"
    fields = {"area": "Hackney", "summary": "Refused to pay, then pushed me.",
              "phones": "+44 7700 900123", "handles": "@BadDate99",
              "emails": "Client@Mail.Example", "names": "", "vehicle": "silver hatchback",
              "plates": "ab12 cde", "description": "tall, beard",
              "first_contact": "a classifieds site"}
    r = c["mod"].post("/admin/alerts/%s/publish" % aid, fields)
    assert r.status == 303, (r, r.text[:1500])
    assert inst.scalar("SELECT state FROM alerts WHERE id = %s" % aid) == "published"
    before = inst.scalar("SELECT before->>'names' FROM alert_redactions WHERE alert_id = %s" % aid)
    assert before == "Dave", before
    page = c["mod"].get("/admin/alerts/%s" % aid)
    assert "Before the redactions" in page.text and "Dave" in page.text
    r = c["lily"].get("/alerts/%s" % aid)
    assert r.status == 200, r
    assert "Refused to pay, then pushed me." in r.text and "against a wall" not in r.text
    assert "Dave" not in r.text
    for client, path in ((c["lily"], "/alerts/%s" % aid), (c["lily"], "/alerts"),
                         (c["lily"], "/alerts/lookup?kind=phone&value=07700900123"),
                         (c["lily"], "/alerts/digest"), (c["mod"], "/admin/alerts/%s" % aid)):
        text = client.get(path).text
        assert "rose" not in text.lower(), (path, "names the reporter")
    r = c["lily"].get("/alerts/%s" % aid, {"Accept": "application/json"})
    assert "rose" not in r.text.lower()
    log = inst.psql("SELECT action, reason FROM alert_log WHERE alert_id = %s ORDER BY id" % aid)
    assert [a for a, _ in log] == ["redact", "publish"], log
    assert all("rose" not in (x or "") for row in log for x in row)


@test
def test_lookup_normalises():
    """'+44 7700 900123', '07700 900123' and '447700900123' find the same alert (country
    GB); a handle with and without '@' and in another case too; plates without spaces"""
    aid = ids["first"]
    for kind, value in (("phone", "+44 7700 900123"), ("phone", "07700 900123"),
                        ("phone", "447700900123"), ("handle", "baddate99"),
                        ("handle", "@BADDATE99"), ("email", "client@mail.example"),
                        ("plate", "AB12CDE"), ("plate", "ab-12 cde")):
        r = c["lily"].get("/alerts/lookup?" + urllib.parse.urlencode(
            {"kind": kind, "value": value}))
        assert r.status == 200 and "/alerts/%s" % aid in r.text, (kind, value, r)
    r = c["lily"].get("/alerts/lookup?kind=phone&value=07700900999")
    assert r.status == 200 and "/alerts/%s" % aid not in r.text and "No alert names" in r.text
    r = c["lily"].get("/alerts/lookup?kind=phone&value=not+a+number")
    assert r.status == 422, r
    r = c["lily"].get("/alerts/lookup?kind=shoe&value=42")
    assert r.status == 422, r
    r = c["visitor"].get("/alerts/lookup?kind=phone&value=07700900123")
    assert r.status == 404 and "Hackney" not in r.text, r


@test
def test_node_country_setting():
    """With the node's country set to US, a national US number matches its +1 form; the
    admin form refuses an unknown country and a bad expiry"""
    r = c["admin"].post("/admin/alert-settings", {"country": "XX", "expiry_months": "12"})
    assert r.status == 422, r
    r = c["admin"].post("/admin/alert-settings", {"country": "US", "expiry_months": "0"})
    assert r.status == 422, r
    r = c["mod"].post("/admin/alert-settings", {"country": "US", "expiry_months": "12"})
    assert r.status == 404, r
    r = c["admin"].post("/admin/alert-settings", {"country": "US", "expiry_months": "12"})
    assert r.status == 303, r
    aid = file_alert(c["rose"], phones="(202) 555-0123", area="Mission District")
    assert publish(aid, {"area": "Mission District",
                         "summary": "Refused to pay, then pushed me against a wall.",
                         "phones": "(202) 555-0123", "handles": "@BadDate99",
                         "emails": "Client@Mail.Example", "names": "Dave",
                         "vehicle": "silver hatchback", "plates": "ab12 cde",
                         "description": "tall, beard",
                         "first_contact": "a classifieds site"}).status == 303
    r = c["lily"].get("/alerts/lookup?kind=phone&value=%2B1+202+555+0123")
    assert "/alerts/%s" % aid in r.text, r
    r = c["admin"].post("/admin/alert-settings", {"country": "GB", "expiry_months": "12"})
    assert r.status == 303, r
    ids["us"] = aid


@test
def test_ask_reply_decline_never_shown():
    """A moderator asks a question: the reporter reads it from 'a moderator' and answers;
    the moderator reads the answer from 'the reporter'. A declined alert is never shown to
    members, and its reporter reads the reason"""
    aid = file_alert(c["rose"], area="Soho", summary="Followed me home after.")
    r = c["mod"].post("/admin/alerts/%s/ask" % aid, {"text": "Which night was it?"})
    assert r.status == 303, r
    page = c["rose"].get("/alerts/%s" % aid).text
    assert "Which night was it?" in page and "A moderator" in page and "mona" not in page
    r = c["rose"].post("/alerts/%s/reply" % aid, {"text": "The Friday."})
    assert r.status == 303, r
    page = c["mod"].get("/admin/alerts/%s" % aid).text
    assert "The Friday." in page and "The reporter" in page
    r = c["lily"].post("/alerts/%s/reply" % aid, {"text": "me too"})
    assert r.status == 404, r
    r = c["mod"].post("/admin/alerts/%s/decline" % aid, {"text": ""})
    assert r.status == 422, r
    r = c["mod"].post("/admin/alerts/%s/decline" % aid, {"text": "Out of scope."})
    assert r.status == 303, r
    assert c["lily"].get("/alerts/%s" % aid).status == 404
    assert "Followed me home" not in c["lily"].get("/alerts?area=Soho").text
    page = c["rose"].get("/alerts/%s" % aid).text
    assert "Out of scope." in page
    r = c["mod"].post("/admin/alerts/%s/publish" % aid, {"area": "Soho",
                                                         "summary": "Followed me home after."})
    assert r.status == 409, r
    assert c["lily"].get("/alerts/%s" % aid).status == 404


@test
def test_no_consent_no_publication():
    """An alert filed without consent to members seeing it can't be published"""
    aid = file_alert(c["rose"], consent_members=None, area="Brixton")
    r = c["mod"].post("/admin/alerts/%s/publish" % aid, {"area": "Brixton",
                                                         "summary": "x"})
    assert r.status == 422, r
    assert inst.scalar("SELECT state FROM alerts WHERE id = %s" % aid) == "pending"


@test
def test_flags_go_to_the_queue():
    """A member flags a published alert: it is in the moderators' queue until they close the
    flags; the flagger is not named there"""
    aid = ids["first"]
    r = c["lily"].post("/alerts/%s/flag" % aid, {"text": "This is my neighbour, not a client."})
    assert r.status == 303, r
    q = c["mod"].get("/admin/alerts").text
    assert "/admin/alerts/%s" % aid in q and "Flagged" in q
    page = c["mod"].get("/admin/alerts/%s" % aid).text
    assert "not a client" in page and "lily" not in page
    r = c["mod"].post("/admin/alerts/%s/close-flags" % aid, {"text": "Checked: it stays."})
    assert r.status == 303, r
    assert "/admin/alerts/%s" % aid not in c["mod"].get("/admin/alerts").text
    r = c["lily"].post("/alerts/%s/flag" % aid, {"text": ""})
    assert r.status == 422, r


@test
def test_alert_notification_never_reaches_apps():
    """the notification of a new alert in a followed area reaches no app: not the stream
    (a later follow notification arrives with nothing before it), not GET by its id"""
    import http.client
    assert c["lily"].post("/alerts/areas", {"area": "Islington"}).status == 303
    token = apiclient.password_token(inst.port, "lily", scope="read")
    conn = http.client.HTTPConnection("127.0.0.1", inst.port, timeout=60)
    conn.request("GET", "/api/v1/streaming/user/notification",
                 headers={"Authorization": "Bearer " + token})
    resp = conn.getresponse()
    assert resp.status == 200, resp.status
    assert resp.readline().startswith(b":"), "the stream's first comment"
    aid = file_alert(c["rose"], area="Islington", summary="Followed her to the station.")
    assert publish(aid, {"area": "Islington", "summary": "Followed her to the station.",
                         "phones": "", "handles": "", "emails": "", "names": "",
                         "vehicle": "", "plates": "", "description": "",
                         "first_contact": ""}).status == 303
    nid = inst.scalar("SELECT id FROM notifications WHERE alert_id = %s" % aid)
    assert nid, "no notification of the alert on the web side"
    assert c["mod"].post("/@lily/follow", {}).status == 303
    seen = []
    while True:
        line = resp.readline().decode()
        assert line, "the stream ended before the follow notification"
        if line.startswith("data: "):
            doc = json.loads(line[6:])
            seen.append(doc.get("type"))
            if doc.get("type") == "follow":
                break
    conn.close()
    assert seen == ["follow"], seen
    r = harness.request(inst.port, "GET", "/api/v1/notifications/%s" % nid,
                        {"Authorization": "Bearer " + token})
    assert r.status == 404, r
    assert c["lily"].post("/alerts/areas/remove", {"area": "islington"}).status == 303


@test
def test_subscription_and_digest():
    """A member follows an area; an alert published there afterwards shows as new; the
    printable digest has one section per area and a print stylesheet that starts each on a
    page of its own"""
    r = c["lily"].post("/alerts/areas", {"area": "  CAMDEN "})
    assert r.status == 303, r
    assert c["rose"].post("/alerts/areas", {"area": "Camden"}).status == 303
    aid = file_alert(c["rose"], area="Camden", summary="Took the money back by force.")
    assert publish(aid, {"area": "Camden", "summary": "Took the money back by force.",
                         "phones": "", "handles": "", "emails": "", "names": "",
                         "vehicle": "", "plates": "", "description": "",
                         "first_contact": ""}).status == 303
    note = c["lily"].get("/notifications").text
    assert "A new alert in an area you follow" in note and 'href="/alerts/%s"' % aid in note
    assert 'href="/alerts/%s"' % aid not in c["rose"].get("/notifications").text, \
        "the reporter was told of their own alert"
    assert inst.scalar("SELECT count(*) FROM notifications WHERE alert_id = %s" % aid) == "1"
    # the client API gets nothing of alerts, not even the notification
    token = apiclient.password_token(inst.port, "lily", scope="read")
    auth = {"Authorization": "Bearer " + token}
    r = harness.request(inst.port, "GET", "/api/v1/notifications", auth)
    assert r.status == 200 and "alert" not in r.text and "Camden" not in r.text, r.text
    for path in ("/api/v1/alerts", "/api/v1/alerts/%s" % aid):
        assert harness.request(inst.port, "GET", path, auth).status == 404, path
    page = c["lily"].get("/alerts").text
    assert "1 new" in page, re.findall(r"Areas you follow.*?</section>", page, re.S)
    r = c["lily"].get("/alerts?area=camden")
    assert "Took the money back" in r.text and "You follow this area" in r.text
    assert "1 new" not in c["lily"].get("/alerts").text, "reading the area keeps it new"
    d = c["lily"].get("/alerts/digest")
    assert d.status == 200, d
    areas = re.findall(r'<section class="digest-area">\s*<h2>([^<]*)</h2>', d.text)
    assert "Camden" in areas and "Hackney" in areas, areas
    css = harness.request(inst.port, "GET", "/static/parasol.css").text
    m = re.search(r"@media print \{(.*?)\n\}", css, re.S)
    assert m and ".digest-area" in m.group(1) and "break-before: page" in m.group(1), m
    r = c["lily"].post("/alerts/areas/remove", {"area": "camden"})
    assert r.status == 303, r


@test
def test_expiry_and_renewal():
    """With the clock moved past the node's period (12 months) an alert leaves lists,
    lookups and its page for members; the reporter still sees it and renews it"""
    aid = ids["first"]
    start = CLOCK["now"]
    set_clock(start + 366 * DAY)
    try:
        assert c["lily"].get("/alerts/%s" % aid).status == 404
        r = c["lily"].get("/alerts/lookup?kind=phone&value=07700900123")
        assert "/alerts/%s" % aid not in r.text
        assert "/alerts/%s" % aid not in c["lily"].get("/alerts").text
        page = c["rose"].get("/alerts/%s" % aid)
        assert page.status == 200 and "has expired" in page.text, page
        r = c["lily"].post("/alerts/%s/renew" % aid, {})
        assert r.status == 404, r
        r = c["rose"].post("/alerts/%s/renew" % aid, {})
        assert r.status == 303, r
        assert c["lily"].get("/alerts/%s" % aid).status == 200
        left = int(inst.scalar("SELECT extract(epoch FROM expires_at)::bigint FROM alerts"
                               " WHERE id = %s" % aid)) - CLOCK["now"]
        assert 364 * DAY <= left <= 367 * DAY, left  # to the end of a day (core/alerts.h)
    finally:
        set_clock(start)


@test
def test_edit_and_withdraw():
    """The reporter edits an alert (back to review) and withdraws it: members see it no
    more; nobody else can edit or withdraw it"""
    aid = ids["us"]
    r = c["lily"].post("/alerts/%s/withdraw" % aid, {})
    assert r.status == 404, r
    r = c["lily"].post("/alerts/%s/edit" % aid, alert_fields(area="Mission District"))
    assert r.status == 404, r
    r = c["rose"].post("/alerts/%s/edit" % aid, alert_fields(area="12 Valencia Street"))
    assert r.status == 422, r
    r = c["rose"].post("/alerts/%s/edit" % aid, alert_fields(area="Mission District",
                                                            summary="Edited account."))
    assert r.status == 303, r
    assert inst.scalar("SELECT state FROM alerts WHERE id = %s" % aid) == "pending"
    assert c["lily"].get("/alerts/%s" % aid).status == 404
    r = c["rose"].post("/alerts/%s/withdraw" % aid, {})
    assert r.status == 303, r
    assert inst.scalar("SELECT state FROM alerts WHERE id = %s" % aid) == "withdrawn"
    r = c["rose"].post("/alerts/%s/edit" % aid, alert_fields(area="Mission District"))
    assert r.status == 409, r


@test
def test_suspended_member_gets_nothing():
    """A suspended member gets 404 for every alert page, as if alerts didn't exist"""
    for path in ("/alerts", "/alerts/%s" % ids["first"], "/alerts/new",
                 "/alerts/lookup?kind=phone&value=07700900123"):
        assert c["dee"].get(path).status == 200 or path != "/alerts"
    inst.psql("UPDATE accounts SET suspended_at = now() WHERE username = 'dee'")
    for path in ("/alerts", "/alerts/%s" % ids["first"], "/alerts/new", "/alerts/digest",
                 "/alerts/lookup?kind=phone&value=07700900123", "/admin/alerts"):
        r = c["dee"].get(path)
        assert r.status == 404, (path, r)
        assert "Hackney" not in r.text


@test
def test_moderators_see_reporter_only_when_enabled():
    """With alerts_show_reporter on, the moderators' pages name the reporter; members'
    pages still don't"""
    r = c["admin"].post("/admin/alert-settings", {"country": "GB", "expiry_months": "12",
                                                  "show_reporter": "on"})
    assert r.status == 303, r
    aid = ids["first"]
    assert "Filed by @rose" in html.unescape(c["mod"].get("/admin/alerts/%s" % aid).text)
    assert "rose" not in c["lily"].get("/alerts/%s" % aid).text.lower()
    r = c["admin"].post("/admin/alert-settings", {"country": "GB", "expiry_months": "12"})
    assert r.status == 303, r
    assert "Filed by" not in c["mod"].get("/admin/alerts/%s" % aid).text


@test
def test_export_has_own_alerts():
    """The export's alerts.json holds the member's own alerts (with the thread), and nobody
    else's"""
    r = c["rose"].post("/settings/export", {"password": harness.PASSWORD})
    assert r.status == 200, r
    z = zipfile.ZipFile(io.BytesIO(r.body))
    alerts = json.loads(z.read("alerts.json"))
    mine = {a["id"]: a for a in alerts}
    assert ids["first"] in mine and mine[ids["first"]]["area"] == "Hackney", alerts
    assert any(m["text"] == "The Friday." for a in alerts for m in a["messages"]), alerts
    r = c["lily"].post("/settings/export", {"password": harness.PASSWORD})
    assert json.loads(zipfile.ZipFile(io.BytesIO(r.body)).read("alerts.json")) == []


@test
def test_deletion_keeps_alert_without_reporter():
    """Deleting the reporter's account keeps their published alerts, with nothing linking them
    to the account; their subscriptions go"""
    c2 = harness.member(inst, "iris")
    aid = file_alert(c2, area="Peckham", summary="Stole my phone.")
    assert publish(aid, {"area": "Peckham", "summary": "Stole my phone.", "phones": "",
                         "handles": "", "emails": "", "names": "", "vehicle": "",
                         "plates": "", "description": "", "first_contact": ""}).status == 303
    assert c2.post("/alerts/areas", {"area": "Peckham"}).status == 303
    r = c2.post("/settings/delete", {"password": harness.PASSWORD})
    assert r.status == 303, r
    assert inst.scalar("SELECT reporter_id IS NULL FROM alerts WHERE id = %s" % aid) == "t"
    assert inst.scalar("SELECT state FROM alerts WHERE id = %s" % aid) == "published"
    assert inst.scalar("SELECT count(*) FROM alert_subscriptions s JOIN accounts a"
                       " ON a.id = s.account_id WHERE a.username LIKE '\\_gone\\_%'") == "0"
    assert c["lily"].get("/alerts/%s" % aid).status == 200


if __name__ == "__main__":
    sys.exit(suite.run(setup))
