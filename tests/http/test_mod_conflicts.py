"""Moderators with a stake in what they decide, and the two-person rule, attacked on a real
server: a moderator can't decide their own appeal, approve or refuse an action proposed on
their own account, or read, claim, note or dismiss reports about themselves (nor see who
filed them); an action waiting for a second moderator is not an answer to the reports it
came from: the item stays open and held, the reporters hear nothing until it is approved,
and after a refusal the item is still there to decide.

rose and uma report; lou is reported; keeper and warden moderate; boss is the admin."""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("mod_conflicts")
test = suite.test
inst = harness.Instance(suite, "mod_conflicts")
c = {}
ZH = harness.po_translations("zh_CN")


def setup():
    inst.setup()
    inst.start_server()
    for name in ("rose", "uma", "lou"):
        c[name] = harness.member(inst, name)
    for name in ("keeper", "warden", "mallow"):
        c[name] = harness.member(inst, name, role="moderator")
    c["boss"] = harness.member(inst, "boss", role="admin")
    harness.assert_status(c["boss"].post("/admin/rules", {"title": "Be kind", "text": ""}),
                          303, "rule")


def rule():
    return inst.scalar("SELECT id FROM rules ORDER BY position LIMIT 1")


def account_id(name):
    return inst.scalar("SELECT id FROM accounts WHERE username = '%s' AND domain IS NULL" % name)


def count(sql):
    return int(inst.scalar(sql))


def set_setting(key, value):
    harness.db_change(inst, "INSERT INTO instance_settings VALUES ('%s', '%s')"
                      " ON CONFLICT (key) DO UPDATE SET value = '%s'" % (key, value, value),
                      "settings")


def report(client, sid, comment):
    return client.post("/statuses/%s/report" % sid, [("rule", rule()), ("comment", comment)])


def item_of(sid):
    return inst.scalar("SELECT min(id) FROM reports WHERE status_id = %s AND group_id IS NULL"
                       % sid)


def report_notices(name):
    return count("SELECT count(*) FROM notifications WHERE type = 'report' AND account_id = %s"
                 % account_id(name))


@test
def test_no_decision_on_own_appeal():
    """the admin hides a moderator's post; the moderator appeals and can't decide the appeal
    (403, still open, the post still hidden); another moderator can"""
    sid = harness.post_and_get_id(inst, c["keeper"], "keeper", "keeper's own post")
    r = c["boss"].post("/statuses/%s/report" % sid, [("rule", rule()), ("comment", "hm")])
    harness.assert_status(r, 303, "report")
    r = c["boss"].post("/admin/queue/%s/act" % item_of(sid),
                       [("kind", "hide"), ("reason", "Not kind"), ("rule", rule())])
    harness.assert_status(r, 303, "hide")
    action = inst.scalar("SELECT id FROM mod_actions WHERE status_id = %s" % sid)
    harness.assert_status(c["keeper"].post("/moderation/actions/%s/appeal" % action,
                                           {"text": "It was kind"}), 303, "appeal")
    r = c["keeper"].post("/admin/appeals/%s" % action,
                         {"outcome": "grant", "decision": "I agree with me"})
    harness.assert_status(r, 403, "deciding one's own appeal")
    assert "another moderator must decide it" in r.text, r.text
    zh = harness.member(inst, "keeper", lang="zh-CN", create=False)
    msg = "This is your own appeal: another moderator must decide it."
    assert ZH.get(msg) and ZH[msg] in zh.post("/admin/appeals/%s" % action, {
        "outcome": "grant", "decision": "x"}).text
    assert inst.scalar("SELECT state FROM appeals WHERE action_id = %s" % action) == "open"
    assert inst.scalar("SELECT mod_hidden FROM statuses WHERE id = %s" % sid) == "t"
    assert inst.scalar("SELECT state FROM mod_actions WHERE id = %s" % action) == "done"
    r = c["warden"].post("/admin/appeals/%s" % action,
                         {"outcome": "grant", "decision": "Fair enough"})
    harness.assert_status(r, 303, "another moderator decides")
    assert inst.scalar("SELECT state FROM appeals WHERE action_id = %s" % action) == "granted"


