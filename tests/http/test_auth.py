"""Accounts: sign-up in the three registration modes, invites, sign-in and sign-out, CSRF,
sign-in rate limits, recovery codes, what the database keeps, and caching of member pages."""

import os
import re
import sys
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("auth")
test = suite.test
# A targeted account waits a minute from its 6th wrong password: long enough for the tests to
# see the wait on any machine (tests/http/test_proxy.py waits a shorter one out).
inst = harness.Instance(suite, "auth", signin_delay_first=60, signin_delay_max=60)
ZH = harness.po_translations("zh_CN")

PASSWORD = "correct horse battery"
# Every secret a test sends or receives, so the last tests can look for them in the database.
SECRETS = {"passwords": set(), "codes": set(), "invites": set(), "sessions": set()}
STATE = {}
_sources = [1]


def client(lang=None):
    """A WebClient from a loopback address no other client uses: each test has its own
    per-client sign-in budget (the server allows 30 attempts a quarter of an hour)."""
    _sources[0] += 1
    n = _sources[0]
    assert n < 250
    return harness.WebClient(inst.port, lang=lang, source="127.0.0.%d" % n)


def setup():
    inst.setup()
    inst.start_server()


# --- helpers -------------------------------------------------------------------------------------

def invite(*args):
    """Runs `parasol admin invite ARGS`; returns the code from the printed link."""
    p = inst.cli("admin", "invite", *args)
    assert p.returncode == 0, harness.describe(p)
    url = p.stdout.strip()
    u = urllib.parse.urlsplit(url)
    assert u.path == "/register", "invite link %r" % url
    code = urllib.parse.parse_qs(u.query).get("invite", [""])[0]
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,}", code), "invite code %r in %r" % (code, url)
    SECRETS["invites"].add(code)
    return code


def code_hash_sql(secret):
    return "'\\x%s'::bytea" % harness.sha256(secret.encode()).hex()


def invite_uses(code):
    return int(inst.scalar("SELECT uses FROM invites WHERE code_hash = %s" % code_hash_sql(code)))


def account_count():
    return int(inst.scalar("SELECT count(*) FROM accounts"))


def account_row(username):
    rows = inst.psql("SELECT id, role, approved, coalesce(application_note, '') FROM accounts "
                     "WHERE lower(username) = lower('%s')" % username)
    return rows[0] if rows else None


def create_account(username, password=PASSWORD, role=None):
    args = ["admin", "create-account", username] + (["--role", role] if role else [])
    p = inst.cli(*args, stdin=password + "\n")
    assert p.returncode == 0, harness.describe(p)
    SECRETS["passwords"].add(password)


def set_mode(mode):
    harness.db_change(inst, "INSERT INTO instance_settings (key, value)"
                      " VALUES ('registration_mode', '%s')"
                      " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value" % mode,
                      "settings")


def reset_mode():
    harness.db_change(inst, "DELETE FROM instance_settings WHERE key = 'registration_mode'",
                      "settings")


def register(c, username, password=PASSWORD, invite_code=None, note=None, **kw):
    fields = {"username": username, "password": password}
    if invite_code is not None:
        fields["invite"] = invite_code
    if note is not None:
        fields["note"] = note
    SECRETS["passwords"].add(password)
    r = c.post("/register", fields, **kw)
    if r.status != 303 or not harness.location_path(r).startswith("/recovery-codes"):
        return r
    # A sign-up is answered with a redirect to the page that shows the codes (so that a
    # reload never sends the form again): follow it, keeping the cookies the POST set.
    page = c.get(harness.location_path(r))
    page.posted = r
    page.set_cookies = dict(r.set_cookies, **page.set_cookies)
    return page


def error_text(r):
    m = re.search(r'<p class="error" role="alert">(.*?)</p>', r.text, re.S)
    return m.group(1).strip() if m else None


def recovery_codes(r):
    m = re.search(r'<ul class="codes">(.*?)</ul>', r.text, re.S)
    assert m, "no <ul class=\"codes\"> on the welcome page:\n%s" % r.text
    return re.findall(r"<code>([^<]*)</code>", m.group(1))


def assert_status(r, status, what):
    assert r.status == status, "%s: want %d, got %r" % (what, status, r)


def assert_redirect(r, path, what):
    assert r.status == 303, "%s: want 303 to %s, got %r" % (what, path, r)
    got = harness.location_path(r)
    assert got == path, "%s: Location %r, want %r" % (what, got, path)


def session_rows(token):
    return int(inst.scalar("SELECT count(*) FROM sessions WHERE token_hash = %s"
                           % code_hash_sql(token)))


def remember_session(c):
    if c.session:
        SECRETS["sessions"].add(c.session)


