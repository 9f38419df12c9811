"""Moderation defects of issue 11, on a real server: the log never shows an appeal's words;
an empty report is refused; reports on one post are one queue item; a claim is a lock that
another moderator takes over only explicitly (logged), with a translated page instead of a
bare 409; the reporter hears the outcome without names; the action form keeps its ticked
rules after an error.

rose and uma report; ivy and lou are reported; keeper and warden moderate."""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("mod_defects")
test = suite.test
inst = harness.Instance(suite, "mod_defects")
c = {}
ZH = harness.po_translations("zh_CN")


def setup():
    inst.setup()
    inst.start_server()
    for name in ("rose", "uma", "ivy", "lou"):
        c[name] = harness.member(inst, name)
    c["keeper"] = harness.member(inst, "keeper", role="moderator")
    c["warden"] = harness.member(inst, "warden", role="moderator")
    c["warden_zh"] = harness.member(inst, "warden", role="moderator", lang="zh-CN",
                                    create=False)
    for title in ("Be kind", "Keep clients' details private", "No outing"):
        harness.assert_status(c["keeper"].post("/admin/rules", {"title": title, "text": ""}),
                              303, "rule " + title)


def rules():
    return [row[0] for row in inst.psql("SELECT id FROM rules ORDER BY position")]


def count(sql):
    return int(inst.scalar(sql))


def main_part(text):
    m = re.search(r"<main\b.*?</main>", text, re.S)
    return m.group(0) if m else text


def queue_items(client):
    page = client.get("/admin/queue")
    harness.assert_status(page, 200, "queue")
    return re.findall(r'<li class="queue-item" id="item-(\d+)">(.*?)</li>', page.text, re.S)


def report(client, sid, comment="", rule_ids=()):
    fields = [("rule", r) for r in rule_ids]
    if comment:
        fields.append(("comment", comment))
    return client.post("/statuses/%s/report" % sid, fields)


def leader(sid):
    """The queue item of post sid: its first open report."""
    return inst.scalar("SELECT min(id) FROM reports WHERE status_id = %s AND state = 'open'"
                       % sid)


@test
def test_empty_report_refused():
    """a report with no rule and no comment (or only white space) is refused with a clear
    422 in the member's language, the form shown again, nothing stored"""
    sid = harness.post_and_get_id(inst, c["ivy"], "ivy", "an ordinary post")
    before = count("SELECT count(*) FROM reports")
    for fields in ([], [("comment", "  \n ")]):
        r = c["rose"].post("/statuses/%s/report" % sid, fields)
        harness.assert_status(r, 422, "empty report %r" % fields)
        assert "a report with neither can&#39;t be sent" in r.text, r.text
        assert 'role="alert"' in r.text and 'name="rule"' in r.text
    r = c["rose"].post("/@ivy/report", [])
    harness.assert_status(r, 422, "empty account report")
    zh = harness.member(inst, "rose", lang="zh-CN", create=False)
    r = zh.post("/statuses/%s/report" % sid, [])
    harness.assert_status(r, 422, "empty report in zh-CN")
    msg = ("Choose the rule that is broken or write a comment: a report with neither can't be "
           "sent.")
    assert ZH.get(msg) and ZH[msg] in r.text, "untranslated"
    assert count("SELECT count(*) FROM reports") == before
    # a rule alone, or a comment alone, is enough
    harness.assert_status(report(c["rose"], sid, rule_ids=rules()[:1]), 303, "rule only")
    harness.assert_status(report(c["uma"], sid, comment="look"), 303, "comment only")
    c["keeper"].post("/admin/queue/%s/act" % leader(sid), [("kind", "dismiss"),
                                                         ("reason", "fine")])