@test
def test_no_approval_of_an_action_on_oneself():
    """with the two-person rule, the admin proposes to suspend mallow (a moderator): mallow
    can neither refuse nor approve it, nor see it among the pending actions; warden
    approves"""
    set_setting("two_person_rule", "true")
    try:
        r = c["boss"].post("/admin/accounts/%s/act" % account_id("mallow"),
                           [("kind", "suspend"), ("reason", "Outing members"),
                            ("rule", rule()), ("suspend_days", "3")])
        harness.assert_status(r, 303, "propose")
        action = inst.scalar("SELECT id FROM mod_actions WHERE kind = 'suspend' AND state ="
                             " 'pending' AND target_account_id = %s" % account_id("mallow"))
        assert action, "no pending action"
        queue = c["mallow"].get("/admin/queue")
        harness.assert_status(queue, 200, "mallow's queue")
        assert "/admin/actions/%s/" % action not in queue.text
        for verb in ("reject", "approve"):
            r = c["mallow"].post("/admin/actions/%s/%s" % (action, verb), {})
            harness.assert_status(r, 403, "the target's " + verb)
            assert "Another moderator must decide an action on your own account" in r.text
            assert inst.scalar("SELECT state FROM mod_actions WHERE id = %s" % action) == \
                "pending"
        assert inst.scalar("SELECT suspended_at IS NULL FROM accounts WHERE id = %s"
                           % account_id("mallow")) == "t"
        assert "/admin/actions/%s/" % action in c["warden"].get("/admin/queue").text
        harness.assert_status(c["warden"].post("/admin/actions/%s/approve" % action, {}), 303,
                              "a second moderator approves")
        assert inst.scalar("SELECT state FROM mod_actions WHERE id = %s" % action) == "done"
    finally:
        set_setting("two_person_rule", "false")


@test
def test_reports_about_oneself():
    """rose reports a post of warden's: warden doesn't see the item in the queue, can't open
    it (403, nor its take-over page, so not who reported), can't claim, note or dismiss it
    (403, nothing written, still open); keeper dismisses it"""
    sid = harness.post_and_get_id(inst, c["warden"], "warden", "warden's reported post")
    harness.assert_status(report(c["rose"], sid, "warden is unkind"), 303, "report")
    item = item_of(sid)
    queue = c["warden"].get("/admin/queue").text
    assert "item-%s" % item not in queue and "unkind" not in queue
    assert "item-%s" % item in c["keeper"].get("/admin/queue").text
    for path in ("/admin/queue/%s" % item, "/admin/queue/%s/take-over" % item):
        r = c["warden"].get(path)
        harness.assert_status(r, 403, path)
        assert "rose" not in r.text and "unkind" not in r.text
    zh = harness.member(inst, "warden", lang="zh-CN", create=False)
    msg = "Another moderator must handle reports about you."
    assert ZH.get(msg) and ZH[msg] in zh.get("/admin/queue/%s" % item).text
    actions = count("SELECT count(*) FROM mod_actions")
    r = c["warden"].post("/admin/queue/%s/claim" % item, {})
    harness.assert_status(r, 403, "claim of a report about oneself")
    for kind in ("dismiss", "note"):
        r = c["warden"].post("/admin/queue/%s/act" % item, [("kind", kind), ("reason", "no")])
        harness.assert_status(r, 403, kind + " of a report about oneself")
        assert "rose" not in r.text
    assert count("SELECT count(*) FROM mod_actions") == actions
    assert inst.scalar("SELECT state || coalesce(claimed_by::text, '-') FROM reports WHERE"
                       " id = %s" % item) == "open-"
    r = c["keeper"].post("/admin/queue/%s/act" % item,
                         [("kind", "dismiss"), ("reason", "Nothing unkind")])
    harness.assert_status(r, 303, "another moderator dismisses")
    assert inst.scalar("SELECT state FROM reports WHERE id = %s" % item) == "closed"


