"""Sign-in limits behind a reverse proxy: Debian's nginx, started by the test on loopback,
in front of two parasol servers that trust it (`trusted_proxy`). The limits count each client
(the address nginx saw, never what a client writes in its own headers), only failures, and
slow a targeted account down instead of refusing its member's right password: neither the
node nor a member is ever locked out. Sign-in, Settings' current-password check and sign-up's
invite codes share them."""

import os
import re
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("proxy")
test = suite.test
PROXY_ADDR = "127.0.0.254"  # nginx connects to parasol from here (proxy_bind)
# slow: a targeted account waits a minute, so a test sees the wait whatever the machine's
# speed; quick: the wait is one second, so a test can wait it out.
slow = harness.Instance(suite, "proxy", trusted_proxy=PROXY_ADDR, signin_delay_first=60,
                        signin_delay_max=60)
quick = harness.Instance(suite, "proxy_quick", trusted_proxy=PROXY_ADDR, signin_delay_first=1,
                         signin_delay_max=1)
PORTS = {}
nginx = None
PASSWORD = harness.PASSWORD
_sources = [1]
FORGED = []  # addresses clients wrote in their own headers: never in a log


def source():
    """A loopback address no other client of this script uses."""
    _sources[0] += 1
    assert _sources[0] < 250
    return "127.0.0.%d" % _sources[0]


def via_proxy(inst, src=None):
    """A WebClient of inst that goes through nginx from its own address."""
    return harness.WebClient(PORTS[inst.script], source=src or source())


def direct(inst, src=None):
    """A WebClient that talks to parasol itself, not through the proxy."""
    return harness.WebClient(inst.port, source=src or source())


def setup():
    global nginx
    for inst in (slow, quick):
        inst.setup()
        PORTS[inst.script] = harness.free_port()
        # Links and signatures name the proxy's address, as they would name the public one.
        inst.settings["base_url"] = "http://127.0.0.1:%d" % PORTS[inst.script]
        inst.write_config(inst.conf, inst.settings)
        inst.start_server()
    nginx = harness.Nginx(suite, "proxy", [(PORTS[i.script], i.port) for i in (slow, quick)],
                          bind_address=PROXY_ADDR)
    nginx.start()
    for name in ("rose", "lily", "iris", "daisy", "fern", "ivy"):
        harness.create_account(slow, name)
    for name in ("rose", "lily"):
        harness.create_account(quick, name)


def error_text(r):
    m = re.search(r'<p class="error" role="alert">(.*?)</p>', r.text, re.S)
    return m.group(1).strip() if m else ""


def assert_status(r, status, what):
    assert r.status == status, "%s: want %d, got %r %s" % (what, status, r, error_text(r))


def assert_signed_in(r, what):
    assert r.status == 303 and harness.location_path(r) == "/home", "%s: %r %s" % (
        what, r, error_text(r))
    assert "parasol_session" in r.set_cookies, what


def retry_after(r, what, most):
    """The Retry-After of a 429: whole seconds, 1 to most."""
    value = r.header("Retry-After")
    assert value is not None and value.isdigit(), "%s: Retry-After %r" % (what, value)
    assert 1 <= int(value) <= most, "%s: Retry-After %s, want 1..%d" % (what, value, most)
    return int(value)


def fail_from(c, n, username=None):
    """n wrong sign-ins from c (for username, else for n unknown names): 401 each."""
    for i in range(n):
        r = c.login(username or "nobody_%d_%d" % (time.monotonic_ns(), i), "wrong password %d" % i)
        assert_status(r, 401, "failure #%d" % (i + 1))


# --- the proxy -----------------------------------------------------------------------------------

@test
def test_served_through_proxy():
    """pages and sign-in work through nginx"""
    r = via_proxy(slow).get("/about")
    assert_status(r, 200, "GET /about through nginx")
    assert_signed_in(via_proxy(slow).login("rose", PASSWORD), "sign-in through nginx")


# --- per client ----------------------------------------------------------------------------------

@test
def test_client_limit_is_per_client():
    """30 failures stop that client (429) but not the node: another client behind the same
    proxy signs in at once"""
    x = via_proxy(slow)
    fail_from(x, 30)
    r = x.login("iris", PASSWORD)
    assert_status(r, 429, "the 31st attempt, with the right password")
    retry_after(r, "client limit", 15 * 60)
    assert "Too many sign-in attempts" in error_text(r), error_text(r)
    assert "parasol_session" not in r.set_cookies
    for i in range(3):
        assert_signed_in(via_proxy(slow).login("iris", PASSWORD),
                         "another client behind the proxy (#%d)" % (i + 1))


@test
def test_successes_do_not_count():
    """a client that signs in 35 times in a row is never limited: only failures count"""
    c = via_proxy(slow)
    for i in range(35):
        c.cookies.pop("parasol_session", None)
        assert_signed_in(c.login("fern", PASSWORD), "sign-in #%d" % (i + 1))