@test
def test_reports_on_one_post_are_one_item():
    """rose and uma report one post: one queue item, '2 reports', whose page shows both
    reporters' rules and comments; a report's own address leads to the item; acting closes
    both; a report after that starts a new item"""
    ids = rules()
    sid = harness.post_and_get_id(inst, c["ivy"], "ivy", "ivy names a client")
    other = harness.post_and_get_id(inst, c["ivy"], "ivy", "another post")
    harness.assert_status(report(c["rose"], sid, "rose saw it", [ids[0]]), 303, "rose")
    harness.assert_status(report(c["uma"], sid, "uma saw it too", [ids[2]]), 303, "uma")
    harness.assert_status(report(c["uma"], other, "different post"), 303, "other post")
    items = [i for i in queue_items(c["keeper"]) if "different post" not in i[1]
             and ("rose saw it" in i[1] or "uma saw it" in i[1])]
    assert len(items) == 1, items
    item = items[0][0]
    assert item == leader(sid)
    assert "Reports in this item: 2" in items[0][1], items[0][1]
    assert count("SELECT count(*) FROM reports WHERE status_id = %s" % sid) == 2
    page = c["keeper"].get("/admin/queue/%s" % item)
    harness.assert_status(page, 200, "item")
    reports = re.findall(r'<li class="item-report" id="report-(\d+)">(.*?)\n</li>\n',
                         page.text, re.S)
    assert len(reports) == 2, page.text
    assert "Report by @rose" in reports[0][1] and "1. Be kind" in reports[0][1]
    assert "rose saw it" in reports[0][1]
    assert "Report by @uma" in reports[1][1] and "3. No outing" in reports[1][1]
    assert "uma saw it too" in reports[1][1]
    assert "Reports in this item: 2" in page.text
    # the second report's own address is the item's
    r = c["keeper"].get("/admin/queue/%s" % reports[1][0])
    harness.assert_status(r, 303, "a grouped report")
    assert r.header("Location").endswith("/admin/queue/%s#report-%s" % (item, reports[1][0]))
    # acting on the item closes both reports
    r = c["keeper"].post("/admin/queue/%s/act" % item,
                         [("kind", "hide"), ("reason", "a client's name"), ("rule", ids[1])])
    harness.assert_status(r, 303, "hide")
    assert inst.psql("SELECT DISTINCT state FROM reports WHERE status_id = %s" % sid) == [
        ["closed"]]
    assert count("SELECT count(*) FROM mod_actions WHERE status_id = %s" % sid) == 1
    # a later report on the same post is a new item
    harness.assert_status(report(c["rose"], sid, "still there"), 303, "later report")
    assert leader(sid) not in ("", item)
    c["keeper"].post("/admin/queue/%s/act" % leader(sid), [("kind", "dismiss"),
                                                         ("reason", "done")])
    c["keeper"].post("/admin/queue/%s/act" % leader(other), [("kind", "dismiss"),
                                                           ("reason", "done")])


@test
def test_two_reports_at_once_are_one_item():
    """eight reports on one post sent at the same moment make one item"""
    sid = harness.post_and_get_id(inst, c["lou"], "lou", "lou's busy post")
    names = ["p%d" % i for i in range(8)]
    clients = [harness.member(inst, n) for n in names]
    results = harness.parallel(lambda cl: report(cl, sid, "at once").status, clients, 8)
    assert results == [303] * 8, results
    assert count("SELECT count(*) FROM reports WHERE status_id = %s" % sid) == 8
    reports = set(r[0] for r in inst.psql("SELECT id FROM reports WHERE status_id = %s" % sid))
    assert len([i for i, _ in queue_items(c["keeper"]) if i in reports]) == 1
    c["keeper"].post("/admin/queue/%s/act" % leader(sid), [("kind", "dismiss"),
                                                         ("reason", "done")])


