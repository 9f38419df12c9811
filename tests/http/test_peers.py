"""The federation page for admins (/admin/peers): who may open it, the federation mode, adding
peers (normalised), refusing malformed domains, the contact attempts of unknown domains (and
only what they hold), and removing a peer, which cuts its follows of and by members."""

import base64
import email.utils
import hashlib
import html
import os
import re
import sys
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("peers")
test = suite.test
inst = harness.Instance(suite, "peers")
clients = {}
POSTS = ("/admin/peers", "/admin/peers/mode", "/admin/peers/peer.example/remove")


def setup():
    inst.setup()
    inst.start_server()
    clients["admin"] = harness.member(inst, "boss", role="admin")
    clients["member"] = harness.member(inst, "plain")
    harness.create_account(inst, "mod")
    inst.psql("UPDATE accounts SET role = 'moderator' WHERE username = 'mod'")
    clients["mod"] = harness.member(inst, "mod", create=False)
    harness.create_account(inst, "alice")
    harness.create_account(inst, "bob")


def q(s):
    return "'%s'" % s.replace("'", "''")


def peers():
    return [r[0] for r in inst.psql("SELECT domain FROM peers ORDER BY domain")]


def attempts():
    return [r[0] for r in inst.psql("SELECT domain FROM federation_attempts ORDER BY domain")]


def mode_row():
    rows = inst.psql("SELECT value FROM instance_settings WHERE key = 'federation_mode'")
    return rows[0][0] if rows else None


def add(domain, note=None, client="admin"):
    fields = {"domain": domain}
    if note is not None:
        fields["note"] = note
    return clients[client].post("/admin/peers", fields)


def remove(domain):
    return clients["admin"].post(
        "/admin/peers/%s/remove" % urllib.parse.quote(domain, safe=""), {"confirm": "1"})


def page():
    r = clients["admin"].get("/admin/peers")
    harness.assert_status(r, 200, "GET /admin/peers")
    return r.text


def section(text, heading_id):
    """The HTML of the <section> whose heading has id heading_id."""
    m = re.search(r'<section aria-labelledby="%s">([\s\S]*?)</section>' % heading_id, text)
    assert m, "no section %s on the page" % heading_id
    return m.group(1)


def remote(username, domain):
    """Makes a remote account (as federation would store it); returns its id."""
    return inst.scalar(
        "INSERT INTO accounts (username, domain, uri, actor_type) VALUES (%s, %s, %s,"
        " 'Person') RETURNING id" % (q(username), q(domain),
                                     q("https://%s/users/%s" % (domain, username))))


def local(username):
    return inst.scalar("SELECT id FROM accounts WHERE username = %s AND domain IS NULL"
                       % q(username))


def relate(table, src, dst):
    inst.psql("INSERT INTO %s (account_id, target_account_id) VALUES (%s, %s)"
              % (table, src, dst))


def related(table, src, dst):
    return inst.scalar("SELECT count(*) FROM %s WHERE account_id = %s AND target_account_id = %s"
                       % (table, src, dst)) == "1"


def switch(mode, confirm=False):
    fields = {"federation_mode": mode}
    if confirm:
        fields["confirm"] = "1"
    return clients["admin"].post("/admin/peers/mode", fields)


SECRET = "a secret only the stranger knows"


def knock(domain="Stranger.Example"):
    """POSTs an activity to /inbox signed (badly: the key is never fetched) as a domain."""
    body = ('{"type": "Create", "id": "https://%s/a/1", "actor": "https://%s/users/x",'
            ' "object": {"type": "Note", "content": "%s"}}' % (domain, domain, SECRET)).encode()
    headers = {
        "Host": "127.0.0.1:%d" % inst.port,
        "Date": email.utils.formatdate(usegmt=True),
        "Digest": "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode(),
        "Content-Type": "application/activity+json",
        "Signature": 'keyId="https://' + domain + '/users/x#main-key",'
                     'algorithm="rsa-sha256",headers="(request-target) host date digest",'
                     'signature="%s"' % base64.b64encode(b"\0" * 256).decode(),
    }
    return harness.request(inst.port, "POST", "/inbox", headers=headers, body=body)