def sign_up_with_invite(username, *invite_args, password=PASSWORD):
    c = client()
    code = invite(*invite_args)
    r = register(c, username, password, code)
    assert_status(r, 200, "sign-up of %s" % username)
    remember_session(c)
    return c, r


# --- sign-up with an invite ----------------------------------------------------------------------

@test
def test_register_form_with_invite():
    """GET /register?invite=CODE shows the form with the invite in a hidden field"""
    code = invite()
    c = client()
    r = c.get("/register?invite=" + code)
    assert_status(r, 200, "GET /register?invite")
    hidden = [i for i in harness.page_inputs(r.text) if i.get("name") == "invite"]
    assert len(hidden) == 1, "want one invite field, got %r" % hidden
    assert hidden[0].get("type") == "hidden" and hidden[0].get("value") == code, hidden
    fields = harness.form_fields(r.text)
    for name in ("csrf", "username", "password"):
        assert name in fields, "no %r field on the form: %r" % (name, fields)
    assert fields["csrf"] == c.cookies.get("parasol_csrf"), "the form's csrf isn't the cookie's"
    assert "Joining is by invitation" not in r.text, "an invitee is told joining is closed"
    assert 'action="/register"' in r.text


@test
def test_register_with_invite():
    """POST /register with an invite: the welcome page, 8 recovery codes, a session cookie"""
    code = invite()
    before = account_count()
    c = client()
    r = register(c, "alice", PASSWORD, code)
    assert_status(r, 200, "POST /register")
    assert "Welcome!" in r.text, "not the welcome page:\n%s" % r.text
    codes = recovery_codes(r)
    assert len(codes) == 8, "want 8 recovery codes, got %r" % codes
    assert len(set(codes)) == 8, "recovery codes repeat: %r" % codes
    for k in codes:
        assert re.fullmatch(r"[A-Za-z0-9_-]{12,}", k), "weak-looking recovery code %r" % k
    SECRETS["codes"].update(codes)
    assert "parasol_session" in r.set_cookies, "no session cookie: %r" % r.headers.get_all(
        "Set-Cookie")
    token, attrs = r.set_cookies["parasol_session"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token), "session token %r is not 256 bits" % token
    assert attrs.get("httponly") is True, "session cookie without HttpOnly: %r" % attrs
    assert str(attrs.get("samesite", "")).lower() == "lax", "SameSite: %r" % attrs
    assert attrs.get("path") == "/", "Path: %r" % attrs
    assert "secure" not in attrs, "Secure on a plain-http instance: %r" % attrs
    cc = r.header("Cache-Control") or ""
    assert "no-store" in cc, "the page with the recovery codes has Cache-Control %r" % cc
    remember_session(c)
    assert account_count() == before + 1
    row = account_row("alice")
    assert row is not None and row[1] == "member" and row[2] == "t", row
    assert invite_uses(code) == 1, "invite uses %d" % invite_uses(code)
    assert int(inst.scalar("SELECT count(*) FROM recovery_codes WHERE account_id = %s"
                           % row[0])) == 8
    r = c.get("/")
    assert_redirect(r, "/home", "GET / signed in")
    STATE["alice"] = {"client": c, "codes": codes, "password": PASSWORD}


@test
def test_admin_invite_makes_admin():
    """an `admin invite --admin` link makes an admin, once"""
    code = invite("--admin")
    c = client()
    r = register(c, "first_admin", PASSWORD, code)
    assert_status(r, 200, "sign-up with an admin invite")
    row = account_row("first_admin")
    assert row is not None and row[1] == "admin", "role %r" % (row,)
    r = register(client(), "second_admin", PASSWORD, code)
    assert_status(r, 422, "a second sign-up with the admin invite")
    assert account_row("second_admin") is None


# --- invite-only mode ----------------------------------------------------------------------------

@test
def test_invite_only_without_invite():
    """invite-only (the default): no form without an invite; POST without one is 422"""
    c = client()
    r = c.get("/register")
    assert_status(r, 200, "GET /register")
    assert "Joining is by invitation" in r.text, "no invitation message:\n%s" % r.text
    assert 'name="password"' not in r.text, "a sign-up form without an invite"
    before = account_count()
    r = register(c, "no_invite", PASSWORD)
    assert_status(r, 422, "POST /register without invite")
    assert error_text(r), "no error message:\n%s" % r.text
    assert "parasol_session" not in r.set_cookies
    r = register(c, "empty_invite", PASSWORD, "")
    assert_status(r, 422, "POST /register with an empty invite")
    assert account_count() == before, "an account was created without an invite"


