"""The admin pages: who may open them, instance settings, invites (made, listed without their
codes, revoked) and applications in approval mode (approved, declined)."""

import html
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("admin")
test = suite.test
ZH = harness.po_translations("zh_CN")
inst = harness.Instance(suite, "admin")
PASSWORD = harness.PASSWORD
clients = {}
ADMIN_GETS = ("/admin/settings", "/admin/invites")
ADMIN_POSTS = ("/admin/settings", "/admin/invites", "/admin/invites/1/revoke")
MOD_GETS = ("/admin/applications",)
MOD_POSTS = ("/admin/applications/1/approve", "/admin/applications/1/decline")
INVITE_RE = re.compile(r"/register\?invite=([A-Za-z0-9_-]{43})")


def setup():
    inst.setup()
    inst.start_server()
    clients["admin"] = harness.member(inst, "boss", role="admin")
    clients["member"] = harness.member(inst, "plain")
    harness.create_account(inst, "mod")
    inst.psql("UPDATE accounts SET role = 'moderator' WHERE username = 'mod'")
    clients["mod"] = harness.member(inst, "mod", create=False)


def settings_form(**changes):
    """The admin settings form as a browser would send it, with changes."""
    text = clients["admin"].get("/admin/settings").text
    found = harness.form_fields(text)
    mode = re.search(r'name="registration_mode" value="(\w+)" checked>', text)
    lang = re.search(r'<option value="([\w-]+)"[^>]* selected>', text)
    assert mode and lang, "no mode checked or no language selected"
    fields = {"name": found["name"], "description": found["description"],
              "registration_mode": mode.group(1), "default_language": lang.group(1)}
    if 'name="local_timeline_public" value="1" checked>' in text:
        fields["local_timeline_public"] = "1"
    fields.update(changes)
    return fields


def set_mode(mode):
    r = clients["admin"].post("/admin/settings", settings_form(registration_mode=mode))
    harness.assert_status(r, 303, "set mode " + mode)


def register(username, invite=None, note=None):
    fields = {"username": username, "password": PASSWORD}
    if invite is not None:
        fields["invite"] = invite
    if note is not None:
        fields["note"] = note
    return harness.WebClient(inst.port).post("/register", fields)


def exists(username):
    return inst.scalar("SELECT count(*) FROM accounts WHERE username = '%s'" % username) == "1"


def make_invite(**fields):
    r = clients["admin"].post("/admin/invites", fields)
    harness.assert_status(r, 200, "create invite")
    m = INVITE_RE.search(r.text)
    assert m, "no invite link on the page"
    return m.group(1), r


@test
def test_visitor_sent_to_login():
    """a visitor is sent to /login from every admin page"""
    c = harness.WebClient(inst.port)
    for path in ADMIN_GETS + MOD_GETS:
        r = c.get(path)
        harness.assert_status(r, 303, "visitor GET " + path)
        assert harness.location_path(r) == "/login?next=" + path
    for path in ADMIN_POSTS + MOD_POSTS:
        r = c.post(path, {})
        harness.assert_status(r, 303, "visitor POST " + path)
        assert harness.location_path(r).startswith("/login")


@test
def test_member_forbidden():
    """a member gets 403 on every admin page; a moderator only sees applications"""
    for path in ADMIN_GETS + MOD_GETS:
        harness.assert_status(clients["member"].get(path), 403, "member GET " + path)
    for path in ADMIN_POSTS + MOD_POSTS:
        harness.assert_status(clients["member"].post(path, {"name": "pwned"}), 403,
                              "member POST " + path)
    for path in ADMIN_GETS:
        harness.assert_status(clients["mod"].get(path), 403, "moderator GET " + path)
    harness.assert_status(clients["mod"].post("/admin/invites", {}), 403, "moderator invite")
    harness.assert_status(clients["mod"].get("/admin/applications"), 200, "moderator queue")
    assert inst.scalar("SELECT count(*) FROM instance_settings") == "0"
    assert inst.scalar("SELECT count(*) FROM invites") == "0"


@test
def test_instance_name():
    """the admin renames the instance: /about shows the new name, escaped"""
    r = clients["admin"].post("/admin/settings", settings_form(
        name="Night <Shift> & co", description="By us, for us."))
    harness.assert_status(r, 303, "save settings")
    assert harness.location_path(r) == "/admin/settings?notice=saved"
    r = harness.request(inst.port, "GET", "/about")
    assert "Night &lt;Shift&gt; &amp; co" in r.text and "<Shift>" not in r.text
    assert "By us, for us." in r.text
    fields = harness.form_fields(clients["admin"].get("/admin/settings").text)
    assert fields["name"] == "Night <Shift> & co"


