"""Recovery codes (issue 11): made and shown on one page view after sign-up (POST-redirect-GET,
so a reload never sends the form again), at an applicant's first sign-in after approval, and
again when a member asks for new ones in Settings (the old ones stop working)."""

import os
import re
import sys
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("recovery_codes")
test = suite.test
inst = harness.Instance(suite, "recovery_codes")
PASSWORD = harness.PASSWORD
_sources = [1]
c = {}
# Where the codes are shown: an address made for this session (web_recovery_codes_url).
VIEW_RE = re.compile(r"^/recovery-codes\?welcome=1&view=[A-Za-z0-9_-]{43}$")


def setup():
    inst.setup()
    inst.start_server()
    c["mod"] = harness.member(inst, "keeper", role="moderator")


def client():
    """A client from its own loopback address (its own sign-in budget)."""
    _sources[0] += 1
    return harness.WebClient(inst.port, source="127.0.1.%d" % _sources[0])


def invite():
    p = inst.cli("admin", "invite")
    assert p.returncode == 0, harness.describe(p)
    return urllib.parse.parse_qs(urllib.parse.urlsplit(p.stdout.strip()).query)["invite"][0]


def codes_on(r):
    m = re.search(r'<ul class="codes">(.*?)</ul>', r.text, re.S)
    return re.findall(r"<code>([^<]*)</code>", m.group(1)) if m else []


def account_id(name):
    return inst.scalar("SELECT id FROM accounts WHERE username = '%s'" % name)


def live_codes(name):
    return int(inst.scalar("SELECT count(*) FROM recovery_codes WHERE used_at IS NULL AND"
                           " account_id = %s" % account_id(name)))


def recover(name, code, password):
    return client().post("/recover", {"username": name, "code": code, "password": password})


@test
def test_sign_up_redirects_to_codes_shown_once():
    """a sign-up is answered 303 to /recovery-codes; that page shows 8 codes once; a reload
    shows none, says why and where to make new ones, and never shows the invite error"""
    me = client()
    r = me.post("/register", {"username": "uma", "password": PASSWORD, "invite": invite()})
    assert r.status == 303, r
    view = harness.location_path(r)
    assert VIEW_RE.match(view), r.header("Location")
    assert me.session, "no session after sign-up"
    assert live_codes("uma") == 0, "codes were made before they could be shown"
    # a HEAD (a link checker, a prefetch) doesn't use up the one view
    assert me.request("HEAD", view).status == 200
    page = me.get(view)
    assert page.status == 200, page
    assert "no-store" in (page.header("Cache-Control") or "")
    assert "Welcome!" in page.text
    codes = codes_on(page)
    assert len(codes) == 8 and len(set(codes)) == 8, codes
    assert live_codes("uma") == 8
    again = me.get(view)
    assert again.status == 200, again
    assert codes_on(again) == [], "the codes were shown a second time"
    assert not any(code in again.text for code in codes)
    assert "shown once already" in again.text
    assert 'href="/settings#recovery"' in again.text
    assert "invite link can" not in again.text
    assert live_codes("uma") == 8, "a reload changed the codes"
    # they work: one sets a new password
    r = recover("uma", codes[0], "uma's new passphrase")
    assert r.status == 303 and "notice=recovered" in r.header("Location"), r
    # a visitor is sent to sign in
    r = harness.request(inst.port, "GET", "/recovery-codes")
    assert r.status == 303 and harness.location_path(r).startswith("/login"), r


