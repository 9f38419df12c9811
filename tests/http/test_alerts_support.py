"""Support workers and bad-date alerts (issue 14, core/roles.h): admins mark an account as a
support worker and take the mark back, each logged with its reason in the admins' log of
role changes and never in the members' moderation log; only a marked account may file an
alert for a member, and only when it ticks that the member agreed; moderators see that a
support worker filed it, never who, and other members don't see it at all. Also: two
moderators deciding the same alert (the second gets 409 and nothing changes)."""

import os
import re
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("alerts_support")
test = suite.test
inst = harness.Instance(suite, "alerts_support", page_cache_seconds=0)
c = {}
ids = {}
SUPPORT_NOTE = "Filed by a support worker for a member who agreed."


def today(offset_days=0):
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + offset_days * 86400))


def setup():
    inst.setup()
    inst.start_server()
    c["sam"] = harness.member(inst, "sam")        # becomes a support worker
    c["rose"] = harness.member(inst, "rose")      # a member who is not one
    c["lily"] = harness.member(inst, "lily")      # reads published alerts
    c["mod"] = harness.member(inst, "mona", role="moderator")
    c["mod2"] = harness.member(inst, "milo", role="moderator")
    c["admin"] = harness.member(inst, "ada", role="admin")
    ids["sam"] = inst.scalar("SELECT id FROM accounts WHERE username = 'sam'")


def fields(**over):
    f = {"happened_on": today(-3), "part_of_day": "evening", "area": "Camden",
         "categories": "stalking", "severity": "medium",
         "summary": "Kept calling after I said no.", "phones": "07700 900456",
         "consent_members": "on"}
    f.update(over)
    return [(k, v) for k, v in f.items() if v is not None]


def count(sql):
    return int(inst.scalar(sql))


def file_ok(client, **over):
    r = client.post("/alerts", fields(**over))
    assert r.status == 303, (r, r.text[:1500])
    m = re.match(r"^/alerts/(\d+)(\?|$)", harness.location_path(r))
    assert m, r.header("Location")
    return m.group(1)


@test
def test_members_cannot_file_for_a_member():
    """A member who is not marked doesn't see the choice, and a forged for_member (even with
    the agreement ticked) is refused with the reason, nothing stored"""
    page = c["rose"].get("/alerts/new").text
    assert 'name="for_member"' not in page and 'name="member_agreed"' not in page
    before = count("SELECT count(*) FROM alerts")
    r = c["rose"].post("/alerts", fields(for_member="on", member_agreed="on"))
    assert r.status == 422, r
    assert "Only accounts an admin marked as support workers" in r.text, r.text[:2000]
    assert count("SELECT count(*) FROM alerts") == before


@test
def test_admin_marks_a_support_worker():
    """Only an admin marks; the mark is logged with its reason on the roles page and not in
    the members' moderation log; a second mark is a 409 that logs nothing"""
    form = {"member": "sam", "reason": "Outreach worker at the drop-in."}
    r = c["mod"].post("/admin/roles/support-workers", form)
    assert r.status == 403, r
    assert count("SELECT count(*) FROM support_workers") == 0
    for bad, why in (({"member": "sam", "reason": "  "}, "Give a reason"),
                     ({"member": "nobody", "reason": "x"}, "No account has that name."),
                     ({"member": "sam@elsewhere.example", "reason": "x"}, None)):
        r = c["admin"].post("/admin/roles/support-workers", bad)
        assert r.status in (404, 422), (bad, r)
        if why:
            assert why in r.text, (bad, r.text[:1500])
    assert count("SELECT count(*) FROM support_workers") == 0
    r = c["admin"].post("/admin/roles/support-workers", {"member": "nobody", "reason": "x"})
    assert harness.form_fields(r.text).get("member") == "nobody", "the form lost the name"
    r = c["admin"].post("/admin/roles/support-workers", form)
    assert r.status == 303, (r, r.text[:1500])
    assert count("SELECT count(*) FROM support_workers WHERE account_id = %s" % ids["sam"]) == 1
    assert inst.scalar("SELECT reason FROM mod_actions WHERE kind = 'grant_support_worker'"
                       " AND target_account_id = %s" % ids["sam"]) == form["reason"]
    r = c["admin"].post("/admin/roles/support-workers", {"member": "@Sam", "reason": "again"})
    assert r.status == 409, r
    assert count("SELECT count(*) FROM mod_actions WHERE kind = 'grant_support_worker'") == 1
    page = c["admin"].get("/admin/roles").text
    assert 'id="support-%s"' % ids["sam"] in page
    assert "@sam was marked as a support worker" in page
    assert "Outreach worker at the drop-in." in page
    log = c["lily"].get("/moderation/log").text
    assert "Outreach worker" not in log and "support worker" not in log.lower()


