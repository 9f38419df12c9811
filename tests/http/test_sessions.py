"""Sessions: the CSRF token bound to the session, "Don't keep me signed in on this device"
(a cookie that ends with the browser, a session that ends after idle hours), the sessions list
in Settings (start time and a coarse label only) with sign-out per session, and __Host- cookie
names on a node served over https."""

import os
import re
import sys
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("sessions")
test = suite.test
inst = harness.Instance(suite, "sessions")
# base_url https: the node sits behind a TLS proxy; the test talks plain http to it directly,
# as the proxy would.
tls = harness.Instance(suite, "sessions_https", base_url="https://parasol.example")
PASSWORD = harness.PASSWORD
ZH = harness.po_translations("zh_CN")
FIREFOX_ANDROID = ("Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0")
CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                  "Gecko) Chrome/126.0.6478.126 Safari/537.36")
_sources = [1]


def client(lang=None, ua=None):
    _sources[0] += 1
    c = harness.WebClient(inst.port, lang=lang, source="127.0.0.%d" % _sources[0])
    if ua:
        orig = c.request

        def request(method, path, body=None, headers=None):
            h = {"User-Agent": ua}
            h.update(headers or {})
            return orig(method, path, body, h)
        c.request = request
    return c


def setup():
    for i in (inst, tls):
        i.setup()
        i.start_server()
    for name in ("rose", "lily", "iris", "fern"):
        harness.create_account(inst, name)
    harness.create_account(tls, "rose")


def session_row(token, cols):
    return inst.psql("SELECT %s FROM sessions WHERE token_hash = '\\x%s'::bytea" % (
        cols, harness.sha256(token.encode()).hex()))


def signed_in_as(c, name):
    return c.signed_in() and ("@" + name) in c.get("/settings").text


def sign_in(c, name, **fields):
    r = c.post("/login", dict({"username": name, "password": PASSWORD}, **fields))
    assert r.status == 303 and c.session, "sign-in of %s: %r" % (name, r)
    return r


# --- CSRF ----------------------------------------------------------------------------------------

@test
def test_csrf_bound_to_session():
    """a member's form token is derived from the session: the visitor cookie's token, another
    session's token and a signed-out session's token are refused"""
    c = client()
    visitor_token = c.csrf()  # the parasol_csrf cookie, before signing in
    sign_in(c, "rose")
    token = harness.form_fields(c.get("/settings").text)["csrf"]
    assert token != visitor_token and token != c.cookies.get("parasol_csrf"), \
        "the member's token is the visitor cookie's"
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token), token
    fields = {"language": "", "default_visibility": "public"}
    r = c.post("/settings/preferences", fields, csrf=visitor_token)
    assert r.status == 403, "the visitor cookie's token after sign-in: %r" % r
    other = client()
    sign_in(other, "rose")
    other_token = harness.form_fields(other.get("/settings").text)["csrf"]
    assert other_token != token
    r = c.post("/settings/preferences", fields, csrf=other_token)
    assert r.status == 403, "another session's token: %r" % r
    r = c.post("/settings/preferences", fields, csrf=token)
    assert r.status == 303, "the session's own token: %r" % r
    # every page of the session carries the same token
    assert harness.form_fields(c.get("/about").text)["csrf"] == token
    # a new session, a new token: the old one is dead
    assert c.logout().status == 303
    sign_in(c, "rose")
    r = c.post("/settings/preferences", fields, csrf=token)
    assert r.status == 403, "the previous session's token: %r" % r
    assert c.post("/settings/preferences", fields).status == 303


# --- don't keep me signed in ---------------------------------------------------------------------

@test
def test_dont_keep_me_signed_in():
    """the checkbox gives a cookie without Max-Age (gone when the browser closes) and a session
    that ends after two idle hours; without it the cookie lasts 14 days and idleness doesn't
    end it"""
    r = client().get("/login")
    assert 'name="forget"' in r.text and "keep me signed in" in r.text, "no checkbox"
    zh = client(lang="zh-CN").get("/login").text
    assert ZH["Don't keep me signed in on this device"] in zh, "not translated"
    short = client()
    r = sign_in(short, "lily", forget="1")
    val, attrs = r.set_cookies["parasol_session"]
    assert "max-age" not in attrs and "expires" not in attrs, attrs
    assert session_row(val, "persistent") == [["f"]]
    kept = client()
    r = sign_in(kept, "lily")
    val2, attrs2 = r.set_cookies["parasol_session"]
    assert attrs2.get("max-age") == str(14 * 86400), attrs2
    assert session_row(val2, "persistent") == [["t"]]
    # use keeps the short session alive; two idle hours end it
    for token in (val, val2):
        inst.psql("UPDATE sessions SET last_used_at = now() - interval '119 minutes' "
                  "WHERE token_hash = '\\x%s'::bytea" % harness.sha256(token.encode()).hex())
    assert short.signed_in(), "ended before two idle hours"
    assert session_row(val, "last_used_at > now() - interval '1 minute'") == [["t"]], \
        "use did not move the idle clock"
    for token in (val, val2):
        inst.psql("UPDATE sessions SET last_used_at = now() - interval '121 minutes' "
                  "WHERE token_hash = '\\x%s'::bytea" % harness.sha256(token.encode()).hex())
    assert not short.signed_in(), "a short session outlived two idle hours"
    assert session_row(val, "1") == [], "the idle session's row is still there"
    assert kept.signed_in(), "a kept session ended after two idle hours"
    # a failed sign-in keeps the box as it was
    r = client().post("/login", {"username": "lily", "password": "wrong", "forget": "1"})
    assert r.status == 401 and re.search(r'id="forget"[^>]*checked', r.text), r