@test
def test_visitor_sent_to_login():
    """a visitor is sent to /login from the page and every form"""
    c = harness.WebClient(inst.port)
    r = c.get("/admin/peers")
    harness.assert_status(r, 303, "visitor GET")
    assert harness.location_path(r) == "/login?next=/admin/peers"
    for path in POSTS:
        r = c.post(path, {"domain": "evil.example", "federation_mode": "blocklist"})
        harness.assert_status(r, 303, "visitor POST " + path)
        assert harness.location_path(r).startswith("/login")
    assert peers() == [] and mode_row() is None


@test
def test_member_and_moderator_forbidden():
    """members and moderators get 403 on the page and every form; nothing changes"""
    harness.db_change(inst, "INSERT INTO peers (domain) VALUES ('peer.example')", "peers")
    try:
        for who in ("member", "mod"):
            harness.assert_status(clients[who].get("/admin/peers"), 403, who + " GET")
            for path in POSTS:
                r = clients[who].post(path, {"domain": "evil.example",
                                             "federation_mode": "blocklist", "confirm": "1"})
                harness.assert_status(r, 403, "%s POST %s" % (who, path))
        assert peers() == ["peer.example"] and mode_row() is None
    finally:
        harness.db_change(inst, "DELETE FROM peers", "peers")
        harness.db_change(inst, "DELETE FROM instance_settings WHERE key = 'federation_mode'",
                          "settings")


@test
def test_admin_nav_links_the_page():
    """the admin navigation links to the federation page"""
    r = clients["admin"].get("/admin/settings")
    assert 'href="/admin/peers"' in r.text
    assert 'href="/admin/peers"' not in clients["mod"].get("/admin/applications").text


@test
def test_default_is_allowlist():
    """with nothing stored the page shows allowlist mode, checked and recommended"""
    text = page()
    assert re.search(r'name="federation_mode" value="allowlist" checked>', text)
    assert not re.search(r'value="blocklist" checked>', text)
    assert "recommend" in section(text, "fed-mode")
    assert "The list is empty." in text


@test
def test_add_normalised():
    """an added peer is stored lower-case; a pasted URL is reduced to host[:port]"""
    r = add("  Peer.Example  ", note="Run by the <Night> collective & friends")
    harness.assert_status(r, 303, "add Peer.Example")
    assert harness.location_path(r) == "/admin/peers?notice=peer_added"
    assert peers() == ["peer.example"]
    harness.assert_status(add("https://Other.Example:0443/users/x?y#z"), 303, "add a URL")
    harness.assert_status(add("http://third.example./"), 303, "add an http URL, root dot")
    harness.assert_status(add("B\u00dcCHER.example:8443"), 303, "add an international name")
    assert peers() == ["other.example", "peer.example", "third.example",
                       "xn--bcher-kva.example:8443"], peers()
    text = page()
    lst = section(text, "peer-list")
    for d in ("peer.example", "other.example", "third.example"):
        assert "<h3>%s</h3>" % d in lst, d
    assert "Run by the &lt;Night&gt; collective &amp; friends" in lst
    assert "<Night>" not in text
    assert 'action="/admin/peers/xn--bcher-kva.example%3A8443/remove"' in lst
    assert inst.scalar("SELECT note FROM peers WHERE domain = 'peer.example'") == (
        "Run by the <Night> collective & friends")
    # the same domain again, however spelt: 409 with the form kept
    r = add("PEER.example")
    harness.assert_status(r, 409, "add again")
    assert "on the list already" in r.text
    assert harness.form_fields(r.text)["domain"] == "PEER.example"
    harness.assert_status(add("https://other.example:443"), 409, "the default port is no port")
    harness.assert_status(add("b\u00fccher.example:8443"), 409, "the same international name")
    assert peers() == ["other.example", "peer.example", "third.example",
                       "xn--bcher-kva.example:8443"]
    for d in ("other.example", "third.example", "peer.example", "xn--bcher-kva.example:8443"):
        harness.assert_status(remove(d), 303, "clean up " + d)


