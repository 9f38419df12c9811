"""A member's settings: profile (escaped, four fields at most, length limits), language and
default visibility, password change, and signing out everywhere."""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("settings")
test = suite.test
inst = harness.Instance(suite, "settings")
ZH = harness.po_translations("zh_CN")
PASSWORD = harness.PASSWORD
NEW_PASSWORD = "another long password"
clients = {}


def setup():
    inst.setup()
    inst.start_server()
    for name in ("rose", "lily", "iris"):
        clients[name] = harness.member(inst, name)


def account(name, column):
    """A column of the account as text ('' for NULL)."""
    return inst.scalar("SELECT '=' || coalesce((%s)::text, '') FROM accounts"
                       " WHERE username = '%s'" % (column, name))[1:]


def profile_fields(n, extra=None):
    fields = {"display_name": "Rose", "bio": "Hi"}
    for i in range(n):
        fields["field_name_%d" % i] = "label%d" % i
        fields["field_value_%d" % i] = "value%d" % i
    fields.update(extra or {})
    return fields


def html_lang(r):
    m = re.search(r'<html[^>]*\blang="([^"]*)"', r.text)
    return m.group(1) if m else None


@test
def test_visitor_sent_to_login():
    """a visitor asking for /settings is sent to /login"""
    r = harness.request(inst.port, "GET", "/settings")
    harness.assert_status(r, 303, "GET /settings")
    assert harness.location_path(r) == "/login?next=/settings", harness.location_path(r)
    r = harness.WebClient(inst.port).post("/settings/profile", {"display_name": "x"})
    harness.assert_status(r, 303, "visitor POST")
    assert harness.location_path(r).startswith("/login")


@test
def test_profile_saved_and_escaped():
    """the profile is saved and shown escaped"""
    c = clients["rose"]
    r = c.post("/settings/profile", profile_fields(2, {
        "display_name": "<b>Rose</b>", "bio": "Tea & <i>cake</i>", "locked": "1",
        "hide_collections": "1"}))
    harness.assert_status(r, 303, "save profile")
    assert harness.location_path(r) == "/settings?notice=saved", harness.location_path(r)
    assert account("rose", "display_name") == "<b>Rose</b>"
    assert account("rose", "bio") == "Tea & <i>cake</i>"
    assert account("rose", "locked") == "true" and account("rose", "hide_collections") == "true"
    assert account("rose", "fields::text") == (
        '[{"name": "label0", "value": "value0"}, {"name": "label1", "value": "value1"}]')
    r = c.get("/settings")
    harness.assert_status(r, 200, "settings page")
    assert 'value="&lt;b&gt;Rose&lt;/b&gt;"' in r.text, "display name not escaped in the form"
    assert "Tea &amp; &lt;i&gt;cake&lt;/i&gt;</textarea>" in r.text, "bio not escaped"
    assert "<b>Rose</b>" not in r.text and "<i>cake</i>" not in r.text
    assert re.search(r'<input type="checkbox" id="locked" name="locked" value="1" checked>',
                     r.text), "locked box not ticked"
    fields = harness.form_fields(r.text)
    assert fields["field_name_1"] == "label1" and fields["field_value_1"] == "value1"
    # where others see the name: the heading of the follower list
    r = clients["lily"].get("/@rose/followers")
    harness.assert_status(r, 200, "rose's followers")
    assert "&lt;b&gt;Rose&lt;/b&gt;" in r.text and "<b>Rose</b>" not in r.text
    # unticked boxes are off again
    r = c.post("/settings/profile", profile_fields(0))
    harness.assert_status(r, 303, "save profile again")
    assert account("rose", "locked") == "false" and account("rose", "hide_collections") == "false"
    assert account("rose", "fields::text") == "[]"


@test
def test_four_fields_max():
    """four profile fields are kept; a fifth sent anyway is ignored"""
    c = clients["rose"]
    r = c.post("/settings/profile", profile_fields(5))
    harness.assert_status(r, 303, "five fields")
    assert account("rose", "jsonb_array_length(fields)") == "4"
    page = c.get("/settings").text
    assert "value3" in page and "value4" not in page
    assert len(re.findall(r'name="field_name_\d"', page)) == 4


