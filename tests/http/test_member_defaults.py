"""Member-facing defaults and wording (issue 11): the node's default visibility (an admin
setting new accounts and the compose form start with), the compose form saying what each
choice means, unlisted posts kept off tag pages as the form says, the follow-requests page
telling the truth about locking, and form addresses opened with GET leading back to a page."""

import os
import re
import sys
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("member_defaults")
test = suite.test
inst = harness.Instance(suite, "member_defaults")
ZH = harness.po_translations("zh_CN")
c = {}


def setup():
    inst.setup()
    inst.start_server()
    c["admin"] = harness.member(inst, "boss", role="admin")
    c["ann"] = harness.member(inst, "ann")
    c["bea"] = harness.member(inst, "bea")


def admin_settings(**changes):
    """The admin settings form as the page fills it, with changes."""
    text = c["admin"].get("/admin/settings").text
    fields = {k: v for k, v in harness.form_fields(text).items() if k != "csrf"}
    fields["registration_mode"] = re.search(
        r'name="registration_mode" value="(\w+)" checked>', text).group(1)
    fields["default_language"] = re.search(r'<option value="([\w-]+)"[^>]* selected>',
                                            text).group(1)
    m = re.search(r'name="default_visibility" value="(\w+)" checked>', text)
    assert m, "no default visibility on the admin settings page"
    fields["default_visibility"] = m.group(1)
    for box in ("local_timeline_public", "two_person_rule", "name_moderators"):
        fields.pop(box, None)
        if 'name="%s" value="1" checked>' % box in text:
            fields[box] = "1"
    fields.update(changes)
    return fields


def sign_up(name):
    p = inst.cli("admin", "invite")
    assert p.returncode == 0, harness.describe(p)
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(p.stdout.strip()).query)["invite"][0]
    me = harness.WebClient(inst.port)
    r = me.post("/register", {"username": name, "password": harness.PASSWORD, "invite": code})
    assert r.status == 303, r
    return me


def selected_visibility(page):
    m = re.search(r'<select id="visibility".*?</select>', page, re.S)
    assert m, "no visibility select"
    return re.findall(r'<option value="(\w+)" selected="selected">', m.group(0))


@test
def test_node_default_visibility():
    """an admin sets the node's default visibility; accounts made after it start with it and
    their compose form has it chosen; accounts made before keep theirs; a bad or direct
    default is refused with 422 and nothing changes"""
    assert "public" in admin_settings()["default_visibility"]
    before = sign_up("early")
    r = c["admin"].post("/admin/settings", admin_settings(default_visibility="members"))
    assert r.status == 303, r
    assert inst.scalar("SELECT value FROM instance_settings WHERE key ="
                       " 'default_visibility'") == "members"
    late = sign_up("late")
    assert inst.scalar("SELECT default_visibility FROM accounts WHERE username = 'late'") == \
        "members"
    assert inst.scalar("SELECT default_visibility FROM accounts WHERE username = 'early'") == \
        "public"
    assert selected_visibility(late.get("/statuses/new").text) == ["members"]
    assert selected_visibility(before.get("/statuses/new").text) == ["public"]
    p = inst.cli("admin", "create-account", "clia", stdin=harness.PASSWORD + "\n")
    assert p.returncode == 0, harness.describe(p)
    assert inst.scalar("SELECT default_visibility FROM accounts WHERE username = 'clia'") == \
        "members"
    for bad in ("direct", "everyone", ""):
        r = c["admin"].post("/admin/settings", admin_settings(default_visibility=bad))
        assert r.status == 422, (bad, r)
    assert inst.scalar("SELECT value FROM instance_settings WHERE key ="
                       " 'default_visibility'") == "members"
    r = c["admin"].post("/admin/settings", admin_settings(default_visibility="public"))
    assert r.status == 303, r


@test
def test_compose_says_what_choices_mean():
    """the compose form explains each visibility next to the choice, in English and Chinese,
    and the select points to the explanation"""
    page = c["ann"].get("/statuses/new").text
    assert 'aria-describedby="visibility-hint"' in page
    hint = re.search(r'<details class="hint" id="visibility-hint">(.*?)</details>', page, re.S)
    assert hint, page
    for words in ("hashtag pages", "never leaves this server", "Only the people you mention",
                  "Only your followers"):
        assert words in hint.group(1), words
    zh = harness.WebClient(inst.port, lang="zh-CN")
    zh.cookies = dict(c["ann"].cookies)
    page = zh.get("/statuses/new").text
    for msgid in ("What the choices mean",
                  "Only signed-in members of this community; it never leaves this server."):
        assert ZH[msgid] in page, msgid


@test
def test_unlisted_off_tag_pages():
    """unlisted posts are not on tag pages (for members either), as the compose form says;
    public and members-only ones are, for members"""
    ids = {}
    for vis in ("public", "unlisted", "members"):
        ids[vis] = harness.post_and_get_id(inst, c["ann"], "ann", "%s #quietly" % vis,
                                           visibility=vis)
    for who in ("ann", "bea"):
        shown = harness.status_ids_on(c[who].get("/tags/quietly").text)
        assert ids["unlisted"] not in shown, "%s sees an unlisted post on a tag page" % who
        assert ids["public"] in shown and ids["members"] in shown, (who, shown, ids)
    shown = harness.status_ids_on(harness.request(inst.port, "GET", "/tags/quietly").text)
    assert shown == [ids["public"]], shown
    # the unlisted post is still there for those who have its link
    r = c["bea"].get("/@ann/%s" % ids["unlisted"])
    assert r.status == 200 and "<p>unlisted " in r.text, r


@test
def test_follow_requests_page_tells_lock_state():
    """/follow_requests tells an unlocked member they are not locked (and where to lock),
    and a locked one that they are"""
    page = c["bea"].get("/follow_requests").text
    assert "Your account is locked" not in page
    assert "not locked" in page and 'href="/settings#profile"' in page
    inst.psql("UPDATE accounts SET locked = true WHERE username = 'bea'")
    page = c["bea"].get("/follow_requests").text
    assert "Your account is locked" in page and "not locked" not in page


@test
def test_form_addresses_opened_with_get():
    """the address a form posts to, opened with GET (a reload or back after an error, a
    bookmark), leads back to a page instead of a 405"""
    sid = harness.post_and_get_id(inst, c["ann"], "ann", "a post to act on")
    for path, where in (("/statuses", "/"), ("/settings/password", "/settings#password"),
                        ("/moderation/actions/1/appeal", "/moderation/mine"),
                        ("/notifications/read", "/notifications"),
                        ("/statuses/%s/history/1/erase" % sid, "/statuses/%s/history" % sid)):
        r = c["ann"].get(path)
        assert r.status == 303, (path, r)
        assert r.header("Location").endswith(where), (path, r.header("Location"))
    # not for peers and apps: they still get 405
    r = harness.request(inst.port, "GET", "/statuses",
                        headers={"Accept": "application/json"})
    assert r.status == 405, r
    # and a POST route's form error can be sent again harmlessly: same answer, nothing stored
    before = inst.scalar("SELECT count(*) FROM statuses")
    for _ in range(2):
        assert harness.publish(c["ann"], "").status == 422
    assert inst.scalar("SELECT count(*) FROM statuses") == before


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
