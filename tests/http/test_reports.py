"""Reports: a member reports a post or an account, citing rules and adding a comment; the
moderators' list shows open reports oldest first with the reporter's name; nothing about a
report reaches the reported account; the checks (oneself, unseen posts, unknown rules, long
comments, csrf, visitors, members on the moderators' page) hold."""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("reports")
test = suite.test
inst = harness.Instance(suite, "reports")
clients = {}
posts = {}
COMMENT = "Posted <my> client's number & real name."
ACCOUNT_COMMENT = "This account keeps outing people."


def setup():
    inst.setup()
    inst.start_server()
    clients["rose"] = harness.member(inst, "rose")
    clients["ivy"] = harness.member(inst, "ivy")
    clients["mod"] = harness.member(inst, "keeper", role="moderator")
    for title in ("Be kind", "Keep clients' details private", "No outing"):
        r = clients["mod"].post("/admin/rules", {"title": title, "text": ""})
        harness.assert_status(r, 303, "add rule " + title)
    posts["public"] = harness.post_and_get_id(inst, clients["ivy"], "ivy", "a public post")
    posts["private"] = harness.post_and_get_id(inst, clients["ivy"], "ivy", "followers only",
                                               visibility="private")


def rule_ids():
    return [row[0] for row in inst.psql("SELECT id FROM rules ORDER BY position")]


def report_count():
    return int(inst.scalar("SELECT count(*) FROM reports"))


@test
def test_report_post():
    """a member reports another member's post citing two rules: 303 with the notice, one row"""
    ids = rule_ids()
    page = clients["rose"].get("/statuses/%s/report" % posts["public"])
    harness.assert_status(page, 200, "report form")
    assert page.text.count('name="rule"') == 3 and "2. Keep clients" in page.text
    assert "a public post" in page.text
    r = clients["rose"].post("/statuses/%s/report" % posts["public"],
                             [("rule", ids[0]), ("rule", ids[1]), ("comment", "  " + COMMENT + "\n")])
    harness.assert_status(r, 303, "report a post")
    assert harness.location_path(r) == "/@ivy/%s?notice=report_sent" % posts["public"]
    shown = clients["rose"].get(harness.location_path(r))
    assert "Thank you. The moderators will look at your report." in shown.text
    rows = inst.psql("SELECT a.username, t.username, r.status_id, r.comment, r.rule_ids::text,"
                     " r.state FROM reports r JOIN accounts a ON a.id = r.reporter_id"
                     " JOIN accounts t ON t.id = r.target_account_id")
    assert rows == [["rose", "ivy", posts["public"], COMMENT,
                     "{%s,%s}" % (ids[0], ids[1]), "open"]], rows


@test
def test_report_account():
    """a member reports an account (no post) with one rule"""
    ids = rule_ids()
    page = clients["rose"].get("/@ivy/report")
    harness.assert_status(page, 200, "account report form")
    r = clients["rose"].post("/@ivy/report", [("rule", ids[2]), ("comment", ACCOUNT_COMMENT)])
    harness.assert_status(r, 303, "report an account")
    assert harness.location_path(r) == "/@ivy?notice=report_sent"
    row = inst.psql("SELECT status_id, rule_ids::text FROM reports WHERE comment = '%s'"
                    % ACCOUNT_COMMENT)
    assert row == [["", "{%s}" % ids[2]]], row


@test
def test_report_links():
    """members see Report links on others' posts and profiles, not on their own"""
    thread = clients["rose"].get("/@ivy/%s" % posts["public"]).text
    assert 'href="/statuses/%s/report"' % posts["public"] in thread
    assert 'href="/@ivy/report"' in clients["rose"].get("/@ivy").text
    own = clients["ivy"].get("/@ivy/%s" % posts["public"]).text
    assert "/report" not in own
    assert "/report" not in clients["ivy"].get("/@ivy").text


@test
def test_report_oneself():
    """reporting one's own post or account is refused with 422"""
    n = report_count()
    r = clients["ivy"].post("/statuses/%s/report" % posts["public"], {"comment": "me"})
    harness.assert_status(r, 422, "own post")
    r = clients["ivy"].post("/@ivy/report", {"comment": "me"})
    harness.assert_status(r, 422, "own account")
    assert "You can&#39;t report yourself." in r.text or "report yourself" in r.text
    assert report_count() == n


@test
def test_unseen_post():
    """a followers-only post of someone the reporter doesn't follow is 404"""
    n = report_count()
    harness.assert_status(clients["rose"].get("/statuses/%s/report" % posts["private"]), 404,
                          "GET unseen")
    r = clients["rose"].post("/statuses/%s/report" % posts["private"], {"comment": "x"})
    harness.assert_status(r, 404, "POST unseen")
    harness.assert_status(clients["rose"].post("/statuses/999999/report", {}), 404, "no post")
    harness.assert_status(clients["rose"].post("/@nobody/report", {}), 404, "no account")
    assert report_count() == n


@test
def test_unknown_rule():
    """an unknown or malformed rule id is refused with 422"""
    n = report_count()
    ids = rule_ids()
    r = clients["rose"].post("/@ivy/report", [("rule", ids[0]), ("rule", "999999")])
    harness.assert_status(r, 422, "unknown rule")
    r = clients["rose"].post("/@ivy/report", [("rule", "x1")])
    harness.assert_status(r, 422, "malformed rule")
    assert report_count() == n


@test
def test_long_comment():
    """a 1001-character comment is refused with 422, the form keeping the text and rules"""
    n = report_count()
    ids = rule_ids()
    text = "é" * 1001
    r = clients["rose"].post("/statuses/%s/report" % posts["public"],
                             [("rule", ids[1]), ("comment", text)])
    harness.assert_status(r, 422, "1001 characters")
    assert text in r.text
    assert "at most 1000 characters" in r.text
    assert re.search(r'value="%s" checked' % ids[1], r.text), "rule choice not kept"
    assert report_count() == n


