"""Sign-in defects: changing the password and ending the member's other sessions are one
transaction (a failure of either leaves both as they were), signing in again ends the
browser's old session instead of leaving its row behind, and the sign-in limit counts an IPv6
client by its /64 (one subscriber holds the whole block) and an IPv4 client by its address."""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("signin_defects")
test = suite.test
# The test's own client plays a reverse proxy from this address, so that it can name IPv6
# clients in X-Forwarded-For (loopback has one IPv6 address only).
PROXY = "127.0.0.250"
inst = harness.Instance(suite, "signin_defects", trusted_proxy=PROXY)
PASSWORD = harness.PASSWORD
NEW_PASSWORD = "another long enough password"
_sources = [1]


def client():
    _sources[0] += 1
    assert _sources[0] < 240
    return harness.WebClient(inst.port, source="127.0.0.%d" % _sources[0])


def setup():
    inst.setup()
    inst.start_server()
    for name in ("rose", "lily", "iris", "fern", "ivy"):
        harness.create_account(inst, name)


def session_rows(token):
    return int(inst.scalar("SELECT count(*) FROM sessions WHERE token_hash = '\\x%s'::bytea" % (
        harness.sha256(token.encode()).hex())))


def sign_in(c, name, password=PASSWORD):
    r = c.login(name, password)
    assert r.status == 303 and harness.location_path(r) == "/home" and c.session, \
        "sign-in of %s: %r" % (name, r)
    return c.session


def password_hash(name):
    return inst.scalar("SELECT password_hash FROM accounts WHERE username = '%s'" % name)


def change_password(c, current=PASSWORD, new=NEW_PASSWORD):
    return c.post("/settings/password", {"current_password": current, "new_password": new,
                                         "confirm_password": new})


def with_failing_sessions(when, name, fn):
    """Runs fn while every `when` (INSERT or DELETE) on name's sessions fails."""
    account_id = int(inst.scalar("SELECT id FROM accounts WHERE username = '%s'" % name))
    inst.psql("""
        CREATE OR REPLACE FUNCTION test_refuse_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
        CREATE TRIGGER test_refuse_sessions BEFORE %s ON sessions FOR EACH ROW
        WHEN (%s.account_id = %d) EXECUTE FUNCTION test_refuse_sessions();""" % (
        when, "NEW" if when == "INSERT" else "OLD", account_id))
    try:
        return fn()
    finally:
        inst.psql("DROP TRIGGER test_refuse_sessions ON sessions")


# --- changing the password -----------------------------------------------------------------------

def check_password_change_atomic(name, when):
    phone, laptop = client(), client()
    sign_in(phone, name)
    sign_in(laptop, name)
    before = password_hash(name)
    r = with_failing_sessions(when, name, lambda: change_password(laptop))
    assert r.status >= 500, "the change with the sessions' %s failing: %r" % (when, r)
    assert password_hash(name) == before, "%s failed, yet the password changed" % when
    assert phone.signed_in(), "%s failed, yet the other session ended" % when
    assert laptop.signed_in(), "%s failed, yet this session ended" % when
    assert sign_in(client(), name, PASSWORD), "the old password no longer works"
    r = client().login(name, NEW_PASSWORD)
    assert r.status == 401, "the new password works after a failed change: %r" % r
    # and once nothing fails, both happen
    r = change_password(laptop)
    assert r.status == 303 and laptop.signed_in(), "the change itself: %r" % r
    assert not phone.signed_in(), "the other session survived the change"
    assert password_hash(name) != before


@test
def test_password_change_atomic_when_ending_sessions_fails():
    """ending the other sessions fails: the password stays as it was, every session stays"""
    check_password_change_atomic("rose", "DELETE")


@test
def test_password_change_atomic_when_new_session_fails():
    """starting this browser's new session fails: the password stays, no session ends"""
    check_password_change_atomic("lily", "INSERT")


# --- signing in again ----------------------------------------------------------------------------

@test
def test_sign_in_again_ends_old_session():
    """a browser that signs in again (the same account or another) has its old session ended,
    not left behind as a live row someone holding the old cookie could use"""
    c = client()
    first = sign_in(c, "iris")
    old = dict(c.cookies)
    second = sign_in(c, "iris")
    assert first != second
    assert session_rows(first) == 0, "the first session's row is still there"
    assert session_rows(second) == 1
    stale = client()
    stale.cookies.update(old)
    assert not stale.signed_in(), "the old cookie still signs in"
    third = sign_in(c, "fern")
    assert session_rows(second) == 0, "iris's session survived fern's sign-in in its browser"
    assert session_rows(third) == 1
    assert int(inst.scalar("SELECT count(*) FROM sessions s JOIN accounts a ON a.id = "
                           "s.account_id WHERE a.username = 'iris'")) == 0


@test
def test_register_signed_in_ends_old_session():
    """signing up from a browser that holds a session ends that session too"""
    code = inst.cli("admin", "invite").stdout.strip().split("invite=")[1]
    c = client()
    old = sign_in(c, "ivy")
    r = c.post("/register", {"username": "newcomer", "password": PASSWORD, "invite": code})
    assert r.status == 303, "sign-up: %r" % r
    assert c.session != old and session_rows(c.session) == 1
    assert session_rows(old) == 0, "the earlier session's row is still there"


# --- per client limit by /64 ---------------------------------------------------------------------

def via(addr):
    """A client behind the trusted proxy that names addr in X-Forwarded-For."""
    c = harness.WebClient(inst.port, source=PROXY)
    orig = c.request

    def request(method, path, body=None, headers=None):
        h = {"X-Forwarded-For": addr}
        h.update(headers or {})
        return orig(method, path, body, h)
    c.request = request
    return c


@test
def test_ipv6_client_counted_by_64():
    """30 failures from 30 addresses of one IPv6 /64 stop the whole /64 (429); the next /64
    and an IPv4 client are not affected"""
    for i in range(30):
        r = via("2001:db8:aa:1::%x" % (i + 1)).login("nobody_%d" % i, "wrong")
        harness.assert_status(r, 401, "failure #%d" % (i + 1))
    r = via("2001:db8:aa:1:ffff:ffff:ffff:fffe").login("fern", PASSWORD)
    harness.assert_status(r, 429, "another address of the same /64")
    r = via("[2001:db8:aa:1::77]:4711").login("fern", PASSWORD)
    harness.assert_status(r, 429, "the same /64 written with a port")
    r = via("2001:db8:aa:2::1").login("fern", PASSWORD)
    assert r.status == 303, "the next /64: %r" % r
    r = via("192.0.2.10").login("fern", PASSWORD)
    assert r.status == 303, "an IPv4 client: %r" % r


@test
def test_ipv4_client_counted_by_address():
    """30 failures from one IPv4 address stop that address only, not its neighbours"""
    for i in range(30):
        r = via("198.51.100.7").login("nobody4_%d" % i, "wrong")
        harness.assert_status(r, 401, "failure #%d" % (i + 1))
    harness.assert_status(via("198.51.100.7").login("fern", PASSWORD), 429, "the same address")
    r = via("198.51.100.8").login("fern", PASSWORD)
    assert r.status == 303, "the neighbour address: %r" % r


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