@test
def test_display_name_too_long():
    """a display name over 100 characters: 422, the form keeps what was typed"""
    c = clients["rose"]
    before = account("rose", "display_name")
    r = c.post("/settings/profile", profile_fields(1, {"display_name": "x" * 101,
                                                       "bio": "kept bio text"}))
    harness.assert_status(r, 422, "long display name")
    assert "at most 100 characters" in r.text, r.text[:3000]
    assert 'role="alert"' in r.text
    fields = harness.form_fields(r.text)
    assert fields["display_name"] == "x" * 101 and fields["bio"] == "kept bio text"
    assert fields["field_name_0"] == "label0"
    assert account("rose", "display_name") == before
    # 100 characters, even in Chinese, are fine
    r = c.post("/settings/profile", profile_fields(0, {"display_name": "玫" * 100}))
    harness.assert_status(r, 303, "100 characters")


@test
def test_language_preference():
    """choosing 简体中文 makes pages Chinese whatever the browser asks for, and back"""
    c = clients["lily"]
    c.lang = "en"
    r = c.post("/settings/preferences", {"language": "zh-CN", "default_visibility": "public"})
    harness.assert_status(r, 303, "save language")
    assert account("lily", "language") == "zh-CN"
    for path in ("/settings", "/search", "/blocks"):
        r = c.get(path)
        harness.assert_status(r, 200, path)
        assert html_lang(r) == "zh-CN", "%s: lang %r" % (path, html_lang(r))
        assert ZH["Skip to main content"] in r.text, "%s not in Chinese" % path
    assert html_lang(harness.WebClient(inst.port, lang="en").get("/about")) == "en"
    r = c.post("/settings/preferences", {"language": "", "default_visibility": "public"})
    harness.assert_status(r, 303, "browser language")
    assert account("lily", "language") == ""
    assert html_lang(c.get("/settings")) == "en"
    c.lang = "zh-CN"
    assert html_lang(c.get("/settings")) == "zh-CN"
    c.lang = None


@test
def test_default_visibility():
    """the default visibility is saved and shown; unknown values are refused"""
    c = clients["lily"]
    r = c.post("/settings/preferences", {"language": "", "default_visibility": "members"})
    harness.assert_status(r, 303, "save visibility")
    assert account("lily", "default_visibility") == "members"
    r = c.get("/settings")
    assert 'value="members" checked>' in r.text, "members not checked"
    assert 'value="public" checked>' not in r.text
    r = c.post("/settings/preferences", {"language": "", "default_visibility": "everyone"})
    harness.assert_status(r, 422, "bad visibility")
    r = c.post("/settings/preferences", {"language": "fr", "default_visibility": "public"})
    harness.assert_status(r, 422, "bad language")
    assert account("lily", "default_visibility") == "members"


def error_beside(text, field):
    """The error paragraph right before the input `field` (which must be marked invalid and
    get the focus), or None; fails if an error is shown anywhere else on the page."""
    m = re.search(r'<p class="error" role="alert" id="%s-error">([^<]*)</p>\s*'
                  r'<input id="%s"([^>]*)>' % (field, field), text)
    if m is None:
        return None
    attrs = m.group(2)
    assert 'aria-invalid="true"' in attrs and "autofocus" in attrs, attrs
    assert 'aria-describedby="%s-error' % field in attrs, attrs
    assert text.count('role="alert"') == 1, "more than one error on the page"
    return m.group(1)


@test
def test_password_error_beside_its_field():
    """a password error is shown next to the field it is about, which gets the focus (and so
    the screen scrolls there, without JavaScript), not at the top of the page; the form's
    address opened with GET leads back to the settings page"""
    c = clients["rose"]
    page = c.get("/settings")
    assert 'action="/settings/password"' in page.text
    r = c.post("/settings/password", {"current_password": "not my password",
                                      "new_password": NEW_PASSWORD,
                                      "confirm_password": NEW_PASSWORD})
    assert r.status == 403, r
    assert error_beside(r.text, "current_password") == "The current password is wrong.", \
        r.text[:3000]
    r = c.post("/settings/password", {"current_password": PASSWORD,
                                      "new_password": NEW_PASSWORD,
                                      "confirm_password": NEW_PASSWORD + "!"})
    assert r.status == 422, r
    assert error_beside(r.text, "confirm_password") == "The two new passwords are not the same."
    r = c.post("/settings/password", {"current_password": PASSWORD,
                                      "new_password": "short", "confirm_password": "short"})
    assert r.status == 422, r
    assert error_beside(r.text, "new_password"), r.text[:3000]
    zh = harness.WebClient(inst.port, lang="zh-CN")
    zh.cookies = dict(c.cookies)
    r = zh.post("/settings/password", {"current_password": "not my password",
                                       "new_password": NEW_PASSWORD,
                                       "confirm_password": NEW_PASSWORD})
    assert error_beside(r.text, "current_password") == ZH["The current password is wrong."]
    for path, section in (("/settings/password", "password"), ("/settings/profile", "profile"),
                          ("/settings/preferences", "preferences")):
        r = c.get(path)
        assert r.status == 303 and r.header("Location").endswith("/settings#" + section), r