@test
def test_settings_errors():
    """an empty name or an unknown mode: 422 with the form kept, nothing saved"""
    r = clients["admin"].post("/admin/settings", settings_form(name="", description="kept"))
    harness.assert_status(r, 422, "empty name")
    assert harness.form_fields(r.text)["description"] == "kept"
    r = clients["admin"].post("/admin/settings", settings_form(registration_mode="anyone"))
    harness.assert_status(r, 422, "bad mode")
    r = clients["admin"].post("/admin/settings", settings_form(default_language="fr"))
    harness.assert_status(r, 422, "bad language")
    assert "Night &lt;Shift&gt;" in harness.request(inst.port, "GET", "/about").text


@test
def test_settings_error_beside_its_field():
    """a refused field's error stands beside that field — its input marked aria-invalid,
    described by the error and focused — not above a form some 3,500 px long; nothing is
    saved and the other fields keep what was typed"""
    cases = [("name", {"name": ""}, "1 to 100 characters"),
             ("quick_exit_url", {"quick_exit_url": "javascript:alert(1)"}, "https://"),
             ("time_zone", {"time_zone": "Mars/Olympus"}, "time zone"),
             ("suspension_purge_days", {"suspension_purge_days": "9999"}, "0 to 3650"),
             ("suspension_purge_days", {"suspension_purge_days": "12x"}, "0 to 3650"),
             ("registration_mode", {"registration_mode": "anyone"}, "registration mode"),
             ("default_language", {"default_language": "fr"}, "language")]
    before = inst.psql("SELECT key, value FROM instance_settings ORDER BY key")
    for field, change, words in cases:
        fields = settings_form(description="typed, not saved", **change)
        r = clients["admin"].post("/admin/settings", fields)
        harness.assert_status(r, 422, "%s %r" % (field, change))
        text = r.text
        assert text.count('class="error"') == 1, (field, text)
        m = re.search(r'<p class="error" role="alert" id="%s-error"[^>]*>([^<]*)</p>' % field,
                      text)
        assert m and words in html.unescape(m.group(1)), (field, text[:4000])
        form_at = text.index('<form method="post" action="/admin/settings">')
        assert m.start() > form_at, "%s: the error is above the form" % field
        if field in ("registration_mode", "default_language"):
            # the radios' fieldset (the error itself takes the focus), or the list
            near = text[m.end():m.end() + 400]
            assert 'name="%s"' % field in near, (field, near)
        if field == "registration_mode":
            assert 'tabindex="-1" autofocus' in m.group(0), m.group(0)
        if field != "registration_mode":
            control = re.search(r'<(input|textarea|select)\b[^>]*\bid="%s"[^>]*>' % (
                field if field != "default_visibility" else "dv_public"), text[m.end():])
            assert control and control.start() < 20, (field, text[m.end():m.end() + 300])
            tag = control.group(0)
            assert 'aria-invalid="true"' in tag and "autofocus" in tag, tag
            assert re.search(r'aria-describedby="%s-error[" ]' % field, tag), tag
        assert harness.form_fields(text)["description"] == "typed, not saved"
        assert text.count("autofocus") == 1, field
    assert inst.psql("SELECT key, value FROM instance_settings ORDER BY key") == before


def title_of(text):
    m = re.search(r"<title>(.*?)</title>", text)
    assert m, "no title"
    return html.unescape(m.group(1))


def exit_link(text):
    m = re.search(r'<a class="quick-exit" href="([^"]*)" rel="noreferrer">([^<]*)</a>', text)
    assert m, "no quick exit on the page"
    return html.unescape(m.group(1)), m.group(2)