@test
def test_own_moderation_page():
    """the admin writes a private note on keeper's account: keeper can't open the moderation
    page of their own account (403, the note not shown) nor act there; warden can read it"""
    keeper = account_id("keeper")
    r = c["boss"].post("/admin/accounts/%s/act" % keeper,
                       [("kind", "note"), ("reason", "Watch keeper's temper")])
    harness.assert_status(r, 303, "note")
    r = c["keeper"].get("/admin/accounts/%s" % keeper)
    harness.assert_status(r, 403, "one's own moderation page")
    assert "temper" not in r.text
    n = count("SELECT count(*) FROM mod_actions")
    r = c["keeper"].post("/admin/accounts/%s/act" % keeper, [("kind", "note"), ("reason", "")])
    harness.assert_status(r, 403, "acting on oneself with a bad form")
    assert count("SELECT count(*) FROM mod_actions") == n
    assert "temper" in c["boss"].get("/admin/accounts/%s" % keeper).text


@test
def test_pending_action_is_not_an_answer():
    """with the two-person rule, keeper proposes to suspend lou from rose's and uma's
    reports: the item stays open with its evidence, held by keeper; nobody else acts on it
    meanwhile and keeper can't act twice; rose and uma hear nothing; warden refuses: the item
    is still open and nobody is told; keeper proposes again, warden approves: the item
    closes and each reporter hears once"""
    set_setting("two_person_rule", "true")
    try:
        sid = harness.post_and_get_id(inst, c["lou"], "lou", "lou names a member's client")
        report(c["rose"], sid, "names a client")
        report(c["uma"], sid, "same")
        item = item_of(sid)
        before = {n: report_notices(n) for n in ("rose", "uma")}
        suspend = [("kind", "suspend"), ("reason", "Outing"), ("rule", rule()),
                   ("suspend_days", "2")]
        r = c["keeper"].post("/admin/queue/%s/act" % item, suspend)
        harness.assert_status(r, 303, "propose")
        assert "action_pending" in harness.location_path(r)
        assert inst.scalar("SELECT state FROM reports WHERE id = %s" % item) == "open"
        assert inst.scalar("SELECT snap_status_content IS NOT NULL FROM reports WHERE id = %s"
                           % item) == "t", "the evidence went with a pending action"
        assert inst.scalar("SELECT claimed_by FROM reports WHERE id = %s" % item) == \
            account_id("keeper")
        assert {n: report_notices(n) for n in before} == before, "told of a pending action"
        # nobody acts on it meanwhile: not another moderator, not keeper again
        n = count("SELECT count(*) FROM mod_actions")
        r = c["warden"].post("/admin/queue/%s/act" % item, [("kind", "dismiss"),
                                                            ("reason", "fine")])
        harness.assert_status(r, 409, "another moderator acting on a held item")
        r = c["keeper"].post("/admin/queue/%s/act" % item, [("kind", "dismiss"),
                                                            ("reason", "fine")])
        harness.assert_status(r, 409, "the proposer acting again")
        assert "waits for a second moderator" in r.text
        assert count("SELECT count(*) FROM mod_actions") == n
        action = inst.scalar("SELECT id FROM mod_actions WHERE report_id = %s AND state ="
                             " 'pending'" % item)
        harness.assert_status(c["warden"].post("/admin/actions/%s/reject" % action, {}), 303,
                              "refuse")
        assert inst.scalar("SELECT state FROM reports WHERE id = %s" % item) == "open"
        assert {n: report_notices(n) for n in before} == before, "told of a refused action"
        assert inst.scalar("SELECT suspended_at IS NULL FROM accounts WHERE id = %s"
                           % account_id("lou")) == "t"
        # decided again, approved this time
        harness.assert_status(c["keeper"].post("/admin/queue/%s/act" % item, suspend), 303,
                              "propose again")
        action = inst.scalar("SELECT id FROM mod_actions WHERE report_id = %s AND state ="
                             " 'pending'" % item)
        harness.assert_status(c["warden"].post("/admin/actions/%s/approve" % action, {}), 303,
                              "approve")
        assert inst.scalar("SELECT state FROM reports WHERE id = %s" % item) == "closed"
        for name in before:
            assert report_notices(name) == before[name] + 1, name
            page = c[name].get("/notifications").text
            assert "The moderators reviewed a report you sent and acted on it." in page
        assert inst.scalar("SELECT suspended_at IS NOT NULL FROM accounts WHERE id = %s"
                           % account_id("lou")) == "t"
    finally:
        set_setting("two_person_rule", "false")


if __name__ == "__main__":
    sys.exit(suite.run(setup))
