"""Malformed bad-date alerts from a real partner (issue 14, ap/alerts.c): a fake peer that
this node marked as an alert partner sends BadDateAlert activities signed by its instance
actor (<base>/actor, its key served there), as a partner does. A well-formed one is taken
(it waits for review), proving the signature path; every malformed one (oversized fields,
coordinates or a street address in the area, an unknown category or severity, missing
fields, wrong types, a single value where a list is usual, an id on another server, a date
in the future, an expiry in the past, a body too large or not JSON) is refused with a
precise 4xx and a reason, and nothing is written: no alert, no identifier digest, no job, no
seen activity."""

import copy
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("alerts_malformed")
test = suite.test
B = harness.peer_instance(suite, "alerts_malformed", page_cache_seconds="0")
DAY = 86400
state = {}
TABLES = ("alerts", "alert_identifiers", "jobs", "activities_seen", "accounts")


def setup():
    B.setup()
    B.start_server()
    fake = harness.FakePeer(suite)
    actor = fake.add_instance_actor()
    harness.allow_peer(B, fake.domain)
    B.psql("INSERT INTO alert_partners (domain) VALUES ('%s')" % fake.domain)
    state["fake"], state["actor"] = fake, actor


def good(n):
    base = state["fake"].base + "/alerts/shared/" + n
    return {"@context": "https://www.w3.org/ns/activitystreams",
            "id": base + "#Create/" + n, "type": "Create", "actor": state["actor"].uri,
            "object": {"id": base, "type": "BadDateAlert",
                       "happenedOn": time.strftime("%Y-%m-%d", time.gmtime(time.time() - DAY)),
                       "partOfDay": "night", "area": "Hackney",
                       "categories": ["violence", "robbery"], "severity": "high",
                       "content": "Refused to pay and pushed me.",
                       "phones": "+447700900123", "handles": "baddate99", "emails": "",
                       "plates": "AB12CDE", "names": "", "vehicle": "", "description": "",
                       "firstContact": "",
                       "endTime": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                time.gmtime(time.time() + 90 * DAY))}}


def snapshot():
    return {t: B.scalar("SELECT count(*) FROM %s" % t) for t in TABLES}


def oversize():
    """An alert activity whose declared body is past the limit: answered before it is sent."""
    s = harness.raw_connect(B.port)
    try:
        s.sendall(("POST /actor/inbox HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Content-Type: application/activity+json\r\n"
                   "Content-Length: %d\r\n\r\n" % (2 * 1024 * 1024)).encode())
        return harness.read_response(s)
    finally:
        s.close()


def send(act):
    return state["actor"].post(B.port, "/actor/inbox", act)


@test
def test_a_good_alert_is_taken():
    """The control: a well-formed alert signed by the partner's instance actor is accepted
    and waits for review here"""
    r = send(good("control"))
    assert r.status in (200, 202), (r, r.body[:500])
    harness.wait_for(lambda: B.scalar("SELECT count(*) FROM alerts") == "1", 30,
                     what="the alert stored")
    assert B.scalar("SELECT state FROM alerts") == "pending"
    harness.wait_for(lambda: B.scalar("SELECT count(*) FROM jobs") == "0", 30,
                     what="the inbox job done")


def with_object(n, **changes):
    act = good(n)
    for k, v in changes.items():
        if v is DROP:
            del act["object"][k]
        else:
            act["object"][k] = v
    return act