@test
def test_invalid_domains_refused():
    """malformed domains and overlong notes: 422 with the form kept, nothing stored"""
    before = peers()
    bad = ["", "   ", "peer example", "-bad.example", "bad-.example", "a..b.example",
           ".example", "peer.example:99999", "peer.example:0", "peer.example:", "peer.example:8a",
           "peer.example:1:2", "ftp://peer.example", "user@peer.example",
           "https://user@peer.example/", "[::1]:8080", "[::1", "[zz::1]", "[127.0.0.1]", "[]",
           "例え..jp", "peer_x.example",
           "a" * 64 + ".example", ("abcdefghi." * 26) + "example", "peer.example\\x",
           "javascript:alert(1)", "<b>.example"]
    for d in bad:
        r = add(d, note="kept note")
        harness.assert_status(r, 422, "add %r" % d)
        assert '<p class="error" role="alert">' in r.text, d
        fields = harness.form_fields(r.text)
        assert fields["domain"] == d.strip() or fields["domain"] == d, (d, fields["domain"])
        assert fields["note"] == "kept note"
    r = add("fine.example", note="n" * 501)
    harness.assert_status(r, 422, "501-character note")
    assert "500 characters" in r.text
    harness.assert_status(add("fine.example", note="\u00e9" * 500), 303, "500 characters")
    harness.assert_status(remove("fine.example"), 303, "clean up")
    assert peers() == before


@test
def test_attempts_listed_and_added():
    """attempts are listed most recent first; adding one as a peer takes it off the list"""
    inst.psql("INSERT INTO federation_attempts (domain, attempts, last_seen) VALUES"
              " ('old.example', 3, now() - interval '2 days'),"
              " ('knocking.example', 41, now() - interval '1 hour'),"
              " ('fresh.example:8443', 1, now())")
    try:
        sec = section(page(), "attempts")
        order = re.findall(r'<h3>([^<]+)</h3>', sec)
        assert order == ["fresh.example:8443", "knocking.example", "old.example"], order
        m = re.search(r'<h3>knocking\.example</h3>([\s\S]*?)</li>', sec)
        assert m and "<dd>41</dd>" in m.group(1), "no count of 41 for knocking.example"
        # seen an hour ago: the relative form pages use within a day
        assert re.search(r"<dd>1 h ago</dd>", m.group(1)), "no last seen"
        forms = re.findall(r'<form class="inline" method="post" action="/admin/peers">'
                           r'<input type="hidden" name="csrf" value="[^"]+">'
                           r'<input type="hidden" name="domain" value="([^"]+)">', sec)
        assert forms == order, forms
        assert "Add knocking.example as a peer" in sec
        r = add("knocking.example")  # what the button sends
        harness.assert_status(r, 303, "add as peer")
        assert "knocking.example" in peers()
        assert attempts() == ["fresh.example:8443", "old.example"], attempts()
        text = page()
        assert "knocking.example" not in section(text, "attempts")
        assert "<h3>knocking.example</h3>" in section(text, "peer-list")
        harness.assert_status(add("fresh.example:8443"), 303, "add with port")
        assert attempts() == ["old.example"]
    finally:
        harness.db_change(inst, "DELETE FROM peers", "peers")
        inst.psql("DELETE FROM federation_attempts")


