"""What a suspended member sees (issue 11): a page with a real <h1> that says what happened
and links (not prints) where to read the reasons and appeal, a menu of only what they may
still open, and no appeal offered for a suspension once it is lifted."""

import html
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("suspended_member")
test = suite.test
inst = harness.Instance(suite, "suspended_member")
ZH = harness.po_translations("zh_CN")
c = {}
state = {}


def setup():
    inst.setup()
    inst.start_server()
    c["dee"] = harness.member(inst, "dee")
    c["dee_zh"] = harness.member(inst, "dee", lang="zh-CN", create=False)
    c["keeper"] = harness.member(inst, "keeper", role="moderator")
    r = harness.publish(c["dee"], "kept for me", visibility="private")
    assert r.status == 303, r
    r = c["keeper"].post("/admin/rules", {"title": "No outing", "text": ""})
    assert r.status == 303, r
    rule = inst.scalar("SELECT id FROM rules ORDER BY position LIMIT 1")
    dee = inst.scalar("SELECT id FROM accounts WHERE username = 'dee'")
    r = c["keeper"].post("/admin/accounts/%s/act" % dee,
                         [("kind", "suspend"), ("reason", "Repeated outing"), ("rule", rule),
                          ("suspend_days", "0")])
    assert r.status == 303, r
    state["action"] = inst.scalar("SELECT id FROM mod_actions WHERE kind = 'suspend'")
    state["dee"], state["rule"] = dee, rule


def visible_text(page):
    """The page's text as a reader hears it (tags and attributes dropped)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def menu_links(page):
    m = re.search(r'<nav [^>]*aria-label="[^"]*">(.*?)</nav>', page, re.S)
    assert m, "no menu"
    return re.findall(r'href="([^"]+)"', m.group(1)), m.group(1)


@test
def test_suspended_page():
    """a page a suspended member can't use answers 403 with an <h1> saying the account is
    suspended, a link to the moderation page (the path is never printed as text) and a menu
    whose every link works for them; / takes them to their moderation page"""
    for path in ("/home", "/settings", "/notifications", "/local"):
        r = c["dee"].get(path)
        assert r.status == 403, (path, r)
        assert re.search(r"<h1>Your account is suspended</h1>", r.text), r.text[:3000]
        assert re.search(r'<a [^>]*href="/moderation/mine"[^>]*>Moderation of your account</a>',
                         r.text), r.text
        assert "/moderation/mine" not in visible_text(r.text), "the path is printed as text"
        assert path not in visible_text(r.text)
        links, nav = menu_links(r.text)
        assert set(links) == {"/moderation/mine", "/settings/export", "/about"}, links
        assert 'action="/logout"' in nav, "no sign-out in the menu"
    for link in links:
        assert c["dee"].get(link).status == 200, link
    r = c["dee"].get("/")
    assert r.status == 303 and harness.location_path(r) == "/moderation/mine", r
    r = c["dee"].get("/moderation/mine")
    assert r.status == 200 and "Repeated outing" in r.text
    assert set(menu_links(r.text)[0]) == {"/moderation/mine", "/settings/export", "/about"}
    assert 'action="/moderation/actions/%s/appeal"' % state["action"] in r.text, \
        "no appeal offered while suspended"
    zh = c["dee_zh"].get("/home")
    assert zh.status == 403
    assert "<h1>%s</h1>" % ZH["Your account is suspended"] in zh.text, zh.text[:3000]
    assert ZH["Moderation of your account"] in zh.text


@test
def test_suspended_member_exports():
    """a suspended member can still download their archive (their posts included, hidden as
    they are from everyone else), after their password; a wrong password is refused"""
    r = c["dee"].get("/settings/export")
    assert r.status == 200 and 'action="/settings/export"' in r.text, r
    r = c["dee"].post("/settings/export", {"password": "not the password"})
    assert r.status == 403 or r.status == 422, r
    assert not r.body.startswith(b"PK"), "an archive for a wrong password"
    r = c["dee"].post("/settings/export", {"password": harness.PASSWORD})
    assert r.status == 200 and r.body.startswith(b"PK"), r
    import io
    import zipfile
    z = zipfile.ZipFile(io.BytesIO(r.body))
    assert any(b"kept for me" in z.read(n) for n in z.namelist()), z.namelist()
    assert c["dee"].get("/settings").status == 403, "the rest of Settings opened"


@test
def test_lifted_suspension_offers_no_appeal():
    """once a moderator lifts the suspension, the member's page says it is over and offers
    no appeal of it, and an appeal sent anyway is refused (422)"""
    r = c["keeper"].post("/admin/accounts/%s/act" % state["dee"],
                         [("kind", "unsuspend"), ("reason", "Served its time"),
                          ("rule", state["rule"])])
    assert r.status == 303, r
    assert c["dee"].get("/home").status == 200, "still suspended"
    r = c["dee"].get("/moderation/mine")
    assert r.status == 200, r
    assert "/moderation/actions/%s/appeal" % state["action"] not in r.text, \
        "a lifted suspension still offers an appeal"
    assert "This suspension is over" in r.text
    r = c["dee"].post("/moderation/actions/%s/appeal" % state["action"],
                      {"text": "Please look again"})
    assert r.status == 422, r
    assert inst.scalar("SELECT count(*) FROM appeals") == "0"
    links, _ = menu_links(c["dee"].get("/home").text)
    assert "/settings" in links, "the full menu is not back"


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