@test
def test_claim_is_a_lock():
    """keeper claims an item: warden can neither claim nor act on it (409, a translated page
    offering the take-over, nothing written); warden takes it over explicitly, which is
    recorded and shown; then keeper can't act and warden can"""
    ids = rules()
    sid = harness.post_and_get_id(inst, c["lou"], "lou", "lou's post to claim")
    harness.assert_status(report(c["rose"], sid, "claim me"), 303, "report")
    item = leader(sid)
    harness.assert_status(c["keeper"].post("/admin/queue/%s/claim" % item, {}), 303, "claim")
    # warden's claim: a translated page (zh-CN), not a bare 409
    r = c["warden_zh"].post("/admin/queue/%s/claim" % item, {})
    harness.assert_status(r, 409, "claim of a claimed item")
    msg = "Another moderator has claimed this item. Take it over to act on it."
    assert ZH.get(msg) and ZH[msg] in r.text, r.text
    assert ZH["Take it over from {claimed_by}"].replace("{claimed_by}", "keeper") in r.text
    fields = harness.form_fields(r.text)
    assert fields.get("take_over") == "1" and fields.get("holder") == inst.scalar(
        "SELECT id FROM accounts WHERE username = 'keeper'"), fields
    # warden can't act on it either
    n = count("SELECT count(*) FROM mod_actions")
    r = c["warden"].post("/admin/queue/%s/act" % item,
                         [("kind", "hide"), ("reason", "x"), ("rule", ids[0])])
    harness.assert_status(r, 409, "act on a claimed item")
    assert "Take it over from keeper" in r.text
    assert count("SELECT count(*) FROM mod_actions") == n
    assert inst.scalar("SELECT state FROM reports WHERE id = %s" % item) == "open"
    assert inst.scalar("SELECT mod_hidden FROM statuses WHERE id = %s" % sid) == "f"
    page = c["warden"].get("/admin/queue/%s" % item).text
    assert 'class="mod-action-form"' not in page and "/take-over" in page
    harness.assert_status(c["warden"].get("/admin/queue/%s/take-over" % item), 200, "page")
    # a take-over must name the holder seen
    r = c["warden"].post("/admin/queue/%s/claim" % item, {"take_over": "1"})
    harness.assert_status(r, 422, "take-over without a holder")
    r = c["warden"].post("/admin/queue/%s/claim" % item, {"take_over": "1", "holder": "12345"})
    harness.assert_status(r, 409, "take-over of a claim that changed")
    assert count("SELECT count(*) FROM queue_takeovers") == 0
    r = c["warden"].post("/admin/queue/%s/claim" % item,
                         {"take_over": "1", "holder": fields["holder"]})
    harness.assert_status(r, 303, "take over")
    assert harness.location_path(r) == "/admin/queue/%s?notice=taken_over" % item
    assert inst.scalar("SELECT a.username FROM reports r JOIN accounts a ON a.id = r.claimed_by"
                       " WHERE r.id = %s" % item) == "warden"
    assert count("SELECT count(*) FROM queue_takeovers WHERE report_id = %s" % item) == 1
    page = c["keeper"].get("/admin/queue/%s" % item).text
    assert "warden took it over from keeper on" in page
    # now keeper is the one locked out
    r = c["keeper"].post("/admin/queue/%s/act" % item,
                         [("kind", "dismiss"), ("reason", "mine")])
    harness.assert_status(r, 409, "the former holder acting")
    r = c["warden"].post("/admin/queue/%s/act" % item,
                         [("kind", "dismiss"), ("reason", "nothing wrong")])
    harness.assert_status(r, 303, "the holder acts")


@test
def test_reporter_told_the_outcome():
    """both reporters of an item are told it was answered, in their language, without the
    moderator, the reason, the post, or the reported account; a dismissal says nothing was
    needed; the reported member learns nothing of the reporters"""
    ids = rules()
    sid = harness.post_and_get_id(inst, c["lou"], "lou", "lou outs someone")
    report(c["rose"], sid, "outing", [ids[2]])
    report(c["uma"], sid, "outing too")
    before = {n: count("SELECT count(*) FROM notifications n JOIN accounts a ON a.id ="
                       " n.account_id WHERE a.username = '%s' AND n.type = 'report'" % n)
              for n in ("rose", "uma")}
    harness.assert_status(c["keeper"].post(
        "/admin/queue/%s/act" % leader(sid),
        [("kind", "delete"), ("reason", "Secret reason about lou"), ("rule", ids[2])]), 303,
        "delete")
    for name in ("rose", "uma"):
        after = count("SELECT count(*) FROM notifications n JOIN accounts a ON a.id ="
                      " n.account_id WHERE a.username = '%s' AND n.type = 'report'" % name)
        assert after == before[name] + 1, name
        page = main_part(c[name].get("/notifications").text)
        assert "The moderators reviewed a report you sent and acted on it." in page
        for secret in ("keeper", "Secret reason", "lou", "outs someone"):
            assert secret not in page, (name, secret)
    zh = harness.member(inst, "rose", lang="zh-CN", create=False)
    msg = "The moderators reviewed a report you sent and acted on it. Thank you."
    assert ZH.get(msg) and ZH[msg] in zh.get("/notifications").text
    lou = main_part(c["lou"].get("/notifications").text)
    assert "rose" not in lou and "uma" not in lou and "report" not in lou.lower()
    # a dismissal
    sid2 = harness.post_and_get_id(inst, c["lou"], "lou", "lou's harmless post")
    report(c["rose"], sid2, "hm")
    c["keeper"].post("/admin/queue/%s/act" % leader(sid2),
                     [("kind", "dismiss"), ("reason", "Nothing wrong with lou")])
    page = main_part(c["rose"].get("/notifications").text)
    assert "found nothing that needed doing" in page
    assert "Nothing wrong with lou" not in page