@test
def test_forged_forwarding_headers():
    """what a client writes in X-Forwarded-For or Forwarded gives it no fresh budget, through
    the proxy (the proxy appends the address it saw) or straight to parasol (not a proxy
    parasol trusts)"""
    for what, c in (("through nginx", via_proxy(slow)), ("straight", direct(slow))):
        for i in range(30):
            fake = "198.51.100.%d" % (i + 1)
            FORGED.append(fake)
            r = c.post("/login", {"username": "nobody_forged_%d" % i, "password": "wrong"},
                       headers={"X-Forwarded-For": fake, "Forwarded": "for=" + fake})
            assert_status(r, 401, "%s: failure #%d" % (what, i + 1))
        r = c.post("/login", {"username": "iris", "password": PASSWORD},
                   headers={"X-Forwarded-For": "203.0.113.77", "Forwarded": "for=203.0.113.77"})
        FORGED.append("203.0.113.77")
        assert_status(r, 429, "%s: the 31st attempt with yet another forged address" % what)
    # the proxy's own address, used by hand, is not a way around it either
    assert_signed_in(via_proxy(slow).login("iris", PASSWORD), "an honest client")


# --- per account ---------------------------------------------------------------------------------

@test
def test_targeted_account_slowed_not_locked():
    """after 5 wrong passwords an account's next attempt waits (429 with Retry-After, the
    attempt not looked at); other accounts, and the attacker's budget for them, are untouched"""
    attacker = via_proxy(slow)
    fail_from(attacker, 6, "lily")  # 5 free, the 6th starts the wait
    r = attacker.login("lily", "yet another guess")
    assert_status(r, 429, "a guess during the wait")
    retry_after(r, "account wait", 60)
    member = via_proxy(slow)
    r = member.login("Lily", PASSWORD)
    assert_status(r, 429, "the member's right password during the wait")
    assert "wait a minute" in error_text(r), error_text(r)
    assert "parasol_session" not in r.set_cookies
    retry_after(r, "account wait", 60)
    # guesses during the wait are not counted: the wait stays the first one's
    for i in range(10):
        r = attacker.login("lily", "guess %d" % i)
        assert_status(r, 429, "guess #%d during the wait" % (i + 1))
        retry_after(r, "account wait", 60)
    assert_signed_in(attacker.login("daisy", PASSWORD), "another account from the attacker")


@test
def test_member_gets_in_after_the_wait():
    """the wait never passes signin_delay_max (1 s here) however many guesses, and once it is
    over the member's right password gets in"""
    attacker = via_proxy(quick)
    member = via_proxy(quick)
    failures = 0
    while failures < 12:
        r = attacker.login("rose", "guess %d" % failures)
        if r.status == 429:
            time.sleep(retry_after(r, "guess after %d failures" % failures, 1))
            continue
        assert_status(r, 401, "guess #%d" % (failures + 1))
        failures += 1
    for attempt in range(3):
        r = member.login("rose", PASSWORD)
        if r.status != 429:
            break
        time.sleep(retry_after(r, "the member's wait", 1))
    assert_signed_in(r, "the member, after waiting at most Retry-After")
    # a success forgets the account's failures: five free ones again
    fail_from(attacker, 5, "rose")


# --- the same limits elsewhere -------------------------------------------------------------------

@test
def test_settings_current_password():
    """Settings' current-password check counts as a sign-in failure of that account"""
    c = via_proxy(slow)
    assert_signed_in(c.login("ivy", PASSWORD), "sign-in")
    hash_before = slow.scalar("SELECT password_hash FROM accounts WHERE username = 'ivy'")
    fields = {"current_password": "not it", "new_password": "a new password 1",
              "confirm_password": "a new password 1"}
    for i in range(6):
        r = c.post("/settings/password", fields)
        assert_status(r, 403, "wrong current password #%d" % (i + 1))
    fields["current_password"] = PASSWORD
    r = c.post("/settings/password", fields)
    assert_status(r, 429, "the right current password during the wait")
    retry_after(r, "settings wait", 60)
    r = via_proxy(slow).login("ivy", PASSWORD)
    assert_status(r, 429, "sign-in to the same account during the wait")
    assert slow.scalar("SELECT password_hash FROM accounts WHERE username = 'ivy'") == \
        hash_before, "the password changed during the wait"


@test
def test_register_invite_guesses():
    """wrong invite codes count as failures of the client: the 31st attempt gets 429 even
    with a good code, while another client signs up with it"""
    p = slow.cli("admin", "invite")
    assert p.returncode == 0, harness.describe(p)
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(p.stdout.strip()).query)["invite"][0]
    guesser = via_proxy(slow)
    for i in range(30):
        r = guesser.post("/register", {"username": "guess%d" % i, "password": PASSWORD,
                                       "invite": "guessed-code-%d" % i})
        assert_status(r, 422, "guessed invite #%d" % (i + 1))
    r = guesser.post("/register", {"username": "guesser", "password": PASSWORD,
                                   "invite": code})
    assert_status(r, 429, "the 31st sign-up, with a good code")
    r = via_proxy(slow).post("/register", {"username": "newcomer", "password": PASSWORD,
                                           "invite": code})
    assert_status(r, 303, "another client with the good code")
    assert harness.location_path(r).startswith("/recovery-codes"), r.header("Location")
    assert slow.scalar("SELECT count(*) FROM accounts WHERE username LIKE 'guess%'") == "0"


@test
def test_no_addresses_in_logs():
    """neither the clients' addresses nor the forged ones reach parasol's logs"""
    for inst in (slow, quick):
        log = inst.server.log()
        for addr in ["127.0.0.%d" % i for i in range(2, _sources[0] + 1)] + FORGED + [
                PROXY_ADDR]:
            assert not re.search(r"(?<![0-9.])%s(?![0-9])" % re.escape(addr), log), \
                "%s in %s" % (addr, inst.server.log_path)


harness.add_server_end_tests(suite, lambda: slow.server)
harness.add_server_end_tests(suite, lambda: quick.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
