"""The community's rules: only moderators and admins write them; they show numbered, in order
and escaped on the about page, the visitors' home page and the sign-up page; moving, editing
and deleting keep the numbers 1..n; a fresh node has none."""

import html
import os
import re
import sys
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("rules")
test = suite.test
inst = harness.Instance(suite, "rules")
clients = {}
PLACEHOLDER = "This community has not published its rules yet."
RULE_RE = re.compile(r'<li id="rule-(\d+)"><h3>(\d+)\. (.*?)</h3><p class="rule-text">(.*?)</p></li>',
                     re.S)
RULES = [
    ("Be kind <b>always</b>", "No harassment & no outing of anyone."),
    ("Keep clients' details private", "Never post a client's name or number."),
    ("Screen together", "Share bad-date warnings in the thread."),
]


def setup():
    inst.setup()
    inst.start_server()
    clients["member"] = harness.member(inst, "plain")
    clients["mod"] = harness.member(inst, "keeper", role="moderator")


def shown(text):
    """The rules a page shows, as (number, title, text) with entities decoded."""
    out = []
    for anchor, number, title, body in RULE_RE.findall(text):
        assert anchor == number, (anchor, number)
        out.append((int(number), html.unescape(title), html.unescape(body)))
    return out


def invite_path():
    p = inst.cli("admin", "invite")
    assert p.returncode == 0, harness.describe(p)
    u = urllib.parse.urlparse(p.stdout.strip().splitlines()[-1])
    return u.path + "?" + u.query


def public_pages():
    """The rules on /about, the visitors' / and /register (with an invite), all equal."""
    visitor = harness.WebClient(inst.port)
    pages = {"/about": visitor.get("/about"), "/": visitor.get("/"),
             "/register": visitor.get(invite_path())}
    found = None
    for path, r in pages.items():
        harness.assert_status(r, 200, "GET " + path)
        rules = shown(r.text)
        assert found is None or rules == found, (path, rules, found)
        found = rules
    return found, pages


def rule_ids():
    return [row[0] for row in inst.psql("SELECT id FROM rules ORDER BY position")]


@test
def test_fresh_node_has_no_rules():
    """a fresh node has no rules and shows the placeholder sentence everywhere"""
    assert inst.scalar("SELECT count(*) FROM rules") == "0"
    rules, pages = public_pages()
    assert rules == []
    for path, r in pages.items():
        assert PLACEHOLDER in r.text, path
    r = clients["mod"].get("/admin/rules")
    harness.assert_status(r, 200, "moderator GET /admin/rules")
    assert "No rules yet." in r.text


@test
def test_visitor_sent_to_login():
    """a visitor is sent to /login from the rules page and its forms"""
    c = harness.WebClient(inst.port)
    r = c.get("/admin/rules")
    harness.assert_status(r, 303, "visitor GET")
    assert harness.location_path(r) == "/login?next=/admin/rules"
    for path in ("/admin/rules", "/admin/rules/1", "/admin/rules/1/up", "/admin/rules/1/down",
                 "/admin/rules/1/delete"):
        r = c.post(path, {"title": "pwned"})
        harness.assert_status(r, 303, "visitor POST " + path)
        assert harness.location_path(r).startswith("/login")
    assert inst.scalar("SELECT count(*) FROM rules") == "0"


@test
def test_member_forbidden():
    """a member gets 403 on the rules page and every rules form"""
    m = clients["member"]
    harness.assert_status(m.get("/admin/rules"), 403, "member GET")
    for path in ("/admin/rules", "/admin/rules/1", "/admin/rules/1/up", "/admin/rules/1/down",
                 "/admin/rules/1/delete"):
        harness.assert_status(m.post(path, {"title": "pwned", "text": "x"}), 403,
                              "member POST " + path)
    assert inst.scalar("SELECT count(*) FROM rules") == "0"


@test
def test_missing_csrf():
    """a rules form without the csrf field is refused with 403"""
    r = clients["mod"].post("/admin/rules", {"title": "forged", "text": ""}, csrf=False)
    harness.assert_status(r, 403, "no csrf")
    r = clients["mod"].post("/admin/rules", {"title": "forged", "text": ""}, csrf="x" * 43)
    harness.assert_status(r, 403, "wrong csrf")
    assert inst.scalar("SELECT count(*) FROM rules") == "0"


@test
def test_moderator_adds_rules():
    """a moderator adds three rules: numbered 1-3 in order, escaped, on every public page"""
    for title, text in RULES:
        r = clients["mod"].post("/admin/rules", {"title": title, "text": text})
        harness.assert_status(r, 303, "add " + title)
        assert harness.location_path(r) == "/admin/rules?notice=rule_saved"
    rules, pages = public_pages()
    assert rules == [(i + 1, t, x) for i, (t, x) in enumerate(RULES)], rules
    for path, r in pages.items():
        assert "<b>always</b>" not in r.text, path
        assert "Be kind &lt;b&gt;always&lt;/b&gt;" in r.text, path
        assert PLACEHOLDER not in r.text, path
    page = clients["mod"].get("/admin/rules?notice=rule_saved").text
    assert "The rule is saved." in page and "<b>always" not in page