@test
def test_missing_csrf():
    """a report without the csrf field is refused with 403"""
    n = report_count()
    r = clients["rose"].post("/@ivy/report", {"comment": "forged"}, csrf=False)
    harness.assert_status(r, 403, "no csrf")
    assert report_count() == n


@test
def test_visitor_sent_to_login():
    """visitors are sent to /login from the report forms and the moderators' list"""
    c = harness.WebClient(inst.port)
    for path in ("/statuses/%s/report" % posts["public"], "/@ivy/report", "/admin/queue"):
        r = c.get(path)
        harness.assert_status(r, 303, "visitor GET " + path)
        assert harness.location_path(r).startswith("/login"), path
    n = report_count()
    r = c.post("/@ivy/report", {"comment": "anon"})
    harness.assert_status(r, 303, "visitor POST")
    assert harness.location_path(r).startswith("/login")
    assert report_count() == n


@test
def test_moderator_list():
    """members get 403 on the review queue; the moderator sees both reports oldest first, and
    each item's page shows the post, the rules cited and the comment (escaped)"""
    harness.assert_status(clients["rose"].get("/admin/queue"), 403, "member")
    harness.assert_status(clients["ivy"].get("/admin/queue"), 403, "reported member")
    r = clients["mod"].get("/admin/queue")
    harness.assert_status(r, 200, "moderator")
    items = re.findall(r'<li class="queue-item" id="item-(\d+)">(.*?)</li>', r.text, re.S)
    assert len(items) == 2, r.text
    assert int(items[0][0]) < int(items[1][0])
    assert "Report by @rose" in items[0][1] and "A post by @ivy" in items[0][1]
    assert "The account @ivy" in items[1][1]
    first = clients["mod"].get("/admin/queue/%s" % items[0][0])
    harness.assert_status(first, 200, "first item")
    assert "a public post" in first.text
    cited = re.search(r'<ul class="cited-rules">(.*?)</ul>', first.text, re.S).group(1)
    assert "1. Be kind" in cited and "2. Keep clients" in cited and "No outing" not in cited
    assert "Posted &lt;my&gt; client&#39;s number &amp; real name." in first.text
    assert "<my>" not in first.text
    second = clients["mod"].get("/admin/queue/%s" % items[1][0]).text
    assert "3. No outing" in second and ACCOUNT_COMMENT in second
    assert 'href="/admin/queue"' in clients["mod"].get("/admin/rules").text
    for page in (r.text, first.text, second):
        for f in re.findall(r"<form\b.*?</form>", page, re.S):
            assert 'method="get"' in f or 'name="csrf"' in f, f


@test
def test_reported_member_sees_nothing():
    """the reported member's pages say nothing of the report or the reporter"""
    ivy = clients["ivy"]
    for path in ("/notifications", "/@ivy", "/@ivy/%s" % posts["public"], "/home"):
        r = ivy.get(path)
        harness.assert_status(r, 200, "ivy GET " + path)
        low = r.text.lower()
        assert "rose" not in low, path
        assert "report" not in low, path
        assert COMMENT.split()[0] not in r.text and "outing" not in low, path
    assert inst.scalar("SELECT count(*) FROM notifications n JOIN accounts a"
                       " ON a.id = n.account_id WHERE a.username = 'ivy'") == "0"


@test
def test_report_keeps_the_deleted_post():
    """rose reports a post of ivy's with a content warning; ivy deletes it: the report stays,
    and the moderator's page shows the post as it was (text, warning, visibility, time) with
    a note that it was deleted; closing the report lets the copy go"""
    sid = harness.post_and_get_id(inst, clients["ivy"], "ivy", "my client's name is Kim Doe",
                                  spoiler_text="names", visibility="unlisted")
    r = clients["rose"].post("/statuses/%s/report" % sid, {"comment": "outing"})
    harness.assert_status(r, 303, "report")
    rid = inst.scalar("SELECT id FROM reports WHERE status_id = %s" % sid)
    assert rid, "no report"
    assert "forward_comment" not in harness.form_fields(
        clients["rose"].get("/statuses/%s/report" % sid).text), "a local post can't be forwarded"
    harness.assert_status(clients["ivy"].post("/statuses/%s/delete" % sid, {}), 303, "delete")
    assert inst.scalar("SELECT count(*) FROM statuses WHERE id = %s" % sid) == "0"
    assert inst.scalar("SELECT count(*) FROM reports WHERE id = %s" % rid) == "1"
    page = clients["mod"].get("/admin/queue/%s" % rid)
    harness.assert_status(page, 200, "the queue item")
    assert "deleted after it was reported" in page.text
    assert "my client&#39;s name is Kim Doe" in page.text, "the post is gone from the report"
    assert '<p class="spoiler">names</p>' in page.text and "· Unlisted" in page.text
    assert "ivy" in page.text
    listing = clients["mod"].get("/admin/queue").text
    m = re.search(r'<li class="queue-item" id="item-%s">(.*?)</li>' % rid, listing, re.S)
    assert m and "A post by @ivy" in m.group(1), "the queue lists it as about the account"
    r = clients["mod"].post("/admin/queue/%s/act" % rid,
                            [("kind", "dismiss"), ("reason", "seen to")])
    harness.assert_status(r, 303, "dismiss")
    row = inst.psql("SELECT state, snap_acct, snap_status_content IS NULL,"
                    " snap_status_spoiler IS NULL FROM reports WHERE id = %s" % rid)
    assert row == [["closed", "ivy", "t", "t"]], row
    assert "Kim Doe" not in inst.cluster.dump_data(inst.dbname), "the copy outlived the report"


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