@test
def test_support_worker_files_for_a_member():
    """The marked account sees the choice; filing for a member without ticking the agreement is
    refused, nothing stored; with it the alert is filed, moderators read that a support worker
    filed it (never who), members reading the published alert don't"""
    page = c["sam"].get("/alerts/new").text
    assert 'name="for_member"' in page and 'name="member_agreed"' in page
    before = count("SELECT count(*) FROM alerts")
    r = c["sam"].post("/alerts", fields(for_member="on"))
    assert r.status == 422, r
    assert "Tick that the member agreed" in r.text
    assert count("SELECT count(*) FROM alerts") == before
    aid = file_ok(c["sam"], for_member="on", member_agreed="on")
    ids["alert"] = aid
    assert inst.scalar("SELECT for_member FROM alerts WHERE id = %s" % aid) == "t"
    own = file_ok(c["sam"], area="Islington")  # a support worker's own alert stays theirs
    assert inst.scalar("SELECT for_member FROM alerts WHERE id = %s" % own) == "f"
    review = c["mod"].get("/admin/alerts/%s" % aid).text
    assert SUPPORT_NOTE in review
    assert "@sam" not in review and "/@sam" not in review
    assert SUPPORT_NOTE not in c["mod"].get("/admin/alerts/%s" % own).text
    r = c["mod"].post("/admin/alerts/%s/publish" % aid, {"area": "Camden",
                                                         "summary": "Kept calling after I said no."})
    assert r.status == 303, (r, r.text[:1500])
    page = c["lily"].get("/alerts/%s" % aid)
    assert page.status == 200, page
    assert "support worker" not in page.text.lower()


@test
def test_second_moderator_gets_409():
    """Two moderators decide the same alert: the one who comes second (publish with a
    redaction, decline) gets 409, and the alert, its redactions and its log are unchanged"""
    aid = ids["alert"]
    snap = "SELECT state, summary, decline_reason, published_at FROM alerts WHERE id = %s" % aid
    before = inst.psql(snap)
    nred = count("SELECT count(*) FROM alert_redactions WHERE alert_id = %s" % aid)
    nlog = count("SELECT count(*) FROM alert_log WHERE alert_id = %s" % aid)
    r = c["mod2"].post("/admin/alerts/%s/publish" % aid,
                       {"area": "Camden", "summary": "A different account of it."})
    assert r.status == 409, r
    assert re.search(r'id="conflict-error">Only an alert waiting for review can be published.'
                     r' It changed while you were reading it', r.text), r.text[:3000]
    r = c["mod2"].post("/admin/alerts/%s/decline" % aid, {"text": "Out of scope."})
    assert r.status == 409, r
    assert 'id="conflict-error">Only an alert waiting for review can be declined.' in r.text
    assert inst.psql(snap) == before
    assert count("SELECT count(*) FROM alert_redactions WHERE alert_id = %s" % aid) == nred
    assert count("SELECT count(*) FROM alert_log WHERE alert_id = %s" % aid) == nlog


@test
def test_support_worker_edits_and_revocation():
    """The support worker's edit keeps the alert filed for a member; once the mark is taken
    back (logged), they can't file for a member any more and don't see the choice"""
    aid = ids["alert"]
    page = c["sam"].get("/alerts/%s/edit" % aid).text
    assert re.search(r'name="for_member"[^>]*checked', page), page[:3000]
    r = c["sam"].post("/alerts/%s/edit" % aid, fields(for_member="on", member_agreed="on",
                                                      summary="Kept calling, then texted."))
    assert r.status == 303, (r, r.text[:1500])
    r = c["admin"].post("/admin/roles/%s/support-worker/revoke" % ids["sam"], {"reason": ""})
    assert r.status == 422, r
    assert count("SELECT count(*) FROM support_workers") == 1
    r = c["admin"].post("/admin/roles/%s/support-worker/revoke" % ids["sam"],
                        {"reason": "Left the project."})
    assert r.status == 303, r
    assert count("SELECT count(*) FROM support_workers") == 0
    assert count("SELECT count(*) FROM mod_actions WHERE kind = 'revoke_support_worker'") == 1
    assert "@sam is no longer a support worker" in c["admin"].get("/admin/roles").text
    r = c["admin"].post("/admin/roles/%s/support-worker/revoke" % ids["sam"],
                        {"reason": "Again."})
    assert r.status == 409, r
    assert 'name="for_member"' not in c["sam"].get("/alerts/new").text
    before = count("SELECT count(*) FROM alerts")
    r = c["sam"].post("/alerts", fields(for_member="on", member_agreed="on"))
    assert r.status == 422, r
    assert count("SELECT count(*) FROM alerts") == before


def claim_state(aid):
    return inst.psql("SELECT state, COALESCE(claimed_by::text, ''), summary FROM alerts"
                     " WHERE id = %s" % aid)[0]


def log_of(aid):
    return inst.psql("SELECT l.action, a.username FROM alert_log l JOIN accounts a"
                     " ON a.id = l.moderator_id WHERE l.alert_id = %s ORDER BY l.id" % aid)


