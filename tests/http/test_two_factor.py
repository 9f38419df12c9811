"""Two-factor sign-in with TOTP (RFC 6238): enrolment (a QR code drawn by the server, the
secret as base32 text, on only after a right first code, eight new recovery codes), the code
step of signing in (a half-signed-in state with no session powers, bound to its cookie, used
once, expiring), one answer for a wrong password and a wrong code, replayed codes refused, the
±1 step window, recovery codes for a lost phone, turning it off (password + code), the sign-in
limits at the code step, and the secret sealed at rest.

The server's TOTP clock is injected: it reads the Unix time from the file named by
PARASOL_TEST_CLOCK_FILE, which the tests write, so no test waits for or races a 30-second
step."""

import base64
import hashlib
import hmac
import os
import re
import struct
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("two_factor")
test = suite.test
# A targeted account waits a minute from its 6th failure: long enough to see on any machine.
inst = harness.Instance(suite, "two_factor", signin_delay_first=60, signin_delay_max=60)
PASSWORD = harness.PASSWORD
ZH = harness.po_translations("zh_CN")
CLOCK = {"path": None, "now": 1800000015}  # 15 s into step 60,000,000
SECRETS = {}  # name -> secret bytes
_sources = [1]


def client(lang=None):
    _sources[0] += 1
    assert _sources[0] < 250
    return harness.WebClient(inst.port, lang=lang, source="127.0.0.%d" % _sources[0])


def set_clock(t):
    CLOCK["now"] = t
    with open(CLOCK["path"], "w") as f:
        f.write("%d\n" % t)