@test
def test_quick_exit_and_neutral_titles():
    """every page, for visitors and members, has a quick exit to the address the admin set
    (a Wikipedia default; only absolute http(s) addresses are taken, anything else is 422 and
    nothing saved); neutral titles make every tab say "Notes" (笔记) instead of the name"""
    zh = harness.WebClient(inst.port, lang="zh-CN")
    pages = [(None, "/about"), (None, "/login"), ("member", "/home"), ("member", "/settings"),
             ("admin", "/admin/settings")]

    def page(who, path):
        r = clients[who].get(path) if who else harness.request(inst.port, "GET", path)
        harness.assert_status(r, 200, path)
        return r.text
    for who, path in pages:
        assert exit_link(page(who, path)) == ("https://www.wikipedia.org/", "Quick exit"), path
    assert exit_link(zh.get("/about").text)[1] == ZH["Quick exit"]
    before = title_of(page(None, "/about"))
    for bad in ("javascript:alert(1)", "data:text/html,hi", "/local", "https://",
                "https://exa mple.org/", 'https://example.org/"onmouseover=x', "ftp://example.org/",
                "https://" + "a" * 500 + ".org/"):
        r = clients["admin"].post("/admin/settings", settings_form(quick_exit_url=bad))
        harness.assert_status(r, 422, "quick exit %r" % bad)
        assert "https://" in r.text and 'class="error"' in r.text, r.text
        assert exit_link(page(None, "/about"))[0] == "https://www.wikipedia.org/", bad
    r = clients["admin"].post("/admin/settings", settings_form(
        quick_exit_url=" https://weather.example/today?city=Oslo&units=c ", neutral_titles="1"))
    harness.assert_status(r, 303, "save the quick exit")
    for who, path in pages:
        text = page(who, path)
        assert exit_link(text)[0] == "https://weather.example/today?city=Oslo&units=c", path
        assert title_of(text) == "Notes", (path, title_of(text))
    assert title_of(zh.get("/about").text) == ZH["Notes"] == "笔记"
    fields = harness.form_fields(clients["admin"].get("/admin/settings").text)
    assert fields["quick_exit_url"] == "https://weather.example/today?city=Oslo&units=c"
    assert 'name="neutral_titles" value="1" checked>' in clients["admin"].get(
        "/admin/settings").text
    r = clients["admin"].post("/admin/settings", settings_form())  # the box unticked
    harness.assert_status(r, 303, "neutral titles off")
    assert title_of(page(None, "/about")) == before and before != "Notes"
    assert exit_link(page(None, "/about"))[0] == "https://weather.example/today?city=Oslo&units=c"


@test
def test_registration_mode_and_local_timeline():
    """the admin opens registrations and the local timeline, then closes them again"""
    assert register("opener").status == 422, "invite-only by default"
    r = clients["admin"].post("/admin/settings", settings_form(
        registration_mode="open", local_timeline_public="1"))
    harness.assert_status(r, 303, "open")
    assert inst.scalar("SELECT value FROM instance_settings"
                       " WHERE key = 'registration_mode'") == "open"
    assert inst.scalar("SELECT value FROM instance_settings"
                       " WHERE key = 'local_timeline_public'") == "true"
    r = register("opener")
    harness.assert_status(r, 303, "open sign-up")
    assert exists("opener")
    fields = settings_form(registration_mode="invite")
    assert fields.get("local_timeline_public") == "1", "the box is not ticked"
    del fields["local_timeline_public"]
    harness.assert_status(clients["admin"].post("/admin/settings", fields), 303, "close")
    assert inst.scalar("SELECT value FROM instance_settings"
                       " WHERE key = 'local_timeline_public'") == "false"
    harness.assert_status(register("closer"), 422, "closed again")
    assert not exists("closer")


@test
def test_invite_shown_once():
    """an invite link is shown once; the list shows uses and limits but never a code"""
    code, r = make_invite(max_uses="2", expires_days="7")
    assert "shown only this once" in r.text
    row = inst.psql("SELECT role, max_uses, expires_at > now() + interval '6 days', uses"
                    " FROM invites ORDER BY id DESC LIMIT 1")[0]
    assert row == ["member", "2", "t", "0"], row
    page = clients["admin"].get("/admin/invites")
    harness.assert_status(page, 200, "invites list")
    assert code not in page.text, "the list shows the code"
    assert not INVITE_RE.search(page.text), "the list shows a link"
    assert "0 / 2" in page.text, "no uses / max"
    harness.assert_status(register("invited1", code), 303, "sign up with the invite")
    assert exists("invited1")
    page = clients["admin"].get("/admin/invites").text
    assert "1 / 2" in page and code not in page
    # unlimited, never expiring
    code2, _ = make_invite()
    assert code2 != code
    row = inst.psql("SELECT coalesce(max_uses, 0), expires_at IS NULL FROM invites"
                    " ORDER BY id DESC LIMIT 1")[0]
    assert row == ["0", "t"], row
    page = clients["admin"].get("/admin/invites").text
    assert "no limit" in page and "never" in page and code2 not in page