@test
def test_password_change():
    """the wrong current password is refused; after a change only the new one signs in"""
    c = clients["iris"]
    r = c.post("/settings/password", {"current_password": "not my password",
                                      "new_password": NEW_PASSWORD,
                                      "confirm_password": NEW_PASSWORD})
    assert r.status in (403, 422), r
    assert "current password is wrong" in r.text
    r = c.post("/settings/password", {"current_password": PASSWORD,
                                      "new_password": NEW_PASSWORD,
                                      "confirm_password": NEW_PASSWORD + "!"})
    harness.assert_status(r, 422, "confirmation differs")
    r = c.post("/settings/password", {"current_password": PASSWORD,
                                      "new_password": "short", "confirm_password": "short"})
    harness.assert_status(r, 422, "too short")
    other = harness.WebClient(inst.port)
    assert other.login("iris", PASSWORD).status == 303
    assert other.signed_in()
    r = c.post("/settings/password", {"current_password": PASSWORD,
                                      "new_password": NEW_PASSWORD,
                                      "confirm_password": NEW_PASSWORD})
    harness.assert_status(r, 303, "change")
    assert harness.location_path(r) == "/settings?notice=password_changed"
    assert c.signed_in(), "the browser that changed the password was signed out"
    assert not other.signed_in(), "another session survived the password change"
    old = harness.WebClient(inst.port)
    r = old.login("iris", PASSWORD)
    assert r.status != 303 and not old.session, "the old password still works: %r" % r
    new = harness.WebClient(inst.port)
    r = new.login("iris", NEW_PASSWORD)
    assert r.status == 303 and new.session, "the new password fails: %r" % r


@test
def test_sign_out_everywhere():
    """signing out everywhere ends every session, this one's cookie included"""
    a = harness.member(inst, "violet")
    b = harness.member(inst, "violet", create=False)
    assert b.signed_in()
    assert inst.scalar("SELECT count(*) FROM sessions s JOIN accounts a ON a.id = s.account_id"
                       " WHERE a.username = 'violet'") == "2"
    r = a.post("/settings/sessions/end", {})
    harness.assert_status(r, 303, "sign out everywhere")
    assert harness.location_path(r).startswith("/login")
    assert not a.session, "the session cookie was not cleared"
    assert inst.scalar("SELECT count(*) FROM sessions s JOIN accounts a ON a.id = s.account_id"
                       " WHERE a.username = 'violet'") == "0"
    r = b.get("/settings")
    harness.assert_status(r, 303, "the other session")
    assert harness.location_path(r).startswith("/login")


@test
def test_csrf_missing():
    """settings forms without the CSRF token: 403, nothing saved"""
    c = clients["lily"]
    before = account("lily", "display_name")
    r = c.post("/settings/profile", {"display_name": "forged"}, csrf=False)
    harness.assert_status(r, 403, "profile without csrf")
    r = c.post("/settings/sessions/end", {}, csrf=False)
    harness.assert_status(r, 403, "sign out everywhere without csrf")
    assert account("lily", "display_name") == before
    assert c.signed_in()


@test
def test_settings_page_shape():
    """the settings page: labelled fields, ordered headings, under 50 KB, no script"""
    r = clients["lily"].get("/settings")
    assert len(r.body) < 50 * 1024 and "<script" not in r.text
    ids = set(re.findall(r'<label for="([^"]+)"', r.text))
    for inp in harness.page_inputs(r.text):
        if inp.get("type") in ("hidden", "submit"):
            continue
        assert inp.get("id") in ids, "input without a label: %r" % inp
    levels = [int(h) for h in re.findall(r"<h([1-6])", r.text)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