@test
def test_applicant_sees_codes_at_first_sign_in():
    """an applicant gets no codes when applying; at the first sign-in after approval they are
    sent to the codes, which work; later sign-ins go where they were going"""
    harness.db_change(inst, "INSERT INTO instance_settings (key, value) VALUES"
                      " ('registration_mode', 'approval') ON CONFLICT (key) DO UPDATE"
                      " SET value = EXCLUDED.value", "settings")
    try:
        r = client().post("/register", {"username": "apu", "password": PASSWORD,
                                        "note": "I organise with the collective"})
        assert r.status == 303 and "notice=applied" in r.header("Location"), r
    finally:
        harness.db_change(inst, "DELETE FROM instance_settings WHERE key ="
                          " 'registration_mode'", "settings")
    r = c["mod"].post("/admin/applications/%s/approve" % account_id("apu"), {})
    assert r.status == 303, r
    me = client()
    r = me.login("apu", PASSWORD)
    assert r.status == 303, r
    assert VIEW_RE.match(harness.location_path(r)), r.header("Location")
    codes = codes_on(me.get(harness.location_path(r)))
    assert len(codes) == 8, codes
    assert live_codes("apu") == 8, "the codes made with the application were not replaced"
    r = client().login("apu", PASSWORD, next="/notifications")
    assert harness.location_path(r) == "/notifications", "codes asked for again: %r" % r
    r = recover("apu", codes[5], "apu's new passphrase")
    assert r.status == 303 and "notice=recovered" in r.header("Location"), r


@test
def test_new_codes_in_settings():
    """Settings makes new codes after the password (a wrong one is refused next to its field
    and changes nothing); they are shown once; the old ones stop working"""
    me = client()
    r = me.post("/register", {"username": "vik", "password": PASSWORD, "invite": invite()})
    old = codes_on(me.get(harness.location_path(r)))
    assert len(old) == 8
    page = me.get("/settings")
    assert 'action="/settings/recovery-codes"' in page.text
    r = me.post("/settings/recovery-codes", {"recovery_password": "not my password"})
    assert r.status == 403, r
    section = r.text[r.text.index('id="recovery"'):]
    assert re.search(r'<p class="error" role="alert" id="recovery_password-error">'
                     r'The current password is wrong\.</p>\s*<input id="recovery_password"[^>]*'
                     r'aria-invalid="true"[^>]*autofocus', section), section[:800]
    assert 'role="alert"' not in r.text[:r.text.index('id="recovery"')], \
        "an error is shown away from its field"
    assert codes_on(me.get("/recovery-codes")) == [], "a wrong password made new codes"
    r = me.post("/settings/recovery-codes", {"recovery_password": PASSWORD})
    assert r.status == 303 and re.match(r"^/recovery-codes\?view=[A-Za-z0-9_-]{43}$",
                                        harness.location_path(r)), r
    new = codes_on(me.get(harness.location_path(r)))
    assert len(new) == 8 and not set(new) & set(old), new
    assert codes_on(me.get(harness.location_path(r))) == []
    r = recover("vik", old[0], "vik's new passphrase")
    assert r.status in (401, 403, 422), "an old code still works: %r" % r
    r = recover("vik", new[0], "vik's new passphrase")
    assert r.status == 303, r
    # the form's address, opened with GET (a reload, the address bar), leads back to it
    r = me.get("/settings/recovery-codes")
    assert r.status == 303 and r.header("Location").endswith("/settings#recovery"), r


@test
def test_recover_hashes_only_after_a_matching_code():
    """a wrong recovery code costs no password hashing (an Argon2id run), for a member's name
    as for a name nobody has, so the answer's time doesn't tell which names are members';
    a right code hashes the new password once"""
    me = client()
    r = me.post("/register", {"username": "quill", "password": PASSWORD, "invite": invite()})
    codes = codes_on(me.get(harness.location_path(r)))
    assert len(codes) == 8
    before = inst.server.log()
    for name in ("quill", "nobody_by_that_name"):
        r = recover(name, "x" * len(codes[0]), "quill's new passphrase")
        assert r.status == 401, r
    assert inst.server.log()[len(before):].count("a password hashed") == 0, \
        "a wrong code ran the password hash"
    r = recover("quill", codes[0], "quill's new passphrase")
    assert r.status == 303, r
    assert inst.server.log()[len(before):].count("a password hashed") == 1