@test
def test_log_hides_appeal_words():
    """the moderation log says an action was appealed and how it was decided, never the
    appeal's words — not to members, not to the member who appealed, not to moderators; the
    member reads them on their own page and moderators on the appeals page"""
    ids = rules()
    words = "My sister's new address is on that post, I meant it for her"
    sid = harness.post_and_get_id(inst, c["ivy"], "ivy", "ivy's post with an address")
    report(c["rose"], sid, "address")
    c["keeper"].post("/admin/queue/%s/act" % leader(sid),
                     [("kind", "hide"), ("reason", "An address"), ("rule", ids[1])])
    action = inst.scalar("SELECT id FROM mod_actions WHERE status_id = %s" % sid)
    harness.assert_status(c["ivy"].post("/moderation/actions/%s/appeal" % action,
                                        {"text": words}), 303, "appeal")
    esc = words.replace("'", "&#39;")
    assert esc in c["ivy"].get("/moderation/mine").text
    assert esc in c["warden"].get("/admin/appeals").text
    for who in ("rose", "ivy", "keeper", "warden"):
        log = main_part(c[who].get("/moderation/log").text)
        assert "Post hidden from timelines" in log, who
        assert "Appealed on" in log and "sister" not in log, who
        assert "The appeal waits for a moderator" in log, who
    harness.assert_status(c["warden"].post("/admin/appeals/%s" % action,
                                           {"outcome": "deny", "decision": "The rule holds."}),
                          303, "deny")
    log = main_part(c["rose"].get("/moderation/log").text)
    assert "Appeal denied on" in log and "The rule holds." in log and "sister" not in log
    assert esc in c["ivy"].get("/moderation/mine").text


@test
def test_action_form_keeps_ticked_rules():
    """an action refused for a missing reason shows the form again with the rules ticked and
    the action chosen"""
    ids = rules()
    sid = harness.post_and_get_id(inst, c["lou"], "lou", "lou's post for the form")
    report(c["rose"], sid, "form")
    item = leader(sid)
    r = c["keeper"].post("/admin/queue/%s/act" % item,
                         [("kind", "hide"), ("reason", ""), ("rule", ids[0]), ("rule", ids[2])])
    harness.assert_status(r, 422, "no reason")
    ticked = re.findall(r'<input type="checkbox" id="act-rule-(\d)" name="rule" value="\d+"'
                        r' checked>', r.text)
    assert ticked == ["1", "3"], ticked
    assert re.search(r'<input type="radio" id="kind-hide" name="kind" value="hide" required'
                     r' checked>', r.text)
    # the same on an account's page
    lou = inst.scalar("SELECT id FROM accounts WHERE username = 'lou'")
    r = c["keeper"].post("/admin/accounts/%s/act" % lou,
                         [("kind", "warn"), ("reason", ""), ("rule", ids[1])])
    harness.assert_status(r, 422, "no reason")
    ticked = re.findall(r'id="act-rule-(\d)" name="rule" value="\d+" checked>', r.text)
    assert ticked == ["2"], ticked
    # a suspension's length is kept too
    r = c["keeper"].post("/admin/accounts/%s/act" % lou,
                         [("kind", "suspend"), ("reason", ""), ("rule", ids[0]),
                          ("suspend_days", "30")])
    harness.assert_status(r, 422, "no reason")
    assert '<option value="30" selected>' in r.text and re.search(
        r'<input type="radio" id="kind-suspend" name="kind" value="suspend" required checked>',
        r.text)
    assert '<option value="1" selected>' not in r.text
    c["keeper"].post("/admin/queue/%s/act" % item, [("kind", "dismiss"), ("reason", "ok")])


def confirm_step(client, path, fields, what, says):
    """Posts like the list page's button: the confirmation page (200) that says `says`,
    whose form posts path again with confirm=1, and a Cancel link; nothing changed yet.
    Returns the confirmation form's fields."""
    r = client.post(path, fields)
    harness.assert_status(r, 200, what + ": the confirmation page")
    assert says in r.text, (what, r.text)
    forms = re.findall(r'<form method="post" action="([^"]+)">(.*?)</form>', main_part(r.text),
                       re.S)
    assert [f[0] for f in forms] == [path], forms
    fields = harness.form_fields(forms[0][1])
    assert fields.get("confirm") == "1" and fields.get("csrf"), fields
    assert re.search(r'<a class="back-link" href="/admin/[a-z]+">[^<]+</a>', main_part(r.text)), "no Cancel"
    return fields