@test
def test_invite_bad_input():
    """bad use counts or days: 422, no invite made, no link shown"""
    before = inst.scalar("SELECT count(*) FROM invites")
    for fields in ({"max_uses": "0"}, {"max_uses": "many"}, {"expires_days": "-1"},
                   {"expires_days": "366"}, {"max_uses": "10001"}):
        r = clients["admin"].post("/admin/invites", fields)
        harness.assert_status(r, 422, "invite %r" % fields)
        assert not INVITE_RE.search(r.text)
    # the errors are translated like the rest of the page
    for fields, zh in (({"max_uses": "abc"}, "使用次数必须是 1 到 10000 之间的整数"),
                       ({"expires_days": "abc"}, "天数必须是 1 到 365 之间的整数")):
        r = clients["admin"].post("/admin/invites", fields, headers={"Accept-Language": "zh-CN"})
        harness.assert_status(r, 422, "invite %r in Chinese" % fields)
        assert zh in r.text, r.text[:2000]
    assert inst.scalar("SELECT count(*) FROM invites") == before


@test
def test_invite_revoke():
    """revoking an invite makes its link unusable"""
    code, _ = make_invite()
    page = clients["admin"].get("/admin/invites").text
    m = re.search(r'action="(/admin/invites/(\d+)/revoke)"', page)
    assert m, "no revoke form"
    newest = inst.scalar("SELECT max(id) FROM invites")
    assert m.group(2) == newest, "the first revoke form is not the newest invite"
    r = clients["admin"].post(m.group(1), {"confirm": "1"})
    harness.assert_status(r, 303, "revoke")
    assert harness.location_path(r) == "/admin/invites?notice=invite_revoked"
    r = register("too_late", code)
    assert r.status == 422, "a revoked invite still works: %r" % r
    assert not exists("too_late")
    page = clients["admin"].get("/admin/invites").text
    assert 'action="%s"' % m.group(1) not in page, "a revoked invite offers revoking"
    assert re.search(r"revoked (just now|\d+ min ago)", page), "no revocation time"
    harness.assert_status(clients["admin"].post("/admin/invites/12345/revoke",
                                                {"confirm": "1"}), 404,
                          "unknown invite")


@test
def test_unusable_invite_link_says_so_at_once():
    """a revoked, used-up, expired or unknown invite link shows a clear error and no form
    (410, 404) before anything is typed; a usable one shows the form"""
    revoked, _ = make_invite()
    used, _ = make_invite(max_uses="1")
    expired, _ = make_invite(expires_days="1")
    fresh, _ = make_invite()
    inst.psql("UPDATE invites SET expires_at = now() - interval '1 minute'"
              " WHERE code_prefix = '%s'" % expired[:6])
    rid = inst.scalar("SELECT id FROM invites WHERE code_prefix = '%s'" % revoked[:6])
    harness.assert_status(clients["admin"].post("/admin/invites/%s/revoke" % rid, {"confirm": "1"}), 303,
                          "revoke")
    harness.assert_status(register("used_once", used), 303, "the one use")
    visitor = harness.WebClient(inst.port)
    for code, status, words in ((revoked, 410, "be used any more"),
                                (used, 410, "be used any more"),
                                (expired, 410, "be used any more"),
                                ("Z" * 43, 404, "is not valid")):
        r = visitor.get("/register?invite=" + code)
        assert r.status == status, (code, r)
        assert words in r.text, r.text[:2000]
        assert 'name="password"' not in r.text and 'action="/register"' not in r.text, \
            "the sign-up form is offered for an unusable invite"
    r = visitor.get("/register?invite=" + fresh)
    assert r.status == 200 and 'name="password"' in r.text, r
    zh = harness.WebClient(inst.port, lang="zh-CN").get("/register?invite=" + revoked)
    assert zh.status == 410 and ZH[
        "This invite link can't be used any more: it was revoked, has expired or is used up."
        " Ask the person who sent it for a new one."] in zh.text