@test
def test_cross_site_get_does_not_use_up_the_codes():
    """a page elsewhere sends a new member's browser to /recovery-codes (a cross-site GET
    carries the session cookie): no codes are made, they are still due, and the page offers
    the link that shows them; the address given to another session doesn't work here; the
    member's own address then shows them once"""
    me = client()
    r = me.post("/register", {"username": "zia", "password": PASSWORD, "invite": invite()})
    assert r.status == 303, r
    mine = harness.location_path(r)
    other = client()
    r2 = other.post("/register", {"username": "zoe", "password": PASSWORD, "invite": invite()})
    theirs = harness.location_path(r2)
    assert mine != theirs
    for path in ("/recovery-codes", "/recovery-codes?welcome=1", theirs,
                 "/recovery-codes?welcome=1&view=", mine + "x"):
        page = me.get(path)
        assert page.status == 200, (path, page)
        assert codes_on(page) == [], "a forged address made the codes: " + path
        assert live_codes("zia") == 0, path
        assert inst.scalar("SELECT recovery_codes_due FROM accounts WHERE username = 'zia'") \
            == "t", path
        assert "shown once already" not in page.text, path
        assert "Show my recovery codes" in page.text, path
    page = me.get("/recovery-codes")
    href = re.search(r'<a class="button" href="([^"]+)">Show my recovery codes', page.text)
    assert href, page.text
    assert href.group(1).replace("&amp;", "&") == mine.replace("welcome=1&", ""), href.group(1)
    codes = codes_on(me.get(mine))
    assert len(codes) == 8 and live_codes("zia") == 8
    assert codes_on(other.get(theirs)) and live_codes("zoe") == 8


def old_code_id(days_ago):
    """A recovery code id as parasol_id() made it days_ago days ago."""
    return ("(floor(extract(epoch FROM now() - interval '%d days') * 1000)::bigint << 16)"
            % days_ago)


@test
def test_members_approved_before_0018_get_codes():
    """migration 0023: a member approved before 0018 (codes all made before it, never shown)
    is sent to fresh codes at the next sign-in; one who saw codes made since 0018, and one
    already due, are left as they are"""
    for name in ("early", "seen", "due"):
        harness.create_account(inst, name)
    inst.psql("UPDATE accounts SET created_at = now() - interval '30 days',"
              " recovery_codes_due = (username = 'due')"
              " WHERE username IN ('early', 'seen', 'due')")
    inst.psql("DELETE FROM recovery_codes WHERE account_id IN (SELECT id FROM accounts WHERE"
              " username IN ('early', 'seen', 'due'))")
    # early's codes came with the application, 20 days ago; seen's were shown yesterday
    inst.psql("INSERT INTO recovery_codes (id, account_id, code_hash) SELECT %s + n, a.id,"
              " sha256(convert_to(a.username || n, 'UTF8')) FROM accounts a,"
              " generate_series(1, 3) n WHERE a.username = 'early'" % old_code_id(20))
    inst.psql("INSERT INTO recovery_codes (id, account_id, code_hash) SELECT %s + n, a.id,"
              " sha256(convert_to(a.username || n, 'UTF8')) FROM accounts a,"
              " generate_series(1, 3) n WHERE a.username = 'seen'" % old_code_id(1))
    # 0018 ran ten days ago; 0023 runs now
    inst.psql("UPDATE schema_migrations SET applied_at = now() - interval '10 days'"
              " WHERE version = '0018_member_defects.sql'")
    inst.psql("DELETE FROM schema_migrations WHERE version = '0023_recovery_codes_before_0018.sql'")
    p = inst.cli("migrate")
    assert p.returncode == 0, harness.describe(p)
    assert inst.scalar("SELECT count(*) FROM schema_migrations WHERE version ="
                       " '0023_recovery_codes_before_0018.sql'") == "1"
    due = dict(inst.psql("SELECT username, recovery_codes_due FROM accounts WHERE username IN"
                         " ('early', 'seen', 'due')"))
    assert due == {"early": "t", "seen": "f", "due": "t"}, due
    me = client()
    r = me.login("early", PASSWORD)
    harness.assert_status(r, 303, "early's sign-in")
    assert VIEW_RE.match(harness.location_path(r)), r.header("Location")
    codes = codes_on(me.get(harness.location_path(r)))
    assert len(codes) == 8 and live_codes("early") == 8, codes
    r = client().login("seen", PASSWORD)
    harness.assert_status(r, 303, "seen's sign-in")
    assert harness.location_path(r) == "/home", r.header("Location")
    assert live_codes("seen") == 3


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