@test
def test_move_up():
    """moving rule 3 up makes it rule 2"""
    ids = rule_ids()
    r = clients["mod"].post("/admin/rules/%s/up" % ids[2], {})
    harness.assert_status(r, 303, "move up")
    rules, _ = public_pages()
    assert [t for _, t, _ in rules] == [RULES[0][0], RULES[2][0], RULES[1][0]], rules
    # and down again, and nothing moves past the ends
    harness.assert_status(clients["mod"].post("/admin/rules/%s/down" % ids[2], {}), 303, "down")
    harness.assert_status(clients["mod"].post("/admin/rules/%s/up" % ids[0], {}), 303, "top up")
    harness.assert_status(clients["mod"].post("/admin/rules/%s/down" % ids[1], {}), 303,
                          "last down")
    rules, _ = public_pages()
    assert [t for _, t, _ in rules] == [RULES[0][0], RULES[2][0], RULES[1][0]], rules
    assert rule_ids() == [ids[0], ids[2], ids[1]]


@test
def test_edit():
    """editing a rule changes its title and explanation everywhere"""
    ids = rule_ids()
    r = clients["mod"].post("/admin/rules/%s" % ids[1],
                            {"title": "Screen together, always", "text": "Warnings go first."})
    harness.assert_status(r, 303, "edit")
    rules, _ = public_pages()
    assert rules[1] == (2, "Screen together, always", "Warnings go first."), rules
    assert len(rules) == 3
    harness.assert_status(clients["mod"].post("/admin/rules/999999", {"title": "x"}), 404,
                          "edit of a missing rule")


@test
def test_delete_renumbers():
    """deleting rule 1 renumbers the rest: the old 2 becomes 1"""
    before, _ = public_pages()
    ids = rule_ids()
    r = clients["mod"].post("/admin/rules/%s/delete" % ids[0], {"confirm": "1"})
    harness.assert_status(r, 303, "delete")
    assert harness.location_path(r) == "/admin/rules?notice=rule_deleted"
    rules, _ = public_pages()
    assert rules == [(1, before[1][1], before[1][2]), (2, before[2][1], before[2][2])], rules
    assert inst.psql("SELECT position FROM rules ORDER BY position") == [["1"], ["2"]]
    harness.assert_status(clients["mod"].post("/admin/rules/%s/delete" % ids[0],
                                              {"confirm": "1"}), 404,
                          "delete twice")


@test
def test_invalid_titles():
    """an empty or 201-character title is refused with 422, the form keeping what was typed"""
    count = inst.scalar("SELECT count(*) FROM rules")
    r = clients["mod"].post("/admin/rules", {"title": "   ", "text": "kept explanation"})
    harness.assert_status(r, 422, "empty title")
    assert "Give the rule a title." in r.text
    assert "kept explanation" in r.text
    long_title = "é" * 201
    r = clients["mod"].post("/admin/rules", {"title": long_title, "text": "also kept"})
    harness.assert_status(r, 422, "201 characters")
    assert "at most 200 characters" in r.text
    assert harness.form_fields(r.text).get("title") == long_title or long_title in r.text
    assert "also kept" in r.text
    # 200 characters are fine (counted as characters, not bytes), then removed again
    r = clients["mod"].post("/admin/rules", {"title": "é" * 200, "text": ""})
    harness.assert_status(r, 303, "200 characters")
    ids = rule_ids()
    harness.assert_status(clients["mod"].post("/admin/rules/%s/delete" % ids[-1],
                                              {"confirm": "1"}), 303,
                          "delete the long one")
    # an edit with a bad title keeps the edited text in that rule's form
    r = clients["mod"].post("/admin/rules/%s" % ids[0], {"title": "", "text": "edited text"})
    harness.assert_status(r, 422, "edit with empty title")
    assert "edited text" in r.text
    r = clients["mod"].post("/admin/rules", {"title": "ok", "text": "x" * 2001})
    harness.assert_status(r, 422, "2001-character explanation")
    assert inst.scalar("SELECT count(*) FROM rules") == count


@test
def test_admin_page_shape():
    """the rules page: csrf in every form, no script, headings in order, linked from the nav"""
    r = clients["mod"].get("/admin/rules")
    forms = re.findall(r"<form\b.*?</form>", r.text, re.S)
    assert len(forms) >= 1 + 2 * 2
    for f in forms:
        assert 'name="csrf"' in f, f
    assert "<script" not in r.text and len(r.body) < 50 * 1024
    levels = [int(h) for h in re.findall(r"<h([1-6])", r.text)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    assert 'href="/admin/rules"' in clients["mod"].get("/admin/applications").text


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