@test
def test_invite_list_names_and_revoke():
    """each invite is named by the first characters of its link (not by the minute it was
    made) and its Revoke button says which; used-up, expired and revoked invites offer no
    Revoke; an admin invite is marked as one and expires after a day"""
    a, _ = make_invite()
    b, _ = make_invite()
    used, _ = make_invite(max_uses="1")
    harness.assert_status(register("named_used", used), 303, "the one use")
    page = clients["admin"].get("/admin/invites").text
    for code in (a, b):
        iid = inst.scalar("SELECT id FROM invites WHERE code_prefix = '%s'" % code[:6])
        m = re.search(r'<form[^>]*action="/admin/invites/%s/revoke">.*?<button[^>]*>([^<]*)'
                      r'</button>' % iid, page, re.S)
        assert m, "no revoke button for invite %s" % iid
        assert m.group(1) == "Revoke invite %s\u2026" % code[:6], m.group(1)
        assert ">Invite %s\u2026<" % code[:6] in page or "Invite %s\u2026" % code[:6] in page
    uid = inst.scalar("SELECT id FROM invites WHERE code_prefix = '%s'" % used[:6])
    assert "/admin/invites/%s/revoke" % uid not in page, "a used-up invite offers Revoke"
    assert used not in page and a not in page, "a whole code is shown"
    p = inst.cli("admin", "invite", "--admin")
    assert p.returncode == 0, harness.describe(p)
    row = inst.psql("SELECT role, max_uses, expires_at > now() + interval '23 hours',"
                    " expires_at <= now() + interval '24 hours' FROM invites"
                    " ORDER BY id DESC LIMIT 1")[0]
    assert row == ["admin", "1", "t", "t"], row
    page = clients["admin"].get("/admin/invites").text
    start = page.index('<h3 id="invite-')
    first = page[start:page.index("</li>", start)]
    assert "Admin invite" in first and "becomes an admin" in first, first
    code = p.stdout.strip().split("invite=")[1]
    r = harness.WebClient(inst.port).get("/register?invite=" + code)
    assert r.status == 200 and "makes you an admin" in r.text, r


@test
def test_applications():
    """approval mode: applications wait with their notes; approve lets in, decline deletes"""
    set_mode("approval")
    try:
        note = "I run a <peer> support group & need a safe place"
        r = register("applicant1", note=note)
        harness.assert_status(r, 303, "apply")
        harness.assert_status(register("applicant2", note="please"), 303, "apply 2")
        page = clients["mod"].get("/admin/applications")
        harness.assert_status(page, 200, "queue")
        assert "applicant1" in page.text and "applicant2" in page.text
        assert html.escape(note, quote=False) in page.text and "<peer>" not in page.text
        ids = dict((u, i) for i, u in re.findall(
            r'action="/admin/applications/(\d+)/approve"[\s\S]*?Approve (\w+)', page.text))
        assert set(ids) == {"applicant1", "applicant2"}, ids
        c = harness.WebClient(inst.port)
        assert c.login("applicant1", PASSWORD).status != 303, "signed in before approval"
        r = clients["mod"].post("/admin/applications/%s/approve" % ids["applicant1"], {})
        harness.assert_status(r, 303, "approve")
        assert "notice=application_approved" in harness.location_path(r)
        r = c.login("applicant1", PASSWORD)
        assert r.status == 303 and c.session, "approved applicant can't sign in: %r" % r
        r = clients["admin"].post("/admin/applications/%s/decline" % ids["applicant2"],
                                  {"confirm": "1"})
        harness.assert_status(r, 303, "decline")
        assert not exists("applicant2"), "a declined application's account remains"
        page = clients["mod"].get("/admin/applications").text
        assert "applicant1" not in page and "applicant2" not in page
        # deciding again: there is nothing to decide
        harness.assert_status(
            clients["mod"].post("/admin/applications/%s/approve" % ids["applicant2"], {}),
            404, "approve a declined application")
    finally:
        set_mode("invite")


@test
def test_csrf_missing():
    """admin forms without the CSRF token: 403"""
    r = clients["admin"].post("/admin/settings", settings_form(name="forged"), csrf=False)
    harness.assert_status(r, 403, "settings without csrf")
    r = clients["admin"].post("/admin/invites", {}, csrf=False)
    harness.assert_status(r, 403, "invite without csrf")
    assert "forged" not in harness.request(inst.port, "GET", "/about").text


@test
def test_admin_pages_shape():
    """admin pages are under 50 KB, without script, headings in order"""
    for who, path in (("admin", "/admin/settings"), ("admin", "/admin/invites"),
                      ("mod", "/admin/applications")):
        r = clients[who].get(path)
        assert len(r.body) < 50 * 1024 and "<script" not in r.text, path
        levels = [int(h) for h in re.findall(r"<h([1-6])", r.text)]
        assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:])), (
            path, levels)


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