@test
def test_destructive_admin_actions_confirm():
    """removing a peer, deleting a rule, declining an application and revoking an invite each
    show a confirmation page first (no JavaScript: a second post with confirm=1); only that
    second post changes anything"""
    boss = harness.member(inst, "boss", role="admin")
    # a peer
    harness.assert_status(boss.post("/admin/peers", {"domain": "peer.example"}), 303, "add")
    path = "/admin/peers/peer.example/remove"
    confirm_step(boss, path, {}, "remove peer", "Deliveries to peer.example stop at once")
    assert count("SELECT count(*) FROM peers WHERE domain = 'peer.example'") == 1
    r = boss.post(path, {"confirm": "1"})
    harness.assert_status(r, 303, "remove peer, confirmed")
    assert count("SELECT count(*) FROM peers WHERE domain = 'peer.example'") == 0
    # a rule
    harness.assert_status(boss.post("/admin/rules", {"title": "Temporary rule", "text": ""}),
                          303, "rule")
    rid = inst.scalar("SELECT id FROM rules WHERE title = 'Temporary rule'")
    n = count("SELECT count(*) FROM rules")
    path = "/admin/rules/%s/delete" % rid
    confirm_step(c["keeper"], path, {}, "delete rule", "Delete rule %d?" % n)
    assert count("SELECT count(*) FROM rules") == n
    harness.assert_status(c["keeper"].post(path, {"confirm": "1"}), 303, "delete, confirmed")
    assert count("SELECT count(*) FROM rules") == n - 1
    harness.assert_status(c["keeper"].post(path, {}), 404, "the confirmation of no rule")
    # an application
    harness.create_account(inst, "applicant")
    inst.psql("UPDATE accounts SET approved = false, application_note = 'hello'"
              " WHERE username = 'applicant'")
    aid = inst.scalar("SELECT id FROM accounts WHERE username = 'applicant'")
    path = "/admin/applications/%s/decline" % aid
    confirm_step(c["keeper"], path, {}, "decline", "Decline the application of applicant?")
    assert count("SELECT count(*) FROM accounts WHERE username = 'applicant'") == 1
    harness.assert_status(c["keeper"].post(path, {"confirm": "1"}), 303, "decline, confirmed")
    assert count("SELECT count(*) FROM accounts WHERE username = 'applicant'") == 0
    # approving needs no confirmation (it deletes nothing)
    # an invite
    p = inst.cli("admin", "invite")
    assert p.returncode == 0, harness.describe(p)
    iid = inst.scalar("SELECT max(id) FROM invites")
    path = "/admin/invites/%s/revoke" % iid
    confirm_step(boss, path, {}, "revoke", "The link stops working at once")
    assert inst.scalar("SELECT revoked_at IS NULL FROM invites WHERE id = %s" % iid) == "t"
    harness.assert_status(boss.post(path, {"confirm": "1"}), 303, "revoke, confirmed")
    assert inst.scalar("SELECT revoked_at IS NULL FROM invites WHERE id = %s" % iid) == "f"
    # in the admin's language
    zh = harness.member(inst, "boss", lang="zh-CN", create=False)
    harness.create_account(inst, "applicant2")
    inst.psql("UPDATE accounts SET approved = false WHERE username = 'applicant2'")
    aid = inst.scalar("SELECT id FROM accounts WHERE username = 'applicant2'")
    msg = "Decline the application of {username}?"
    confirm_step(zh, "/admin/applications/%s/decline" % aid, {}, "zh-CN decline",
                 ZH[msg].replace("{username}", "applicant2"))


def visitor(path, lang):
    r = harness.request(inst.port, "GET", path, headers={"Accept-Language": lang})
    harness.assert_status(r, 200, "%s in %s" % (path, lang))
    return main_part(r.text)