@test
def test_invite_used_up():
    """a used-up single-use invite is refused with 422"""
    code = invite("--uses", "1")
    r = register(client(), "once_a", PASSWORD, code)
    assert_status(r, 200, "first use")
    before = account_count()
    r = register(client(), "once_b", PASSWORD, code)
    assert_status(r, 422, "second use of a single-use invite")
    assert error_text(r), "no error message"
    assert account_count() == before and account_row("once_b") is None
    assert invite_uses(code) == 1, "uses %d" % invite_uses(code)


@test
def test_invite_race():
    """eight sign-ups at once with one single-use invite (a leaked link): exactly one account
    is made, the others are refused with 422 and write nothing; the invite counts one use"""
    import threading
    code = invite("--uses", "1")
    before = account_count()
    names = ["race_%d" % i for i in range(8)]
    clients = [client() for _ in names]
    for c in clients:  # each has its sign-up form's token already
        c.get("/register?invite=" + code)
    results = {}
    go = threading.Barrier(len(names))

    def one(c, name):
        go.wait()
        results[name] = c.post("/register", {"username": name, "password": PASSWORD,
                                             "invite": code}).status

    threads = [threading.Thread(target=one, args=(c, n)) for c, n in zip(clients, names)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = sorted(results.values())
    assert statuses == [303] + [422] * 7, results
    assert account_count() == before + 1
    assert invite_uses(code) == 1, "uses %d" % invite_uses(code)


@test
def test_invite_multi_use():
    """an invite with --uses 2 works twice, then no more"""
    code = invite("--uses", "2")
    assert_status(register(client(), "multi_a", PASSWORD, code), 200, "first use")
    assert_status(register(client(), "multi_b", PASSWORD, code), 200, "second use")
    assert_status(register(client(), "multi_c", PASSWORD, code), 422, "third use")
    assert invite_uses(code) == 2


@test
def test_invite_expired():
    """an expired invite is refused with 422"""
    code = invite("--days", "3")
    inst.psql("UPDATE invites SET expires_at = now() - interval '1 minute' WHERE code_hash = %s"
              % code_hash_sql(code))
    before = account_count()
    r = register(client(), "late_user", PASSWORD, code)
    assert_status(r, 422, "expired invite")
    assert account_count() == before and invite_uses(code) == 0


@test
def test_invite_revoked():
    """a revoked invite is refused with 422"""
    code = invite()
    inst.psql("UPDATE invites SET revoked_at = now() WHERE code_hash = %s" % code_hash_sql(code))
    before = account_count()
    r = register(client(), "revoked_user", PASSWORD, code)
    assert_status(r, 422, "revoked invite")
    assert account_count() == before and invite_uses(code) == 0


@test
def test_invite_unknown():
    """an invite code that was never issued is refused with 422"""
    before = account_count()
    r = register(client(), "guesser", PASSWORD, "A" * 22)
    assert_status(r, 422, "unknown invite")
    assert account_count() == before


# --- sign-up errors ------------------------------------------------------------------------------

@test
def test_duplicate_username():
    """a taken username (in any case) is 409; the form keeps the username, not the password"""
    code = invite("--uses", "5")
    assert_status(register(client(), "Dup_Name", PASSWORD, code), 200, "first sign-up")
    before, uses = account_count(), invite_uses(code)
    secret = "a different secret password"
    for name in ("Dup_Name", "dup_name", "DUP_NAME"):
        r = register(client(), name, secret, code)
        assert_status(r, 409, "sign-up as %s" % name)
        assert error_text(r) == "That username is taken.", "error %r" % error_text(r)
        fields = harness.form_fields(r.text)
        assert fields.get("username") == name, "username not kept: %r" % fields.get("username")
        assert fields.get("invite") == code, "invite not kept: %r" % fields.get("invite")
        assert secret not in r.text, "the password is echoed back"
        assert fields.get("password", "") == "", "password field filled: %r" % fields
        assert "parasol_session" not in r.set_cookies
    assert account_count() == before, "accounts written on a failed sign-up"
    assert invite_uses(code) == uses, "invite uses went from %d to %d" % (uses, invite_uses(code))


@test
def test_invalid_usernames():
    """invalid usernames are 422 and write nothing"""
    code = invite("--uses", "5")
    before = account_count()
    for name in ("bad name!", "a" * 31, "", "caf\u00e9", "dot.ted", "hy-phen", "@at"):
        r = register(client(), name, PASSWORD, code)
        assert_status(r, 422, "username %r" % name)
        assert error_text(r), "no error message for %r" % name
    assert account_count() == before
    assert invite_uses(code) == 0
    r = register(client(), "a" * 30, PASSWORD, code)
    assert_status(r, 200, "a 30-character username")


@test
def test_short_password():
    """a password under 10 characters is 422; exactly 10 is fine"""
    code = invite("--uses", "5")
    before = account_count()
    r = register(client(), "shorty", "123456789", code)
    assert_status(r, 422, "9-character password")
    assert "10" in (error_text(r) or ""), "error %r" % error_text(r)
    assert "123456789" not in r.text, "the password is echoed back"
    assert account_count() == before and invite_uses(code) == 0
    r = register(client(), "tenner", "0123456789", code)
    assert_status(r, 200, "10-character password")


@test
def test_short_password_counts_characters():
    """the minimum counts characters, not bytes: 6 Chinese characters are too short"""
    code = invite("--uses", "2")
    before = account_count()
    r = register(client(), "cjk_short", "\u5bc6\u7801\u5bc6\u7801\u5bc6\u7801", code)
    assert_status(r, 422, "a 6-character (18-byte) password")
    assert account_count() == before


@test
def test_error_in_chinese():
    """sign-up errors are translated (zh-CN)"""
    msg = "That username is taken."
    if msg not in ZH:
        raise harness.SkipTest("po/zh_CN.po has no translation of %r" % msg)
    code = invite()
    r = register(client(lang="zh-CN"), "alice", PASSWORD, code)
    assert_status(r, 409, "duplicate in zh-CN")
    assert error_text(r) == ZH[msg], "error %r, want %r" % (error_text(r), ZH[msg])


# --- open and approval modes ---------------------------------------------------------------------

@test
def test_open_mode():
    """open mode: sign-up without an invite"""
    set_mode("open")
    try:
        c = client()
        r = c.get("/register")
        assert_status(r, 200, "GET /register")
        assert "Joining is by invitation" not in r.text
        assert 'name="password"' in r.text, "no form in open mode"
        r = register(c, "open_user", PASSWORD)
        assert_status(r, 200, "open sign-up")
        assert len(recovery_codes(r)) == 8
        assert "parasol_session" in r.set_cookies
        remember_session(c)
        row = account_row("open_user")
        assert row is not None and row[2] == "t" and row[1] == "member", row
        assert c.signed_in()
    finally:
        reset_mode()
    r = register(client(), "open_after", PASSWORD)
    assert_status(r, 422, "back to invite-only")


@test
def test_approval_mode():
    """approval mode: an application waits with its note; it can sign in once approved"""
    set_mode("approval")
    try:
        c = client()
        r = c.get("/register")
        assert_status(r, 200, "GET /register")
        assert 'name="note"' in r.text, "no note field in approval mode"
        before = account_count()
        r = register(c, "applicant", PASSWORD)
        assert_status(r, 422, "no note")
        assert account_count() == before
        note = "I organise with the collective \u2014 \u4f60\u597d"
        r = register(c, "applicant", PASSWORD, note=note)
        assert_redirect(r, "/?notice=applied", "application")
        assert "parasol_session" not in r.set_cookies, "an applicant got a session"
        row = account_row("applicant")
        assert row is not None, "no account row for the applicant"
        assert row[2] == "f", "approved=%r" % row[2]
        assert row[3] == note, "note %r" % row[3]
        r = c.get("/?notice=applied")
        assert "A moderator will look at your application soon" in r.text

        # an invite skips the queue
        code = invite()
        r = register(client(), "invited_in_approval", PASSWORD, code)
        assert_status(r, 200, "invite in approval mode")
        assert account_row("invited_in_approval")[2] == "t"
    finally:
        reset_mode()

    c = client()
    r = c.login("applicant", PASSWORD)
    assert r.status in (403, 422), "unapproved sign-in: %r" % r
    assert "waiting" in (error_text(r) or ""), "error %r" % error_text(r)
    assert "parasol_session" not in r.set_cookies
    r = c.login("applicant", "not the password at all")
    assert_status(r, 401, "unapproved account, wrong password")
    assert "waiting" not in r.text, "a wrong password reveals the application state"
    inst.psql("UPDATE accounts SET approved = true WHERE username = 'applicant'")
    r = c.login("applicant", PASSWORD)
    assert r.status == 303 and re.match(r"^/recovery-codes\?welcome=1&view=[A-Za-z0-9_-]{43}$",
                                        harness.location_path(r)), \
        "approved sign-in: the codes first: %r" % r
    remember_session(c)


@test
def test_approval_note_limit():
    """approval mode: a note over 1,000 characters is 422 (not a server error); 1,000 is fine"""
    set_mode("approval")
    try:
        before = account_count()
        for note, what in (("x" * 1001, "1001 ASCII characters"),
                           ("\u4f60" * 1001, "1001 Chinese characters")):
            r = register(client(), "long_note", PASSWORD, note=note)
            assert_status(r, 422, "a note of %s" % what)
            assert error_text(r), "no error message"
        assert account_count() == before
        r = register(client(), "long_note", PASSWORD, note="\u4f60" * 1000)
        assert_redirect(r, "/?notice=applied", "a note of 1000 Chinese characters")
    finally:
        reset_mode()


# --- sign-in and sign-out ------------------------------------------------------------------------

@test
def test_login_failures_look_alike():
    """a wrong password and an unknown user get the same status and message"""
    create_account("bob")
    c = client()
    wrong = c.login("bob", "wrong password here")
    unknown = c.login("nobody_here", "wrong password here")
    invalid = c.login("not a name!", "wrong password here")
    for r, what in ((wrong, "wrong password"), (unknown, "unknown user"),
                    (invalid, "invalid username")):
        assert_status(r, 401, what)
        assert "parasol_session" not in r.set_cookies, what
        assert "wrong password here" not in r.text, "%s: password echoed" % what
    assert error_text(wrong) == error_text(unknown) == error_text(invalid), (
        error_text(wrong), error_text(unknown), error_text(invalid))
    assert error_text(wrong), "no error message"
    assert harness.form_fields(wrong.text).get("username") == "bob", "username not kept"
    assert not c.signed_in()


@test
def test_login_success():
    """sign-in: 303 to /home, a session cookie, case-insensitive username"""
    c = client()
    r = c.login("BOB", PASSWORD)
    assert_redirect(r, "/home", "sign-in")
    token, attrs = r.set_cookies.get("parasol_session", (None, {}))
    assert token and attrs.get("httponly") is True and \
        str(attrs.get("samesite", "")).lower() == "lax" and attrs.get("path") == "/", attrs
    remember_session(c)
    assert session_rows(token) == 1
    assert c.signed_in()
    for path in ("/login", "/register", "/"):
        assert_redirect(c.get(path), "/home", "signed-in GET %s" % path)


@test
def test_login_next():
    """sign-in goes to `next` when it is a local path, else to /home"""
    cases = [
        ("/about", "/about"),
        ("/@bob?x=1", "/@bob?x=1"),
        ("//evil.example", "/home"),
        ("//evil.example/path", "/home"),
        ("https://evil.example", "/home"),
        ("/\\evil.example", "/home"),
        ("javascript:alert(1)", "/home"),
        ("", "/home"),
        ("/tags/%E6%80%A7?max_id=12#s-3", "/tags/%E6%80%A7?max_id=12#s-3"),
        # browsers strip tabs and newlines from a Location, and read '\' as '/'
        ("/\t/evil.example", "/home"),
        ("/\t\t/evil.example/x", "/home"),
        ("/\n/evil.example", "/home"),
        ("/\r\n/evil.example", "/home"),
        ("/ /evil.example", "/home"),
        ("/\\/evil.example", "/home"),
        ("/a\\..\\..\\evil", "/home"),
        ("\t//evil.example", "/home"),
        ("https:evil.example", "/home"),
        ("https:/evil.example", "/home"),
        ("https://evil.example/", "/home"),
        ("HTTPS://evil.example", "/home"),
        ("/\u3000/evil.example", "/home"),
        ("/\x7f/evil.example", "/home"),
        # encoded variants, for whatever decodes them once more
        ("/%09/evil.example", "/home"),
        ("/%0a/evil.example", "/home"),
        ("/%2F/evil.example", "/home"),
        ("/%2f%2fevil.example", "/home"),
        ("/%5Cevil.example", "/home"),
        ("/%5cevil.example", "/home"),
        ("/%", "/home"),
        ("/%g0", "/home"),
        ("/\"><script>", "/home"),
        ("/" + "a" * 1100, "/home"),
        ("/login?next=//evil.example", "/home"),
        # an escaped '/' is refused in the path, and names no place in the query
        ("/%2F/evil.example?q=%2F", "/home"),
        ("/search?q=a%2Fb%5C", "/search?q=a%2Fb%5C"),
    ]
    c = client()
    r = c.get("/login?next=" + urllib.parse.quote("/about"))
    assert harness.form_fields(r.text).get("next") == "/about", "next not on the form"
    # the link a browser follows: ?next=/%09/evil.example is decoded to "/<tab>/evil.example"
    for raw in ("/%09/evil.example", "%2F%09%2Fevil.example", "/%5C/evil.example",
                "%2F%2Fevil.example", "https%3A%2F%2Fevil.example"):
        r = client().get("/login?next=" + raw)
        assert r.status == 200, r
        assert harness.form_fields(r.text).get("next", "") == "", \
            "next=%s kept on the form: %r" % (raw, harness.form_fields(r.text).get("next"))
    for nxt, want in cases:
        c = client()
        r = c.login("bob", PASSWORD, next=nxt)
        assert r.status == 303, "next=%r: %r" % (nxt, r)
        loc = r.header("Location")
        assert loc == want or harness.location_path(r) == want and \
            urllib.parse.urlsplit(loc).netloc in ("", "127.0.0.1:%d" % inst.port), \
            "next=%r: Location %r, want %r" % (nxt, loc, want)
        remember_session(c)


@test
def test_signin_returns_with_query():
    """a visitor sent to sign in from a page with a query comes back to that page with the
    same arguments (spaces, '&', '+', '/', ':' and non-ASCII intact)"""
    args = [("max_id", "123"), ("q", "a b&c=d+e"), ("u", "https://x.example/p?y"),
            ("z", "中文")]
    for page in ("/home", "/settings/export"):
        c = client()
        addr = page + "?" + urllib.parse.urlencode(args)
        r = c.get(addr)
        assert r.status == 303, "%s: %r" % (addr, r)
        loc = harness.location_path(r)
        assert loc.startswith("/login?next="), loc
        r = c.get(loc)
        nxt = harness.form_fields(r.text).get("next")
        assert nxt, "next not on the form for %s: %r" % (addr, loc)
        r = c.login("bob", PASSWORD, next=nxt)
        back = urllib.parse.urlsplit(harness.location_path(r))
        assert back.path == page, (addr, harness.location_path(r))
        assert urllib.parse.parse_qsl(back.query) == args, (addr, harness.location_path(r))
        remember_session(c)


@test
def test_logout():
    """sign-out clears the cookie and deletes the session; the old cookie is dead"""
    c = client()
    assert_redirect(c.login("bob", PASSWORD), "/home", "sign-in")
    token = c.session
    remember_session(c)
    assert session_rows(token) == 1
    r = c.logout()
    assert r.status == 303, "POST /logout: %r" % r
    assert harness.location_path(r).startswith("/"), r.header("Location")
    val, attrs = r.set_cookies.get("parasol_session", (None, {}))
    assert val == "" and attrs.get("max-age") == "0", "cookie not cleared: %r" % (
        r.headers.get_all("Set-Cookie"),)
    assert c.session is None
    assert session_rows(token) == 0, "the session row outlived the sign-out"
    stale = harness.WebClient(inst.port)
    stale.cookies["parasol_session"] = token
    r = stale.get("/login")
    assert_status(r, 200, "GET /login with the old cookie")
    assert "parasol_session" in r.set_cookies and r.set_cookies["parasol_session"][0] == "", \
        "a stale cookie is not cleared"
    r = stale.get("/")
    assert r.status == 200, "GET / with the old cookie: %r" % r
    assert "no-store" not in (r.header("Cache-Control") or "")


@test
def test_session_expired():
    """a session past its expiry is not signed in"""
    c = client()
    assert_redirect(c.login("bob", PASSWORD), "/home", "sign-in")
    remember_session(c)
    inst.psql("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = %s"
              % code_hash_sql(c.session))
    assert not c.signed_in(), "an expired session still signs in"


# --- CSRF ----------------------------------------------------------------------------------------

@test
def test_csrf_cookie():
    """the CSRF cookie is HttpOnly, SameSite=Strict, Path=/, 256 bits"""
    c = client()
    r = c.get("/login")
    assert "parasol_csrf" in r.set_cookies, "no CSRF cookie on a form page"
    val, attrs = r.set_cookies["parasol_csrf"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", val), val
    assert attrs.get("httponly") is True, attrs
    assert str(attrs.get("samesite", "")).lower() == "strict", attrs
    assert attrs.get("path") == "/", attrs
    assert "secure" not in attrs, attrs
    assert harness.form_fields(r.text).get("csrf") == val
    r = c.get("/register")
    assert "parasol_csrf" not in r.set_cookies, "a new CSRF token on every page"


@test
def test_csrf_refused():
    """POST /login, /register, /logout without the CSRF token, or with a wrong one: 403"""
    signed = client()
    assert_redirect(signed.login("bob", PASSWORD), "/home", "sign-in")
    remember_session(signed)
    code = invite()
    other = harness.WebClient(inst.port).csrf()
    forms = [
        ("/login", {"username": "bob", "password": PASSWORD}),
        ("/register", {"username": "csrf_victim", "password": PASSWORD, "invite": code}),
        ("/logout", {}),
        ("/recover", {"username": "bob", "code": "x" * 14, "password": "new password 1"}),
    ]
    for path, fields in forms:
        for what, token in (("no token", False), ("a wrong token", other),
                            ("an empty token", "")):
            c = signed if path == "/logout" else client()
            c.csrf()
            r = c.post(path, fields, csrf=token)
            assert_status(r, 403, "POST %s with %s" % (path, what))
            assert "parasol_session" not in r.set_cookies, "POST %s with %s: %r" % (
                path, what, r.headers.get_all("Set-Cookie"))
        # the token in the form but no cookie (a cross-site page can't set one)
        c = client()
        token = c.csrf()
        del c.cookies["parasol_csrf"]
        r = c.post(path, fields, csrf=token)
        assert_status(r, 403, "POST %s with the token but no cookie" % path)
    assert account_row("csrf_victim") is None and invite_uses(code) == 0
    assert signed.signed_in(), "a refused logout signed the member out"


# --- rate limits ---------------------------------------------------------------------------------

@test
def test_rate_limit_per_account():
    """after 5 wrong passwords an account's next attempt waits: even the right one gets 429
    with Retry-After until then, from any client; other accounts don't wait"""
    create_account("carol")
    create_account("dave")
    c = client()
    for i in range(6):
        r = c.login("carol", "wrong password %d" % i)
        assert_status(r, 401, "wrong password #%d" % (i + 1))
    r = c.login("Carol", PASSWORD)
    assert_status(r, 429, "the 7th attempt (right password)")
    assert "wait a minute" in (error_text(r) or ""), error_text(r)
    assert 1 <= int(r.header("Retry-After") or "0") <= 60, r.header("Retry-After")
    assert "parasol_session" not in r.set_cookies
    # another client waits too: the wait is the account's
    r = client().login("carol", PASSWORD)
    assert_status(r, 429, "the right password from another client")
    # the same client can still sign in to another account
    r = c.login("dave", PASSWORD)
    assert_redirect(r, "/home", "another account from the same client")
    remember_session(c)


@test
def test_taken_usernames_count_as_failures():
    """open mode: asking /register which usernames are taken counts as failures of the
    client: after 30 the 31st attempt gets 429 even for a free name, and writes nothing;
    another client signs up"""
    create_account("tara")
    set_mode("open")
    try:
        c = client()
        for i in range(30):
            r = register(c, ("tara", "TARA", "Tara")[i % 3], PASSWORD)
            assert_status(r, 409, "taken name #%d" % (i + 1))
        r = register(c, "tara_free", PASSWORD)
        assert_status(r, 429, "attempt #31 (a free name)")
        assert 1 <= int(r.header("Retry-After") or "0") <= 900, r.header("Retry-After")
        assert account_row("tara_free") is None
        r = register(client(), "tara_free", PASSWORD)
        assert r.status in (200, 303), r
        assert account_row("tara_free") is not None
    finally:
        reset_mode()


@test
def test_rate_limit_per_client():
    """30 failures from one client, whatever the accounts: the 31st attempt gets 429 with
    Retry-After; another client is not affected"""
    create_account("erin")
    c = client()
    for i in range(30):
        r = c.login("unknown_%d" % i, "wrong password")
        assert_status(r, 401, "attempt #%d" % (i + 1))
    r = c.login("erin", PASSWORD)
    assert_status(r, 429, "attempt #31 (right password)")
    assert "Too many sign-in attempts" in (error_text(r) or ""), error_text(r)
    assert 1 <= int(r.header("Retry-After") or "0") <= 900, r.header("Retry-After")
    r = client().login("erin", PASSWORD)
    assert_redirect(r, "/home", "the same account from another client")


@test
def test_recovery_limits():
    """wrong recovery codes count as failures of the client and of the account"""
    create_account("gwen")
    c = client()
    for i in range(6):
        r = c.post("/recover", {"username": "gwen", "code": "wrongcode%05d" % i,
                                "password": "a new password 1"})
        assert_status(r, 401, "wrong code #%d" % (i + 1))
    r = client().login("gwen", PASSWORD)
    assert_status(r, 429, "sign-in to the account during its wait")


# --- recovery ------------------------------------------------------------------------------------

@test
def test_recovery():
    """a recovery code sets a new password once and ends the account's sessions"""
    alice = STATE.get("alice")
    if alice is None:
        raise AssertionError("needs the account made by test_register_with_invite")
    welcome_client = alice["client"]
    assert welcome_client.signed_in(), "the sign-up session is gone already"
    other = client()
    assert_redirect(other.login("alice", PASSWORD), "/home", "sign-in")
    remember_session(other)
    account_id = account_row("alice")[0]

    code = alice["codes"][3]
    new_password = "a brand new passphrase"
    SECRETS["passwords"].add(new_password)
    c = client()
    r = c.get("/recover")
    assert_status(r, 200, "GET /recover")
    for name in ("username", "code", "password", "csrf"):
        assert name in harness.form_fields(r.text), "no %r field" % name

    # a wrong code or a wrong username changes nothing
    r = c.post("/recover", {"username": "alice", "code": "x" * len(code),
                            "password": new_password})
    assert r.status in (401, 403, 422), "wrong code: %r" % r
    assert error_text(r), "no error message"
    r = c.post("/recover", {"username": "bob", "code": code, "password": new_password})
    assert r.status in (401, 403, 422), "another member's name with alice's code: %r" % r
    r = c.post("/recover", {"username": "alice", "code": code, "password": "short"})
    assert_status(r, 422, "short new password")
    assert welcome_client.signed_in()

    r = c.post("/recover", {"username": "ALICE", "code": code, "password": new_password})
    assert_redirect(r, "/login?notice=recovered", "recovery")
    r = c.get("/login?notice=recovered")
    assert "Sign in with it now" in r.text, "no notice on /login"
    assert not welcome_client.signed_in(), "the sign-up session survived the recovery"
    assert not other.signed_in(), "another session survived the recovery"
    assert int(inst.scalar("SELECT count(*) FROM sessions WHERE account_id = %s"
                           % account_id)) == 0
    assert int(inst.scalar("SELECT count(*) FROM recovery_codes WHERE account_id = %s AND "
                           "used_at IS NOT NULL" % account_id)) == 1

    c = client()
    assert_status(c.login("alice", PASSWORD), 401, "the old password")
    r = c.login("alice", new_password)
    assert_redirect(r, "/home", "the new password")
    remember_session(c)

    third = "yet another passphrase"
    r = client().post("/recover", {"username": "alice", "code": code, "password": third})
    assert r.status in (401, 403, 422), "the same code again: %r" % r
    assert_status(client().login("alice", third), 401, "the password from a reused code")
    assert c.signed_in(), "a refused recovery ended a session"

    # another code still works
    r = client().post("/recover", {"username": "alice", "code": alice["codes"][0],
                                   "password": third})
    assert_redirect(r, "/login?notice=recovered", "a second code")
    SECRETS["passwords"].add(third)
    assert_redirect(client().login("alice", third), "/home", "sign-in after the second code")


# --- what is stored ------------------------------------------------------------------------------

@test
def test_no_secrets_in_database():
    """no password, recovery code, invite code or session token is stored in clear"""
    assert SECRETS["passwords"] and SECRETS["codes"] and SECRETS["invites"] and \
        SECRETS["sessions"], "earlier tests collected no secrets: %r" % {
            k: len(v) for k, v in SECRETS.items()}
    dump = inst.cluster.dump_data(inst.dbname)
    with open(harness.output_path("auth.dump.sql"), "w", encoding="utf-8") as f:
        f.write(dump)
    for kind, values in SECRETS.items():
        for v in values:
            assert v not in dump, "a %s is in the database in clear: %r" % (kind[:-1], v)
    assert not harness.IPV4_RE.search(dump), "an IP address in the database: %r" % (
        harness.IPV4_RE.search(dump).group(0))
    bad = inst.scalar("SELECT count(*) FROM accounts WHERE password_hash NOT LIKE '$argon2id$%'")
    assert bad == "0", "%s password hashes are not Argon2id" % bad


@test
def test_hashes_are_sha256():
    """sessions, recovery codes and invites are kept as 32-byte SHA-256 hashes"""
    for table, col in (("sessions", "token_hash"), ("recovery_codes", "code_hash"),
                       ("invites", "code_hash")):
        n, bad = inst.psql("SELECT count(*), count(*) FILTER (WHERE octet_length(%s) <> 32) "
                           "FROM %s" % (col, table))[0]
        assert int(n) > 0, "no rows in %s" % table
        assert bad == "0", "%s rows of %s have a %s that is not 32 bytes" % (bad, table, col)
    live = [t for t in SECRETS["sessions"] if session_rows(t) == 1]
    assert live, "no live session of the recorded ones is in the table"


# --- caching -------------------------------------------------------------------------------------

@test
def test_cache_control():
    """member pages send Cache-Control: no-store; visitors' pages don't"""
    visitor = client()
    for path in ("/", "/about", "/login", "/register", "/recover"):
        r = visitor.get(path)
        assert_status(r, 200, "visitor GET %s" % path)
        cc = r.header("Cache-Control") or ""
        assert "no-store" not in cc, "visitor %s: Cache-Control %r" % (path, cc)
    member = client()
    assert_redirect(member.login("bob", PASSWORD), "/home", "sign-in")
    remember_session(member)
    for path in ("/", "/about", "/recover", "/nope-not-found"):
        r = member.get(path)
        cc = r.header("Cache-Control") or ""
        assert "no-store" in cc, "member %s (%d): Cache-Control %r" % (path, r.status, cc)
    r = member.logout()
    assert "no-store" in (r.header("Cache-Control") or ""), \
        "the sign-out answer: Cache-Control %r" % r.header("Cache-Control")


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