def next_step():
    """Moves the server's clock to the middle of the next 30-second step."""
    set_clock((CLOCK["now"] // 30 + 1) * 30 + 15)


def totp(secret, step=None, offset=0):
    """RFC 6238 code (6 digits, SHA-1) of step (the clock's step when None) + offset."""
    s = (CLOCK["now"] // 30 if step is None else step) + offset
    mac = hmac.new(secret, struct.pack(">Q", s), hashlib.sha1).digest()
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7fffffff) % 1000000)


def setup():
    inst.setup()
    CLOCK["path"] = os.path.join(inst.tmp, "clock")
    set_clock(CLOCK["now"])
    inst.env = {"PARASOL_TEST_CLOCK_FILE": CLOCK["path"]}
    inst.start_server()
    for name in ("rose", "lily", "iris", "fern", "ivy", "moss"):
        harness.create_account(inst, name)


def error_text(r):
    m = re.search(r'<p class="error" role="alert"[^>]*>(.*?)</p>', r.text, re.S)
    return m.group(1).strip() if m else ""


def status(r, want, what):
    assert r.status == want, "%s: want %d, got %r %s" % (what, want, r, error_text(r))


def enabled(name):
    return inst.scalar("SELECT coalesce((SELECT enabled::text FROM totp_credentials t JOIN "
                       "accounts a ON a.id = t.account_id WHERE a.username = '%s'), 'none')"
                       % name)


def enrol(name):
    """Signs name in, sets up two-factor with a right first code; returns (client, secret,
    the eight recovery codes shown)."""
    c = harness.member(inst, name, create=False)
    status(c.post("/settings/two-factor/start", {"two_factor_password": PASSWORD}), 303,
           "start")
    page = c.get("/settings/two-factor")
    status(page, 200, "the set-up page")
    secret = secret_on(page)
    r = c.post("/settings/two-factor/enable", {"code": totp(secret)})
    status(r, 303, "enable")
    assert harness.location_path(r).startswith("/recovery-codes?view="), r.header("Location")
    codes = re.findall(r"<li><code>([^<]+)</code></li>", c.get(harness.location_path(r)).text)
    assert len(codes) == 8, "recovery codes shown: %r" % codes
    assert enabled(name) == "true"
    SECRETS[name] = secret
    next_step()
    return c, secret, codes


def secret_on(page):
    m = re.search(r'<code class="secret" id="secret">([A-Z2-7 ]+)</code>', page.text)
    assert m, "no secret on the set-up page"
    b32 = m.group(1).replace(" ", "")
    secret = base64.b32decode(b32 + "=" * (-len(b32) % 8))
    assert len(secret) == 20, "a %d-byte secret" % len(secret)
    return secret


def password_step(c, name, password=PASSWORD, **extra):
    r = c.post("/login", dict({"username": name, "password": password}, **extra))
    status(r, 303, "the password step of %s" % name)
    assert harness.location_path(r) == "/login/code", r.header("Location")
    assert "parasol_session" not in r.set_cookies, "a session before the code"
    assert c.cookies.get("parasol_signin"), "no challenge cookie"
    return r


def code_step(c, code):
    return c.post("/login/code", {"code": code})


def sign_in(name, code_fn, c=None):
    c = c or client()
    password_step(c, name)
    r = code_step(c, code_fn())
    status(r, 303, "the code step of %s" % name)
    assert c.session, "no session after the code step"
    return c, r


# --- enrolment -----------------------------------------------------------------------------------

@test
def test_enrolment_needs_password_and_a_right_code():
    """set-up asks for the password, shows a QR code (inline SVG, no script, nothing from
    elsewhere) and the secret as base32 text; a wrong first code leaves it off; a right one
    turns it on, shows eight new recovery codes and signs out every other browser"""
    c = harness.member(inst, "rose", create=False)
    settings = c.get("/settings")
    assert 'action="/settings/two-factor/start"' in settings.text
    r = c.post("/settings/two-factor/start", {"two_factor_password": "wrong password"})
    status(r, 403, "a wrong password")
    assert enabled("rose") == "none"
    r = c.get("/settings/two-factor")
    assert r.status == 303 and r.header("Location").endswith("/settings#two-factor"), \
        "the set-up page without a set-up: %r" % r
    status(c.post("/settings/two-factor/start", {"two_factor_password": PASSWORD}), 303,
           "start")
    page = c.get("/settings/two-factor")
    status(page, 200, "the set-up page")
    assert re.search(r'<svg class="qr"[^>]*viewBox="0 0 (\d+) \1"', page.text), "no QR code"
    assert re.search(r'<path fill="#000" d="(M\d+ \d+h1v1h-1z)+"', page.text), "no QR modules"
    assert "<script" not in page.text and "http" not in page.text.split("<svg")[1].split(
        "</svg>")[0].replace("http://www.w3.org/2000/svg", ""), "the QR code refers elsewhere"
    assert page.header("Cache-Control") == "no-store", page.header("Cache-Control")
    secret = secret_on(page)
    # the secret is sealed with the node key: neither its bytes nor its base32 are stored
    sealed = inst.scalar("SELECT secret_sealed FROM totp_credentials")
    b32 = base64.b32encode(secret).decode().rstrip("=")
    dump = inst.cluster.dump_data(inst.dbname)
    assert secret.hex() not in sealed and b32 not in dump and secret.hex() not in dump
    key = os.path.join(inst.data_dir, "node.key")
    assert os.stat(key).st_mode & 0o777 == 0o600 and os.path.getsize(key) == 32
    # wrong codes: nothing changes
    for bad in (totp(secret, offset=2), totp(secret, offset=-2), "12345", "abcdef", ""):
        r = c.post("/settings/two-factor/enable", {"code": bad})
        assert r.status in (400, 422), "first code %r: %r" % (bad, r)
        assert enabled("rose") == "false"
    # another browser signed in meanwhile (the password may have been stolen)
    other = harness.member(inst, "rose", create=False)
    assert other.signed_in()
    r = c.post("/settings/two-factor/enable", {"code": totp(secret)})
    status(r, 303, "a right first code")
    codes = re.findall(r"<li><code>([^<]+)</code></li>", c.get(harness.location_path(r)).text)
    assert len(codes) == 8, codes
    assert enabled("rose") == "true"
    # turning it on ended every other session, and kept this one
    assert not other.signed_in(), "another browser's session outlived turning two-factor on"
    assert c.signed_in(), "turning two-factor on signed out the member who did it"
    assert "Two-factor sign-in is on" in c.get("/settings").text
    # a second set-up while it is on is refused and changes nothing
    r = c.post("/settings/two-factor/start", {"two_factor_password": PASSWORD})
    status(r, 409, "set-up while on")
    assert inst.scalar("SELECT secret_sealed FROM totp_credentials") == sealed
    SECRETS["rose"] = secret
    next_step()


@test
def test_enrolment_expires():
    """an enrolment not finished within 15 minutes can't be finished"""
    c = harness.member(inst, "moss", create=False)
    status(c.post("/settings/two-factor/start", {"two_factor_password": PASSWORD}), 303, "start")
    secret = secret_on(c.get("/settings/two-factor"))
    inst.psql("UPDATE totp_credentials SET started_at = now() - interval '16 minutes'")
    r = c.post("/settings/two-factor/enable", {"code": totp(secret)})
    status(r, 410, "a late first code")
    assert enabled("moss") == "false"


# --- signing in ----------------------------------------------------------------------------------

@test
def test_sign_in_with_code():
    """the password leads to the code step (no session yet); the right code signs in"""
    c = client()
    r = password_step(c, "rose")
    cookie = r.set_cookies["parasol_signin"]
    attrs = cookie[1]
    assert "httponly" in attrs and attrs.get("samesite") == "Strict" and \
        attrs.get("max-age") == "300", "the challenge cookie: %r" % (attrs,)
    page = c.get("/login/code")
    status(page, 200, "the code form")
    assert 'autocomplete="one-time-code"' in page.text
    r = code_step(c, totp(SECRETS["rose"]))
    status(r, 303, "the right code")
    assert harness.location_path(r) == "/home"
    assert c.signed_in()
    assert "parasol_signin" not in c.cookies, "the challenge cookie outlived the sign-in"
    next_step()


@test
def test_half_signed_in_has_no_powers():
    """between password and code the browser is a visitor: no page, no form, no session,
    and the challenge token is no session token"""
    c = client()
    password_step(c, "rose")
    token = c.cookies["parasol_signin"]
    for path in ("/home", "/settings", "/notifications"):
        r = c.get(path)
        assert r.status == 303 and harness.location_path(r).startswith("/login"), \
            "%s while half signed in: %r" % (path, r)
    forged = client()
    forged.cookies["parasol_session"] = token
    assert not forged.signed_in(), "the challenge token works as a session"
    # another browser without the cookie has no code step
    r = client().get("/login/code")
    assert r.status == 303 and harness.location_path(r) == "/login", r
    r = client().post("/login/code", {"code": totp(SECRETS["rose"])})
    assert r.status == 303 and harness.location_path(r) == "/login", \
        "a code without a challenge: %r" % r
    assert "parasol_session" not in r.set_cookies
    stranger = client()
    stranger.cookies["parasol_signin"] = "A" * 43  # a made-up challenge
    status(code_step(stranger, totp(SECRETS["rose"])), 410, "a made-up challenge")


@test
def test_wrong_password_looks_like_right_one():
    """a wrong password leads to the code step too, and the code step answers a wrong
    password and a wrong code alike: without the second factor nobody learns whether the
    password was right"""
    answers = []
    for password, code in (("wrong password", totp(SECRETS["rose"])),
                           (PASSWORD, totp(SECRETS["rose"], offset=3))):
        c = client()
        password_step(c, "rose", password=password)
        r = code_step(c, code)
        answers.append((r.status, error_text(r), "parasol_session" in r.set_cookies))
    assert answers[0] == answers[1], "the answers differ: %r" % answers
    assert answers[0][0] == 401 and not answers[0][2], answers
    # the right code was not used up by the attempt with the wrong password
    sign_in("rose", lambda: totp(SECRETS["rose"]))
    next_step()


@test
def test_challenge_used_once_and_expires():
    """a challenge takes one try: after a wrong code the right one needs the password again;
    an expired challenge takes nothing"""
    c = client()
    password_step(c, "rose")
    token = c.cookies["parasol_signin"]
    status(code_step(c, "000000" if totp(SECRETS["rose"]) != "000000" else "111111"), 401,
           "a wrong code")
    again = client()
    again.cookies["parasol_signin"] = token  # the same token, replayed
    r = code_step(again, totp(SECRETS["rose"]))
    status(r, 410, "the used challenge")
    c = client()
    password_step(c, "rose")
    inst.psql("UPDATE signin_challenges SET expires_at = now() - interval '1 second'")
    r = code_step(c, totp(SECRETS["rose"]))
    status(r, 410, "an expired challenge")
    assert "parasol_session" not in r.set_cookies


@test
def test_replayed_code_refused():
    """a code that signed in once doesn't sign in again, even within its step; the next
    step's code does"""
    code = totp(SECRETS["rose"])
    sign_in("rose", lambda: code)
    c = client()
    password_step(c, "rose")
    status(code_step(c, code), 401, "the same code again")
    next_step()
    sign_in("rose", lambda: totp(SECRETS["rose"]))
    next_step()


@test
def test_clock_skew_window():
    """the codes of the step before and after the server's are taken; two steps off are
    not; a code older than the last one used is not"""
    next_step()  # the step before is newer than the last one used
    s = SECRETS["rose"]
    for off in (2, -2, 5):
        c = client()
        password_step(c, "rose")
        status(code_step(c, totp(s, offset=off)), 401, "a code %+d steps off" % off)
    sign_in("rose", lambda: totp(s, offset=-1))  # the phone is a step behind
    sign_in("rose", lambda: totp(s, offset=1))   # the phone is a step ahead
    c = client()
    password_step(c, "rose")
    status(code_step(c, totp(s)), 401, "a code older than the last one used")
    next_step()
    next_step()


@test
def test_sign_in_as_another_member():
    """a browser signed in as one member signs in as another through the code step: the
    first session ends"""
    c = harness.member(inst, "moss", create=False)
    old = c.session
    password_step(c, "rose")
    status(code_step(c, totp(SECRETS["rose"])), 303, "the code step")
    assert c.session != old
    assert int(inst.scalar("SELECT count(*) FROM sessions WHERE token_hash = '\\x%s'::bytea"
                           % harness.sha256(old.encode()).hex())) == 0, "the old session lives"
    assert "@rose" in c.get("/settings").text
    next_step()


@test
def test_code_step_limits():
    """each failed code step counts against the account: after 5 the account waits, even
    with the right password and code"""
    enrol("iris")
    for i in range(6):
        c = client()
        password_step(c, "iris")
        status(code_step(c, "99999%d" % i), 401, "wrong code #%d" % (i + 1))
    r = client().login("iris", PASSWORD)
    status(r, 429, "the password step during the wait")
    assert 1 <= int(r.header("Retry-After") or "0") <= 60


@test
def test_client_limit_counts_code_steps():
    """password steps to a two-factor account count against the client, whatever the
    password: 30 without a code, and the 31st attempt gets 429"""
    enrol("ivy")
    c = client()
    for i in range(30):
        password_step(c, "ivy", password=("wrong %d" % i) if i % 2 else PASSWORD)
    r = c.login("ivy", PASSWORD)
    status(r, 429, "attempt #31")


# --- the lost phone ------------------------------------------------------------------------------

@test
def test_lost_phone_recovery_code():
    """a recovery code answers the code step once and leads to Settings; there the member
    turns two-factor off with the password and another recovery code, signs in with the
    password alone, and sets it up again on a new phone"""
    c0, secret, codes = enrol("lily")
    c, r = sign_in("lily", lambda: codes[0])
    assert r.header("Location").endswith("/settings?notice=recovery_signin#two-factor"), \
        r.header("Location")
    page = c.get(harness.location_path(r))
    assert "You signed in with a recovery code" in page.text
    # the used code is used up
    c2 = client()
    password_step(c2, "lily")
    status(code_step(c2, codes[0]), 401, "the same recovery code again")
    # a wrong password with a good recovery code: refused, and the code is kept
    c2 = client()
    password_step(c2, "lily", password="wrong password")
    status(code_step(c2, codes[1]), 401, "a recovery code with a wrong password")
    # off: wrong password, or a used code, changes nothing
    r = c.post("/settings/two-factor/disable", {"disable_password": "wrong password",
                                                "disable_code": codes[1]})
    status(r, 403, "off with a wrong password")
    assert enabled("lily") == "true"
    r = c.post("/settings/two-factor/disable", {"disable_password": PASSWORD,
                                                "disable_code": codes[0]})
    status(r, 403, "off with a used recovery code")
    assert enabled("lily") == "true"
    # the code offered with the wrong password was not used up
    r = c.post("/settings/two-factor/disable", {"disable_password": PASSWORD,
                                                "disable_code": codes[1]})
    status(r, 303, "off with the password and a recovery code")
    assert enabled("lily") == "none"
    r = client().login("lily", PASSWORD)
    assert r.status == 303 and harness.location_path(r) == "/home", r
    # a new phone: a new secret, eight new codes, the old ones void
    c3, secret2, codes2 = enrol("lily")
    assert secret2 != secret and not set(codes2) & set(codes)
    c4 = client()
    password_step(c4, "lily")
    status(code_step(c4, codes[2]), 401, "an old recovery code after re-enrolment")


@test
def test_disable_with_app_code():
    """turning off with the password and a code from the app; a wrong code changes nothing"""
    c, secret, codes = enrol("fern")
    r = c.post("/settings/two-factor/disable", {"disable_password": PASSWORD,
                                                "disable_code": totp(secret, offset=4)})
    status(r, 403, "off with a wrong code")
    assert enabled("fern") == "true"
    r = c.post("/settings/two-factor/disable", {"disable_password": PASSWORD,
                                                "disable_code": totp(secret)})
    status(r, 303, "off")
    assert "notice=two_factor_off" in r.header("Location")
    assert enabled("fern") == "none"


@test
def test_pages_in_chinese():
    """the code step and the set-up are translated"""
    c = client(lang="zh-CN")
    password_step(c, "rose")
    page = c.get("/login/code")
    assert ZH["Sign in: code"] in page.text, "the code page is not translated"
    m = harness.member(inst, "moss", create=False, lang="zh-CN")
    assert ZH["Two-factor sign-in"] in m.get("/settings").text


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