@test
def test_rules_and_description_per_language():
    """moderators write the rules' zh-CN versions and admins the description's on
    /admin/translations; readers in zh-CN see them, falling back to the default version
    where there is none; readers in English see the default; bad input is a precise 4xx with
    nothing stored; an empty version removes it"""
    harness.db_change(inst, "INSERT INTO instance_settings VALUES ('instance_description',"
                      " 'A community for workers') ON CONFLICT (key) DO UPDATE"
                      " SET value = EXCLUDED.value", "settings")
    ids = rules()
    boss = harness.member(inst, "boss2", role="admin")
    harness.assert_status(c["rose"].get("/admin/translations"), 403, "a member")
    page = c["keeper"].get("/admin/translations")
    harness.assert_status(page, 200, "a moderator")
    assert 'action="/admin/translations/rules"' in page.text
    assert 'action="/admin/translations/description"' not in page.text, "admins only"
    assert "Be kind" in page.text and 'name="title_%s"' % ids[0] in page.text
    # bad input: nothing stored
    for lang in ("en", "fr", "zh_CN"):
        r = c["keeper"].post("/admin/translations/rules",
                             {"lang": lang, "title_%s" % ids[0]: "x"})
        harness.assert_status(r, 400, "language " + lang)
    r = c["keeper"].post("/admin/translations/rules", {
        "lang": "zh-CN", "title_%s" % ids[0]: "善待他人", "text_%s" % ids[0]: "互相尊重",
        "title_%s" % ids[1]: "", "text_%s" % ids[1]: "没有标题的说明"})
    harness.assert_status(r, 422, "an explanation without a title")
    assert "Give the rule&#39;s title in this language too" in r.text
    assert "没有标题的说明" in r.text and "善待他人" in r.text, "the form lost what was sent"
    r = c["keeper"].post("/admin/translations/rules", {
        "lang": "zh-CN", "title_%s" % ids[0]: "长" * 201})
    harness.assert_status(r, 422, "a title of 201 characters")
    r = boss.post("/admin/translations/description", {"lang": "zh-CN", "description": "长" * 2001})
    harness.assert_status(r, 422, "a description of 2001 characters")
    harness.assert_status(c["keeper"].post("/admin/translations/description",
                                           {"lang": "zh-CN", "description": "版主"}), 403,
                          "a moderator writing the description")
    assert count("SELECT count(*) FROM rule_translations") == 0
    assert count("SELECT count(*) FROM description_translations") == 0
    # the versions
    r = c["keeper"].post("/admin/translations/rules", {
        "lang": "zh-CN", "title_%s" % ids[0]: " 善待他人 ", "text_%s" % ids[0]: "互相尊重",
        "title_%s" % ids[1]: "", "text_%s" % ids[1]: ""})
    harness.assert_status(r, 303, "rules in zh-CN")
    assert harness.location_path(r) == "/admin/translations?lang=zh-CN&notice=saved"
    r = boss.post("/admin/translations/description",
                  {"lang": "zh-CN", "description": "一个属于性工作者的社区"})
    harness.assert_status(r, 303, "description in zh-CN")
    assert inst.psql("SELECT lang, title, body FROM rule_translations") == [
        ["zh-CN", "善待他人", "互相尊重"]]
    for path in ("/about", "/"):
        zh = visitor(path, "zh-CN")
        assert "善待他人" in zh and "互相尊重" in zh and "Be kind" not in zh, path
        assert "Keep clients&#39; details private" in zh, "rule 2 falls back to the default"
        assert "一个属于性工作者的社区" in zh and "A community for workers" not in zh, path
        en = visitor(path, "en")
        assert "Be kind" in en and "善待他人" not in en, path
        assert "A community for workers" in en and "一个属于" not in en, path
    # members' pages follow their language: the report form, the rules cited on an action
    sid = harness.post_and_get_id(inst, c["lou"], "lou", "lou's post in two languages")
    zh_rose = harness.member(inst, "rose", lang="zh-CN", create=False)
    assert "善待他人" in zh_rose.get("/statuses/%s/report" % sid).text
    assert "Be kind" in c["rose"].get("/statuses/%s/report" % sid).text
    # the page shows the stored versions for editing
    page = boss.get("/admin/translations?lang=zh-CN").text
    assert 'value="善待他人"' in page and "一个属于性工作者的社区" in page
    # an empty version is no version: the default shows again
    r = c["keeper"].post("/admin/translations/rules", {
        "lang": "zh-CN", "title_%s" % ids[0]: "", "text_%s" % ids[0]: ""})
    harness.assert_status(r, 303, "remove the version")
    r = boss.post("/admin/translations/description", {"lang": "zh-CN", "description": " "})
    harness.assert_status(r, 303, "remove the description's version")
    zh = visitor("/about", "zh-CN")
    assert "Be kind" in zh and "善待他人" not in zh
    assert "A community for workers" in zh
    assert count("SELECT count(*) FROM rule_translations") == 0
    assert count("SELECT count(*) FROM description_translations") == 0


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