@test
def test_claim_and_take_over():
    """Like reports, an alert in review is claimed: while one moderator handles it, another's
    publish, decline and question get 409 and change nothing, a claim too; a take-over names
    the holder the page showed (a stale or malformed one is refused); releases and decisions
    end the claim; every step is in the alert's log; the reporter sees none of it"""
    aid = file_ok(c["lily"], area="Kentish Town", summary="Would not leave.")
    mona = inst.scalar("SELECT id FROM accounts WHERE username = 'mona'")
    milo = inst.scalar("SELECT id FROM accounts WHERE username = 'milo'")
    base = "/admin/alerts/%s" % aid
    assert 'name="op" value="claim"' in c["mod"].get(base).text
    r = c["mod"].post(base + "/claim", {"op": "steal"})
    assert r.status == 422, r
    assert claim_state(aid)[1] == ""
    r = c["mod"].post(base + "/claim", {"op": "claim"})
    assert r.status == 303, r
    assert claim_state(aid)[1] == mona
    assert c["mod"].post(base + "/claim", {"op": "claim"}).status == 303  # held already
    page = c["mod2"].get(base).text
    assert "@mona is handling this alert" in page, page[:3000]
    assert 'name="holder" value="%s"' % mona in page
    assert "Handled by @mona" in c["mod2"].get("/admin/alerts").text
    before, nlog = claim_state(aid), len(log_of(aid))
    nmsg = int(inst.scalar("SELECT count(*) FROM alert_messages WHERE alert_id = %s" % aid))
    for path, form in (("/publish", {"area": "Kentish Town", "summary": "Changed by milo."}),
                       ("/decline", {"text": "Out of scope."}), ("/ask", {"text": "When?"}),
                       ("/claim", {"op": "claim"}), ("/claim", {"op": "release"}),
                       ("/claim", {"op": "take_over", "holder": milo})):
        r = c["mod2"].post(base + path, form)
        assert r.status == 409, (path, form, r)
        assert claim_state(aid) == before, (path, form)
    r = c["mod2"].post(base + "/claim", {"op": "take_over", "holder": "abc"})
    assert r.status == 422, r
    assert claim_state(aid) == before and len(log_of(aid)) == nlog
    assert int(inst.scalar("SELECT count(*) FROM alert_messages WHERE alert_id = %s"
                           % aid)) == nmsg
    r = c["mod2"].post(base + "/publish", {"area": "Kentish Town", "summary": "x"})
    assert "Another moderator is handling this alert: take it over to act on it." in r.text
    r = c["mod2"].post(base + "/claim", {"op": "take_over", "holder": mona})
    assert r.status == 303, r
    assert claim_state(aid)[1] == milo
    r = c["mod"].post(base + "/decline", {"text": "Out of scope."})
    assert r.status == 409, r
    assert c["mod"].post(base + "/claim", {"op": "release"}).status == 409
    assert c["mod2"].post(base + "/claim", {"op": "release"}).status == 303
    assert claim_state(aid)[1] == ""
    assert c["mod"].post(base + "/claim", {"op": "claim"}).status == 303
    r = c["mod"].post(base + "/decline", {"text": "Out of scope."})
    assert r.status == 303, r
    assert claim_state(aid)[:2] == ["declined", ""]
    r = c["mod"].post(base + "/claim", {"op": "claim"})
    assert r.status == 409, r  # decided: nothing to handle
    assert log_of(aid) == [["claim", "mona"], ["take_over", "milo"], ["release", "milo"],
                           ["claim", "mona"], ["decline", "mona"]], log_of(aid)
    mine = c["lily"].get("/alerts/%s" % aid).text
    assert "milo" not in mine and "mona" not in mine


@test
def test_deletion_removes_the_mark():
    """Deleting a support worker's account removes the mark; deleting a moderator's ends
    their claims"""
    mod3 = harness.member(inst, "maud", role="moderator")
    aid = file_ok(c["lily"], area="Hoxton", summary="Grabbed my arm.")
    assert mod3.post("/admin/alerts/%s/claim" % aid, {"op": "claim"}).status == 303
    assert claim_state(aid)[1] != ""
    r = mod3.post("/settings/delete", {"password": harness.PASSWORD})
    assert r.status in (200, 303), (r, r.text[:1500])
    assert claim_state(aid)[1] == ""
    r = c["admin"].post("/admin/roles/support-workers", {"member": "rose", "reason": "Helps."})
    assert r.status == 303, r
    rid = inst.scalar("SELECT id FROM accounts WHERE username = 'rose'")
    r = c["rose"].post("/settings/delete", {"password": harness.PASSWORD})
    assert r.status in (200, 303), (r, r.text[:1500])
    assert count("SELECT count(*) FROM support_workers WHERE account_id = %s" % rid) == 0


harness.add_server_end_tests(suite, lambda: inst.server)


if __name__ == "__main__":
    sys.exit(suite.run(setup))