DROP = object()
CASES = [
    # (name, object changes, the reason's words)
    ("area too long", {"area": "Hackney " + "x" * 80}, b"area"),
    ("content too long", {"content": "word " * 401}, b"2000"),
    ("phones too long", {"phones": ",".join(["+4477009%05d" % i for i in range(40)])}, b""),
    ("eleven phones", {"phones": ",".join(["+447700900%03d" % i for i in range(11)])}, b""),
    ("coordinates in the area", {"area": "51.5072, -0.1276"}, b"coordinates"),
    ("a map link in the area", {"area": "https://maps.example/?q=51.5,-0.12"}, b""),
    ("a street address in the area", {"area": "12 Acre Lane"}, b""),
    ("an unknown category", {"categories": ["violence", "kidnap"]}, b"categor"),
    ("too many categories", {"categories": ["violence"] * 9}, b"categor"),
    ("an unknown severity", {"severity": "apocalyptic"}, b"severity"),
    ("an unknown part of day", {"partOfDay": "midnight"}, b"part of the day"),
    ("a date in the future", {"happenedOn": time.strftime(
        "%Y-%m-%d", time.gmtime(time.time() + 3 * DAY))}, b"future"),
    ("a date that is no date", {"happenedOn": "2026-02-31"}, b"date"),
    ("an expiry in the past", {"endTime": "2001-01-01T00:00:00Z"}, b"endTime has passed"),
    ("an expiry that is no time", {"endTime": "soon"}, b"endTime"),
    ("no area", {"area": DROP}, b""),
    ("no content", {"content": DROP}, b""),
    ("no categories", {"categories": DROP}, b"categor"),
    ("no endTime", {"endTime": DROP}, b"endTime"),
    ("no happenedOn", {"happenedOn": DROP}, b"date"),
    ("no id", {"id": DROP}, b"no id"),
    ("a number for the area", {"area": 5}, b"wrong type"),
    ("null for the content", {"content": None}, b"wrong type"),
    ("an object for the content", {"content": {"en": "pushed me"}}, b"wrong type"),
    ("a single category, not a list", {"categories": "violence"}, b"list"),
    ("numbers as categories", {"categories": [1, 2]}, b"list"),
    ("a list of phones, not a string", {"phones": ["+447700900123"]}, b"wrong type"),
    ("a list of severities", {"severity": ["high"]}, b"wrong type"),
    ("a number as endTime", {"endTime": 4102444800}, b"endTime"),
    ("an id on another server", {"id": "https://elsewhere.example/alerts/shared/x"}, b"id"),
]


@test
def test_malformed_alerts_refused():
    """Each malformed alert from the partner's instance actor gets a 400 (403 for an id on
    another server) with a reason, and nothing is written"""
    before = snapshot()
    wrong = []
    for i, (name, changes, words) in enumerate(CASES):
        r = send(with_object("bad%d" % i, **changes))
        want = 403 if name == "an id on another server" else 400
        if r.status != want or words.lower() not in r.body.lower():
            wrong.append("%s: %d %r" % (name, r.status, r.body[:200]))
        after = snapshot()
        if after != before:
            wrong.append("%s wrote: %s -> %s" % (name, before, after))
            before = after
    assert not wrong, "\n  ".join(["%d taken:" % len(wrong)] + wrong)


@test
def test_malformed_activities_refused():
    """The activity itself malformed: not JSON, alerts in a list of objects, too large a body:
    each a 4xx and nothing written; a Create without an object stores no alert"""
    before = snapshot()
    wrong = []
    no_obj = good("noobj")
    del no_obj["object"]
    list_obj = good("listobj")
    list_obj["object"] = [list_obj["object"], copy.deepcopy(list_obj["object"])]
    for name, body in (("not JSON", b'{"type": "Create", "object": {'),
                       ("no object", no_obj), ("a list of objects", list_obj), ("2 MB", None)):
        r = send(body) if body is not None else oversize()
        if (not 400 <= r.status < 500 and body is not no_obj) or \
                (body is None and r.status != 413) or \
                (body is list_obj and b"one alert" not in r.body):
            wrong.append("%s: %d %r" % (name, r.status, r.body[:200]))
        harness.wait_for(lambda: B.scalar("SELECT count(*) FROM jobs") == "0", 30,
                         what="no job left")
        if B.scalar("SELECT count(*) FROM alerts") != before["alerts"] or \
                B.scalar("SELECT count(*) FROM alert_identifiers") != before["alert_identifiers"]:
            wrong.append("%s stored an alert" % name)
    assert not wrong, "\n  ".join(["%d taken:" % len(wrong)] + wrong)


harness.add_server_end_tests(suite, lambda: B.server)


if __name__ == "__main__":
    sys.exit(suite.run(setup))
