"""One time format on every page (issue 11): within the last day a relative form ("just now",
"5 min ago", "5 h ago"), older times as date and time in the reader's time zone (their
setting, else the node's, from the tz database), always inside <time datetime="...Z">."""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("time_format")
test = suite.test
inst = harness.Instance(suite, "time_format")
ZH = harness.po_translations("zh_CN")
c = {}
WINTER = "2026-01-15T10:00:00Z"
SUMMER = "2026-07-15T10:00:00Z"


def setup():
    inst.setup()
    inst.start_server()
    c["admin"] = harness.member(inst, "boss", role="admin")
    c["ann"] = harness.member(inst, "ann")
    c["bea"] = harness.member(inst, "bea")


def set_node_zone(zone):
    harness.db_change(inst, "INSERT INTO instance_settings VALUES ('time_zone', '%s')"
                      " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value" % zone,
                      "settings")


def preferences(client, zone):
    return client.post("/settings/preferences", {"language": "", "default_visibility": "public",
                                                  "time_zone": zone})


def time_of(page, iso):
    """The text of the <time> whose datetime is iso."""
    m = re.search(r'<time datetime="%s">([^<]*)</time>' % re.escape(iso), page)
    assert m, "no <time datetime=%r> on the page" % iso
    return m.group(1)


def post_at(who, text, iso):
    sid = harness.post_and_get_id(inst, c[who], who, text)
    inst.psql("UPDATE statuses SET created_at = '%s' WHERE id = %s" % (iso, sid))
    return sid


@test
def test_old_times_in_the_readers_zone():
    """a post older than a day shows its date and time in the reader's zone: UTC by default
    (marked UTC), the member's own zone, else the node's, with daylight saving time from the
    tz database; <time datetime> keeps the UTC instant"""
    w = post_at("ann", "winter post", WINTER)
    s = post_at("ann", "summer post", SUMMER)
    visitor = harness.WebClient(inst.port)
    assert time_of(visitor.get("/@ann/%s" % w).text, WINTER) == "2026-01-15 10:00 UTC"
    r = preferences(c["bea"], "Asia/Shanghai")
    assert r.status == 303, r
    assert inst.scalar("SELECT time_zone FROM accounts WHERE username = 'bea'") == \
        "Asia/Shanghai"
    assert time_of(c["bea"].get("/@ann/%s" % w).text, WINTER) == "2026-01-15 18:00"
    set_node_zone("Europe/Berlin")
    try:
        assert time_of(visitor.get("/@ann/%s" % w).text, WINTER) == "2026-01-15 11:00"
        assert time_of(visitor.get("/@ann/%s" % s).text, SUMMER) == "2026-07-15 12:00"
        assert time_of(c["ann"].get("/@ann/%s" % s).text, SUMMER) == "2026-07-15 12:00"
        # the member's own zone wins over the node's
        assert time_of(c["bea"].get("/@ann/%s" % s).text, SUMMER) == "2026-07-15 18:00"
        page = c["ann"].get("/@ann").text
        assert time_of(page, WINTER) == "2026-01-15 11:00"
    finally:
        set_node_zone("UTC")


@test
def test_notifications_use_the_same_format():
    """notifications show times like posts do (not raw ISO text): relative within a day, in
    English and Chinese, and the date and time in the member's zone after that"""
    harness.post_and_get_id(inst, c["bea"], "bea", "hello @ann")
    page = c["ann"].get("/notifications").text
    m = re.search(r'<time datetime="(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)">([^<]*)</time>', page)
    assert m, page
    iso, shown = m.groups()
    assert re.fullmatch(r"just now|\d+ min ago", shown), shown
    assert iso not in re.sub(r"<[^>]+>", " ", page), "raw ISO time shown as text"
    inst.psql("UPDATE notifications SET created_at = now() - interval '5 hours'"
              " WHERE account_id = (SELECT id FROM accounts WHERE username = 'ann')")
    assert ">5 h ago</time>" in c["ann"].get("/notifications").text
    zh = harness.WebClient(inst.port, lang="zh-CN")
    zh.cookies = dict(c["ann"].cookies)
    assert ">%s</time>" % ZH["{n} h ago"].replace("{n}", "5") in zh.get("/notifications").text
    inst.psql("UPDATE notifications SET created_at = '%s'"
              " WHERE account_id = (SELECT id FROM accounts WHERE username = 'ann')" % WINTER)
    assert preferences(c["ann"], "America/New_York").status == 303
    assert time_of(c["ann"].get("/notifications").text, WINTER) == "2026-01-15 05:00"
    assert preferences(c["ann"], "").status == 303
    assert inst.scalar("SELECT time_zone IS NULL FROM accounts WHERE username = 'ann'") == "t"
    assert time_of(c["ann"].get("/notifications").text, WINTER) == "2026-01-15 10:00 UTC"


@test
def test_bad_time_zones_refused():
    """a zone the tz database doesn't know, or a path, is refused with 422 next to its field;
    nothing changes; the admin's node zone is checked the same way"""
    assert preferences(c["bea"], "Asia/Shanghai").status == 303
    for bad in ("Mars/Olympus_Mons", "../../etc/passwd", "Asia/Shanghai; DROP", "x" * 70,
                "/Asia/Shanghai"):
        r = preferences(c["bea"], bad)
        assert r.status == 422, (bad, r)
        assert re.search(r'<p class="error" role="alert" id="time_zone-error">Unknown time zone'
                         r'[^<]*</p>\s*<input id="time_zone"[^>]*autofocus', r.text), r.text[:300]
        assert 'action="/settings/preferences"' in r.text
    assert inst.scalar("SELECT time_zone FROM accounts WHERE username = 'bea'") == \
        "Asia/Shanghai"
    text = c["admin"].get("/admin/settings").text
    fields = {k: v for k, v in harness.form_fields(text).items()}
    fields.pop("csrf", None)
    fields.update(registration_mode="invite", default_language="en",
                  default_visibility="public", time_zone="Nowhere/Land")
    r = c["admin"].post("/admin/settings", fields)
    assert r.status == 422 and "Unknown time zone" in r.text, r
    assert inst.scalar("SELECT count(*) FROM instance_settings WHERE key = 'time_zone'"
                       " AND value = 'Nowhere/Land'") == "0"


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