# --- the sessions list ---------------------------------------------------------------------------

@test
def test_sessions_list():
    """Settings lists each session with its start and a coarse label, marks this device, and
    signs one session out without touching the others"""
    phone = client(ua=FIREFOX_ANDROID)
    sign_in(phone, "iris")
    laptop = client(ua=CHROME_WINDOWS)
    sign_in(laptop, "iris")
    text = laptop.get("/settings").text
    section = text[text.index('id="sessions"'):]
    assert "Firefox, Android" in section and "Chrome, Windows" in section, section[:2000]
    for leak in ("128.0", "126.0", "Win64", "Gecko", "127.0.0."):
        assert leak not in section, "%r in the sessions list" % leak
    assert len(re.findall(r"/settings/sessions/[0-9]+/end", section)) == 2, section[:2000]
    assert re.search(r"Chrome, Windows</span>[^<]*<time[^>]*>[^<]+</time>[^<]*<strong>"
                     r"this device", section), section[:2000]
    # only the label is stored: no user agent, no address
    rows = inst.psql("SELECT s.label FROM sessions s JOIN accounts a ON a.id = s.account_id "
                     "WHERE a.username = 'iris' ORDER BY s.id")
    assert rows == [["Firefox, Android"], ["Chrome, Windows"]], rows
    phone_id = inst.scalar("SELECT s.id FROM sessions s JOIN accounts a ON a.id = s.account_id"
                           " WHERE a.username = 'iris' AND s.label = 'Firefox, Android'")
    # another member can't end it
    fern = client()
    sign_in(fern, "fern")
    r = fern.post("/settings/sessions/%s/end" % phone_id, {})
    assert r.status == 404, "another member ended iris's session: %r" % r
    assert phone.signed_in()
    r = laptop.post("/settings/sessions/%s/end" % phone_id, {})
    assert r.status == 303 and harness.location_path(r).startswith("/settings"), r
    assert not phone.signed_in(), "the phone is still signed in"
    assert laptop.signed_in(), "the laptop was signed out too"
    assert "Firefox, Android" not in laptop.get("/settings").text
    # ending it again, or a malformed id
    assert laptop.post("/settings/sessions/%s/end" % phone_id, {}).status == 404
    assert laptop.post("/settings/sessions/x1/end", {}).status == 404
    # signing this device out from the list signs out here
    own = inst.scalar("SELECT s.id FROM sessions s JOIN accounts a ON a.id = s.account_id"
                      " WHERE a.username = 'iris'")
    r = laptop.post("/settings/sessions/%s/end" % own, {})
    assert r.status == 303 and urllib.parse.urlsplit(r.header("Location")).path == "/login", r
    assert not laptop.signed_in()
    # in Chinese
    zh = client(lang="zh-CN", ua=FIREFOX_ANDROID)
    sign_in(zh, "iris")
    assert ZH["Sign out this session"] in zh.get("/settings").text


# --- __Host- cookies -----------------------------------------------------------------------------

def cookie_header(r, name):
    for v in r.headers.get_all("Set-Cookie") or []:
        if v.startswith(name + "="):
            return v
    return None


@test
def test_host_cookies_over_https():
    """with base_url https the cookies are __Host-parasol_session and __Host-parasol_csrf:
    Secure, Path=/, no Domain; the plain names mean nothing there"""
    r = harness.request(tls.port, "GET", "/login")
    csrf = cookie_header(r, "__Host-parasol_csrf")
    assert csrf, r.headers.get_all("Set-Cookie")
    assert cookie_header(r, "parasol_csrf") is None
    token = csrf.split(";", 1)[0].split("=", 1)[1]
    attrs = [a.strip().lower() for a in csrf.split(";")[1:]]
    assert "secure" in attrs and "path=/" in attrs and not any(
        a.startswith("domain") for a in attrs), csrf
    body = urllib.parse.urlencode({"username": "rose", "password": PASSWORD, "csrf": token})
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    # the token under the plain name is not this node's cookie
    r = harness.request(tls.port, "POST", "/login", body=body.encode(),
                        headers=dict(form, Cookie="parasol_csrf=" + token))
    assert r.status == 403, "the plain-named CSRF cookie: %r" % r
    r = harness.request(tls.port, "POST", "/login", body=body.encode(),
                        headers=dict(form, Cookie="__Host-parasol_csrf=" + token))
    assert r.status == 303, r
    session = cookie_header(r, "__Host-parasol_session")
    assert session and cookie_header(r, "parasol_session") is None, \
        r.headers.get_all("Set-Cookie")
    attrs = [a.strip().lower() for a in session.split(";")[1:]]
    assert "secure" in attrs and "path=/" in attrs and "httponly" in attrs and not any(
        a.startswith("domain") for a in attrs), session
    value = session.split(";", 1)[0].split("=", 1)[1]
    r = harness.request(tls.port, "GET", "/settings",
                        headers={"Cookie": "__Host-parasol_session=" + value})
    assert r.status == 200 and "@rose" in r.text, r
    assert "no-store" in (r.header("Cache-Control") or "")
    r = harness.request(tls.port, "GET", "/settings",
                        headers={"Cookie": "parasol_session=" + value})
    assert r.status == 303 and "/login" in r.header("Location"), \
        "the plain-named session cookie signed in: %r" % r


harness.add_server_end_tests(suite, lambda: inst.server)
harness.add_server_end_tests(suite, lambda: tls.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