@test
def test_attempts_show_only_domain_count_last_seen():
    """the attempts list shows the domain, the count and the time, escaped, and nothing else"""
    cols = [r[0] for r in inst.psql(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = 'federation_attempts' ORDER BY ordinal_position")]
    assert cols == ["domain", "attempts", "last_seen"], cols
    inst.psql("INSERT INTO federation_attempts (domain, attempts) VALUES"
              " ('<img src=x>.example', 7), ('quiet.example', 2)")
    try:
        sec = section(page(), "attempts")
        assert "<img" not in sec and "&lt;img src=x&gt;.example" in sec
        items = re.findall(r'<li class="attempt">([\s\S]*?)</li>', sec)
        assert len(items) == 2, items
        for item in items:
            text = re.sub(r"<[^>]+>", "\n", item)
            words = [w.strip() for w in text.split("\n") if w.strip()]
            assert len(words) == 6, words
            domain, l1, count, l2, seen, button = words
            assert (l1, l2) == ("Attempts", "Last seen"), words
            assert count in ("7", "2"), words
            assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC|just now|\d+ (min|h) ago",
                                seen), words
            assert button == "Add %s as a peer" % domain, words
        # hidden inputs carry nothing but the csrf token and the domain
        names = re.findall(r'name="([^"]+)"', sec)
        assert set(names) == {"csrf", "domain"}, names
        # a malformed domain in the table can't be added
        harness.assert_status(add("<img src=x>.example"), 422, "add a malformed attempt")
    finally:
        inst.psql("DELETE FROM federation_attempts")


@test
def test_remove_cuts_follows_both_ways():
    """removing a peer removes follows and requests with its accounts both ways, not others'"""
    harness.assert_status(add("peer.example"), 303, "peer.example")
    harness.assert_status(add("other.example"), 303, "other.example")
    try:
        alice, bob = local("alice"), local("bob")
        zed, yan = remote("zed", "peer.example"), remote("yan", "peer.example")
        kim = remote("kim", "other.example")
        cut = [("follows", alice, zed), ("follows", zed, alice), ("follows", bob, yan),
               ("follow_requests", bob, zed), ("follow_requests", yan, alice)]
        kept = [("follows", alice, kim), ("follows", kim, bob), ("follow_requests", kim, alice),
                ("follows", alice, bob), ("follows", bob, alice)]
        for row in cut + kept:
            relate(*row)
        assert "removes every follow" in section(page(), "peer-list")
        r = remove("peer.example")
        harness.assert_status(r, 303, "remove peer.example")
        assert harness.location_path(r) == "/admin/peers?notice=peer_removed"
        assert "peer.example" not in peers() and "other.example" in peers()
        for row in cut:
            assert not related(*row), "still there: %r" % (row,)
        for row in kept:
            assert related(*row), "removed too: %r" % (row,)
        # the remote accounts themselves stay (their posts are another matter)
        assert inst.scalar("SELECT count(*) FROM accounts WHERE domain = 'peer.example'") == "2"
        assert "<h3>peer.example</h3>" not in section(page(), "peer-list")
        # removing again, or an unknown domain: 404
        harness.assert_status(remove("peer.example"), 404, "remove again")
        harness.assert_status(remove("never.example"), 404, "remove unknown")
        harness.assert_status(remove("bad domain"), 404, "remove malformed")
        harness.assert_status(remove("other.example"), 303, "remove other.example")
        assert not related("follows", alice, kim) and related("follows", alice, bob)
    finally:
        harness.db_change(inst, "DELETE FROM peers", "peers")
        inst.psql("DELETE FROM follows")
        inst.psql("DELETE FROM follow_requests")


@test
def test_remove_with_port():
    """a domain with a port is removed through its percent-encoded path segment"""
    harness.assert_status(add("ported.example:8443"), 303, "add")
    assert "ported.example:8443" in peers()
    harness.assert_status(clients["admin"].post(
        "/admin/peers/ported.example%3A8443/remove", {"confirm": "1"}), 303, "remove")
    assert "ported.example:8443" not in peers()


@test
def test_mode_switch():
    """switching to blocklist and back is saved; a non-empty list needs the confirmation"""
    harness.assert_status(add("listed.example"), 303, "add")
    r = switch("blocklist")
    harness.assert_status(r, 422, "switch without confirming")
    assert "Tick the box" in r.text
    assert mode_row() is None
    r = switch("blocklist", confirm=True)
    harness.assert_status(r, 303, "switch to blocklist")
    assert harness.location_path(r) == "/admin/peers?notice=saved"
    assert mode_row() == "blocklist"
    text = page()
    assert re.search(r'name="federation_mode" value="blocklist" checked>', text)
    assert "Blocked domains" in text and "<h3>listed.example</h3>" in text
    # the instance settings form keeps the mode
    fields = harness.form_fields(clients["admin"].get("/admin/settings").text)
    r = clients["admin"].post("/admin/settings", {
        "name": fields["name"], "description": fields["description"],
        "registration_mode": "invite", "default_language": "en"})
    harness.assert_status(r, 303, "save instance settings")
    assert mode_row() == "blocklist"
    harness.assert_status(switch("allowlist", confirm=True), 303, "back to allowlist")
    assert mode_row() == "allowlist"
    assert re.search(r'name="federation_mode" value="allowlist" checked>', page())
    harness.assert_status(switch("allowlist"), 303, "unchanged mode: nothing to confirm")
    harness.assert_status(switch("open"), 422, "unknown mode")
    harness.assert_status(switch(""), 422, "no mode")
    assert mode_row() == "allowlist"
    harness.assert_status(remove("listed.example"), 303, "clean up")
    # with an empty list no confirmation is needed
    harness.assert_status(switch("blocklist"), 303, "empty list")
    assert mode_row() == "blocklist"
    harness.assert_status(switch("allowlist"), 303, "empty list, back")
    assert mode_row() == "allowlist"


@test
def test_blocklist_block_cuts_follows():
    """in blocklist mode blocking a domain cuts its follows, and its subdomains' (not those
    of a domain that merely ends in the same letters); unblocking leaves follows be"""
    harness.assert_status(switch("blocklist"), 303, "blocklist")
    try:
        alice = local("alice")
        vex = remote("vex", "hostile.example")
        sub = remote("sub", "social.hostile.example:8443")
        near = remote("near", "nothostile.example")
        relate("follows", vex, alice)
        relate("follows", alice, vex)
        relate("follows", alice, sub)
        relate("follows", near, alice)
        r = add("hostile.example")
        harness.assert_status(r, 303, "block")
        assert "hostile.example" in peers()
        assert not related("follows", vex, alice) and not related("follows", alice, vex)
        assert not related("follows", alice, sub), "a follow of a subdomain's account stayed"
        assert related("follows", near, alice), "a look-alike domain's follow was cut"
        relate("follows", alice, vex)  # (as if made after unblocking)
        harness.assert_status(remove("hostile.example"), 303, "unblock")
        assert related("follows", alice, vex), "unblocking removed a follow"
    finally:
        harness.db_change(inst, "DELETE FROM peers", "peers")
        inst.psql("DELETE FROM follows")
        harness.assert_status(switch("allowlist"), 303, "allowlist again")


@test
def test_blocklist_normalises_and_covers_subdomains():
    """in blocklist mode a blocked domain is refused however it is spelt — upper case, a
    trailing dot, the default port, its international form — and so are its subdomains and
    its other ports; a domain merely ending in the same letters is not. The allowlist matches
    normalised domains too, but never lets a subdomain in."""
    harness.assert_status(switch("blocklist"), 303, "blocklist")
    try:
        harness.assert_status(add("Evil.Example"), 303, "block evil.example")
        harness.assert_status(add("b\u00fccher.example"), 303, "block an international name")
        assert "xn--bcher-kva.example" in peers(), peers()
        inst.psql("DELETE FROM federation_attempts")
        for spelling in ("evil.example", "EVIL.EXAMPLE", "evil.example.", "evil.example:443",
                         "Evil.Example.:443", "evil.example:8443", "sub.evil.example",
                         "a.b.SUB.evil.example.", "XN--BCHER-KVA.example",
                         "www.xn--bcher-kva.example:443"):
            harness.assert_status(knock(spelling), 403, "blocked spelling %r" % spelling)
        got = attempts()
        # (a listed domain is never counted, its subdomains and other ports are)
        assert "sub.evil.example" in got and "evil.example:8443" in got, got
        assert not [d for d in got if ":443" in d or d.endswith(".") or d != d.lower()], got
        # not blocked: the key fetch is tried (and fails), it is not refused 403
        for spelling in ("notevil.example", "example", "evil.example.org"):
            r = knock(spelling)
            assert r.status != 403, "an unlisted domain was blocked: %r %r" % (spelling, r)
    finally:
        harness.db_change(inst, "DELETE FROM peers", "peers")
        inst.psql("DELETE FROM federation_attempts")
        harness.assert_status(switch("allowlist"), 303, "allowlist again")
    harness.assert_status(add("friend.example"), 303, "allow friend.example")
    try:
        for spelling in ("sub.friend.example", "friend.example:8443", "friend.example.evil"):
            harness.assert_status(knock(spelling), 403, "allowlist: %r" % spelling)
    finally:
        harness.assert_status(remove("friend.example"), 303, "clean up")
        inst.psql("DELETE FROM federation_attempts")


@test
def test_blocklist_catches_address_spellings():
    """an IPv4 address is listed in its one canonical spelling (2130706433 is 127.0.0.1); in
    blocklist mode a blocked 127.0.0.1 is refused (403) on any port and however the resolver
    would read it — 127.1, 2130706433, 0x7f.1, 0177.0.0.1, the IPv4-mapped
    [::ffff:127.0.0.1] —, IPv6 literals are refused as no peer can be one, and another
    IPv4 address is not refused"""
    try:
        harness.assert_status(add("http://2130706433:80/"), 303, "add 2130706433")
        assert peers() == ["127.0.0.1"], peers()
        harness.assert_status(add("127.1"), 409, "127.1 is 127.0.0.1")
        harness.assert_status(add("[::FFFF:7f00:1]"), 409, "the IPv4-mapped 127.0.0.1")
        harness.assert_status(add("[::1]"), 422, "an IPv6 literal")
    finally:
        harness.db_change(inst, "DELETE FROM peers", "peers")
    harness.assert_status(switch("blocklist"), 303, "blocklist")
    try:
        harness.assert_status(add("127.0.0.1"), 303, "block 127.0.0.1")
        inst.psql("DELETE FROM federation_attempts")
        for spelling in ("127.0.0.1", "127.0.0.1:8080", "127.1", "127.1:9", "2130706433",
                         "2130706433:8443", "0x7f.1", "0X7F.0.0.1", "0177.0.0.1",
                         "0x7f000001:80", "127.0.0.1.", "[::ffff:127.0.0.1]",
                         "[::ffff:7f00:1]:8080"):
            harness.assert_status(knock(spelling), 403, "blocked spelling %r" % spelling)
        for spelling in ("[::1]", "[0:0:0:0:0:0:0:1]:8443"):  # no key is fetched there
            r = knock(spelling)
            harness.assert_status(r, 401, "IPv6 literal %r" % spelling)
            assert "The keyId must be an http(s) URL." in r.text, r.text[-600:]
        got = attempts()  # (other ports are counted, in the canonical spelling)
        assert set(got) <= {"127.0.0.1:8080", "127.0.0.1:9", "127.0.0.1:8443"}, got
        for spelling in ("127.0.0.2", "2130706434", "0x7f.2"):
            r = knock(spelling)
            assert r.status != 403, "an unlisted address was blocked: %r %r" % (spelling, r)
    finally:
        harness.db_change(inst, "DELETE FROM peers", "peers")
        inst.psql("DELETE FROM federation_attempts")
        harness.assert_status(switch("allowlist"), 303, "allowlist again")


@test
def test_refused_contact_counted():
    """a signed POST from an unknown domain is refused and counted: the domain, nothing else"""
    r = knock()
    assert r.status in (401, 403), "unknown domain: %r" % r
    harness.assert_status(knock(), r.status, "second knock")
    try:
        rows = inst.psql("SELECT domain, attempts FROM federation_attempts")
        assert rows == [["stranger.example", "2"]], rows
        assert SECRET not in inst.cluster.dump_data(inst.dbname), "the content was stored"
        sec = section(page(), "attempts")
        assert "<h3>stranger.example</h3>" in sec and "<dd>2</dd>" in sec
        assert SECRET not in sec and "users/x" not in sec
    finally:
        inst.psql("DELETE FROM federation_attempts")


@test
def test_attempts_capped():
    """the attempts table keeps the 10,000 domains seen most recently"""
    inst.psql("INSERT INTO federation_attempts (domain, last_seen)"
              " SELECT 'd' || i || '.example', now() - make_interval(mins => i)"
              " FROM generate_series(1, 10000) i")
    try:
        r = knock("newcomer.example")
        assert r.status in (401, 403), r
        assert inst.scalar("SELECT count(*) FROM federation_attempts") == "10000"
        assert inst.scalar("SELECT count(*) FROM federation_attempts"
                           " WHERE domain IN ('newcomer.example', 'd9999.example')") == "2"
        assert inst.scalar("SELECT count(*) FROM federation_attempts"
                           " WHERE domain = 'd10000.example'") == "0", "the oldest is kept"
        knock("d5000.example")  # a known domain: counted, nothing dropped
        assert inst.scalar("SELECT count(*) FROM federation_attempts") == "10000"
        assert inst.scalar("SELECT attempts FROM federation_attempts"
                           " WHERE domain = 'd5000.example'") == "2"
        assert len(re.findall(r'<li class="attempt">', page())) == 200
    finally:
        inst.psql("DELETE FROM federation_attempts")


@test
def test_pagination():
    """a long list comes in pages of 100, in domain order"""
    harness.db_change(inst, "INSERT INTO peers (domain) SELECT 'p' || lpad(i::text, 3, '0')"
                      " || '.example' FROM generate_series(1, 105) i", "peers")
    try:
        text = page()
        shown = re.findall(r"<h3>(p\d{3}\.example)</h3>", text)
        assert shown == ["p%03d.example" % i for i in range(1, 101)], shown[:3]
        m = re.search(r'href="(/admin/peers\?after=p100\.example#peer-list)" rel="next"', text)
        assert m, "no next-page link"
        r = clients["admin"].get(html.unescape(m.group(1)).split("#")[0])
        shown = re.findall(r"<h3>(p\d{3}\.example)</h3>", r.text)
        assert shown == ["p%03d.example" % i for i in range(101, 106)], shown
        assert 'rel="next"' not in r.text and 'href="/admin/peers#peer-list"' in r.text
        harness.assert_status(clients["admin"].get("/admin/peers?after=bad%20domain"), 400,
                              "bad after")
    finally:
        harness.db_change(inst, "DELETE FROM peers WHERE domain LIKE 'p___.example'", "peers")


@test
def test_csrf_missing():
    """the forms without the CSRF token: 403, nothing changes"""
    r = clients["admin"].post("/admin/peers", {"domain": "forged.example"}, csrf=False)
    harness.assert_status(r, 403, "add without csrf")
    r = clients["admin"].post("/admin/peers/mode", {"federation_mode": "blocklist"},
                              csrf=False)
    harness.assert_status(r, 403, "mode without csrf")
    assert "forged.example" not in peers() and mode_row() in (None, "allowlist")


@test
def test_page_shape():
    """under 50 KB, no script, headings in order, CSRF in every form, every field labelled"""
    inst.psql("INSERT INTO federation_attempts (domain) VALUES ('shape.example')")
    harness.assert_status(add("shape-peer.example", note="n"), 303, "add")
    try:
        r = clients["admin"].get("/admin/peers")
        assert len(r.body) < 50 * 1024 and "<script" not in r.text
        levels = [int(h) for h in re.findall(r"<h([1-6])", r.text)]
        assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
        forms = re.findall(r'<form[^>]*method="post"[^>]*>([\s\S]*?)</form>', r.text)
        assert len(forms) >= 5, len(forms)
        for f in forms:
            assert re.search(r'<input type="hidden" name="csrf" value="[A-Za-z0-9_-]{43}">',
                             f), f[:200]
        for inp in harness.page_inputs(r.text):
            if inp.get("type") in ("hidden",) or inp.get("name") in (None, "q"):
                continue
            assert inp.get("id") and 'for="%s"' % inp["id"] in r.text, inp
    finally:
        harness.assert_status(remove("shape-peer.example"), 303, "clean up")
        inst.psql("DELETE FROM federation_attempts")


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
