"""Roles: admins make members moderators and take the role back, each time with a reason; the
change and its mod_actions row are written together and take effect on the member's next
request; every refused change (unknown, remote, pending accounts, moderators and admins
already, non-moderators, admins, empty or long reasons, missing csrf) leaves everything as it
was; moderators, members and visitors can't use the page."""

import html
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("roles")
test = suite.test
inst = harness.Instance(suite, "roles")
clients = {}
GRANT_REASON = "Rose offered to help & <b>knows</b> the rules well."
REVOKE_REASON = "Rose asked to step down for now."


def setup():
    inst.setup()
    inst.start_server()
    clients["admin"] = harness.member(inst, "boss", role="admin")
    harness.create_account(inst, "chief", role="admin")
    clients["rose"] = harness.member(inst, "rose")
    clients["ivy"] = harness.member(inst, "ivy")
    clients["mod"] = harness.member(inst, "keeper", role="moderator")
    # A remote account, as federation stores them (tests insert it directly).
    inst.psql("INSERT INTO accounts (username, domain, uri) VALUES"
              " ('far', 'remote.example', 'https://remote.example/users/far')")
    # An applicant still waiting for approval (approval mode), made directly too.
    harness.create_account(inst, "newbie")
    inst.psql("UPDATE accounts SET approved = false WHERE username = 'newbie'")
    # A suspended member (moderators' suspensions are being built alongside: set directly).
    harness.create_account(inst, "benched")
    inst.psql("UPDATE accounts SET suspended_at = now() WHERE username = 'benched'")


def account_id(name):
    return inst.scalar("SELECT id FROM accounts WHERE username = '%s'" % name)


def snapshot():
    """Every account's role and every mod_actions row: what a refused change must not touch."""
    return (inst.psql("SELECT username, coalesce(domain, ''), role FROM accounts ORDER BY id"),
            inst.psql("SELECT id, kind, target_acct, reason FROM mod_actions ORDER BY id"))


def role_of(name):
    return inst.scalar("SELECT role FROM accounts WHERE username = '%s' AND domain IS NULL"
                       % name)


def grant(client, username, reason, **kw):
    return client.post("/admin/roles", {"username": username, "reason": reason}, **kw)


def revoke(client, ident, reason, **kw):
    return client.post("/admin/roles/%s/revoke" % ident, {"reason": reason}, **kw)


@test
def test_visitor_sent_to_login():
    """a visitor is sent to /login from the roles page and its forms; nothing changes"""
    before = snapshot()
    c = harness.WebClient(inst.port)
    r = c.get("/admin/roles")
    harness.assert_status(r, 303, "visitor GET")
    assert harness.location_path(r) == "/login?next=/admin/roles"
    r = grant(c, "rose", "x")
    harness.assert_status(r, 303, "visitor grant")
    assert harness.location_path(r).startswith("/login")
    r = revoke(c, account_id("keeper"), "x")
    harness.assert_status(r, 303, "visitor revoke")
    assert harness.location_path(r).startswith("/login")
    assert snapshot() == before


@test
def test_members_and_moderators_forbidden():
    """members and moderators get 403 on the page, and a moderator can't grant or revoke"""
    before = snapshot()
    for who in ("rose", "mod"):
        harness.assert_status(clients[who].get("/admin/roles"), 403, who + " GET")
    harness.assert_status(grant(clients["mod"], "rose", "a moderator trying"), 403,
                          "moderator grant")
    harness.assert_status(grant(clients["rose"], "rose", "promoting myself"), 403,
                          "member grant")
    harness.assert_status(revoke(clients["mod"], account_id("keeper"), "x"), 403,
                          "moderator revoke")
    assert snapshot() == before
    assert role_of("rose") == "member"


@test
def test_nav_link_for_admins_only():
    """the admin nav links to /admin/roles for admins, not for moderators"""
    assert 'href="/admin/roles"' in clients["admin"].get("/admin/rules").text
    page = clients["mod"].get("/admin/rules")
    harness.assert_status(page, 200, "moderator rules page")
    assert 'href="/admin/roles"' not in page.text


@test
def test_page_lists_staff():
    """the page lists the admins and the moderator with a remove form only for the moderator"""
    r = clients["admin"].get("/admin/roles")
    harness.assert_status(r, 200, "admin GET")
    for name in ("boss", "chief", "keeper"):
        assert 'href="/@%s"' % name in r.text, name
    for name in ("rose", "ivy", "newbie", "far", "benched"):
        assert 'href="/@%s"' % name not in r.text, name
    forms = re.findall(r'action="/admin/roles/(\d+)/revoke"', r.text)
    assert forms == [account_id("keeper")], forms
    assert "No role changes yet." in r.text


@test
def test_grant():
    """an admin makes rose a moderator: her next request opens /admin/rules; one row logs it
    (the admin, the reason, no rules, done, effective now)"""
    harness.assert_status(clients["rose"].get("/admin/rules"), 403, "rose before")
    r = grant(clients["admin"], "rose", "  " + GRANT_REASON + "\n")
    harness.assert_status(r, 303, "grant")
    assert harness.location_path(r) == "/admin/roles?notice=saved"
    assert role_of("rose") == "moderator"
    harness.assert_status(clients["rose"].get("/admin/rules"), 200, "rose after")
    rows = inst.psql(
        "SELECT kind, moderator_id, target_account_id, target_acct, reason, rule_ids::text,"
        " state, effective_at IS NOT NULL, status_id IS NULL, report_id IS NULL"
        " FROM mod_actions")
    assert rows == [["grant_moderator", account_id("boss"), account_id("rose"), "rose",
                     GRANT_REASON, "{}", "done", "t", "t", "t"]], rows
    page = clients["admin"].get("/admin/roles").text
    assert "@rose was made a moderator" in page
    assert html.escape(GRANT_REASON, quote=False) in page or \
        "Rose offered to help &amp; &lt;b&gt;knows&lt;/b&gt;" in page
    assert "<b>knows</b>" not in page
    assert 'href="/@boss">@boss</a>' in page, "the acting admin is named"
    forms = re.findall(r'action="/admin/roles/(\d+)/revoke"', page)
    assert sorted(forms) == sorted([account_id("keeper"), account_id("rose")]), forms


def assert_refused(r, status, message, what):
    harness.assert_status(r, status, what)
    assert message in html.unescape(r.text), "%s: no %r in the page" % (what, message)
    assert 'role="alert"' in r.text, what


def username_invalid(r):
    field = [i for i in harness.page_inputs(r.text) if i.get("id") == "grant-username"]
    return field[0].get("aria-invalid")


@test
def test_grant_errors_change_nothing():
    """every refused grant (404 unknown; 422 remote, pending, suspended, no name or reason; 409)
    changes nothing: each re-renders the form with what was sent"""
    before = snapshot()
    admin = clients["admin"]
    r = grant(admin, "nobody", "kept reason text")
    assert_refused(r, 404, "No account has that name.", "unknown")
    assert harness.form_fields(r.text).get("username") == "nobody"
    assert "kept reason text" in r.text
    assert username_invalid(r) == "true"
    assert_refused(grant(admin, "@nobody", "x"), 404, "No account has that name.", "@unknown")
    assert_refused(grant(admin, "bad name!", "x"), 404, "No account has that name.", "bad")
    assert_refused(grant(admin, "ghost@remote.example", "x"), 404, "No account has that name.",
                   "unknown remote")
    assert_refused(grant(admin, "far@remote.example", "x"), 422,
                   "Only members of this server can be moderators.", "remote")
    assert_refused(grant(admin, "@far@REMOTE.example", "x"), 422,
                   "Only members of this server can be moderators.", "remote, @ and case")
    assert_refused(grant(admin, "newbie", "x"), 422,
                   "That account is still waiting for approval.", "pending")
    assert_refused(grant(admin, "benched", "x"), 422,
                   "A suspended account can't be made a moderator.", "suspended")
    assert_refused(grant(admin, "   ", "x"), 422, "Enter the username of the member.", "empty")
    assert_refused(grant(admin, "keeper", "x"), 409, "That account is a moderator already.",
                   "moderator")
    assert_refused(grant(admin, "ROSE", "x"), 409, "That account is a moderator already.",
                   "moderator, other case")
    assert_refused(grant(admin, "chief", "x"), 409, "That account is an admin already.",
                   "admin")
    assert_refused(grant(admin, "boss", "x"), 409, "That account is an admin already.",
                   "oneself")
    r = grant(admin, "ivy", " \n\t ")
    assert_refused(r, 422, "Give a reason for the change.", "empty reason")
    assert username_invalid(r) == "false", "the reason was wrong, not the name"
    assert re.search(r'<textarea id="grant-reason"[^>]*aria-invalid="true"', r.text)
    assert_refused(grant(admin, "ivy", ""), 422, "Give a reason for the change.",
                   "no reason")
    long_reason = "é" * 1001
    r = grant(admin, "ivy", long_reason)
    assert_refused(r, 422, "A reason can have at most 1000 characters.", "long reason")
    assert long_reason in r.text, "the long reason is kept in the form"
    r = admin.post("/admin/roles", {"username": "ivy"})
    assert_refused(r, 422, "Give a reason for the change.", "reason field missing")
    harness.assert_status(grant(admin, "ivy", "forged", csrf=False), 403, "no csrf")
    harness.assert_status(grant(admin, "ivy", "forged", csrf="x" * 43), 403, "wrong csrf")
    assert snapshot() == before
    assert role_of("ivy") == "member"


@test
def test_long_reason_at_the_limit():
    """1000 characters (counted as characters, not bytes) are accepted"""
    reason = "é" * 1000
    harness.assert_status(grant(clients["admin"], "ivy", reason), 303, "1000 characters")
    assert inst.scalar("SELECT reason FROM mod_actions WHERE target_acct = 'ivy'") == reason
    r = revoke(clients["admin"], account_id("ivy"), "only testing the limit")
    harness.assert_status(r, 303, "revoke ivy")
    assert role_of("ivy") == "member"


@test
def test_revoke_errors_change_nothing():
    """every refused removal (409 not a moderator; 422 an admin, no reason; 404 unknown)
    changes nothing: the moderator stays one"""
    before = snapshot()
    admin = clients["admin"]
    assert_refused(revoke(admin, account_id("ivy"), "x"), 409,
                   "That account is not a moderator.", "member")
    assert_refused(revoke(admin, account_id("far"), "x"), 409,
                   "That account is not a moderator.", "remote")
    assert_refused(revoke(admin, account_id("chief"), "x"), 422,
                   "An admin can't be demoted on this page.", "admin")
    assert_refused(revoke(admin, account_id("boss"), "x"), 422,
                   "An admin can't be demoted on this page.", "oneself")
    assert_refused(revoke(admin, "999999", "x"), 404, "There is no such account.", "unknown")
    harness.assert_status(revoke(admin, "abc", "x"), 404, "malformed id")
    r = revoke(admin, account_id("rose"), "   ")
    assert_refused(r, 422, "Give a reason for the change.", "empty reason")
    assert 'aria-invalid="true"' in r.text
    harness.assert_status(revoke(admin, account_id("rose"), "forged", csrf=False), 403,
                          "no csrf")
    assert snapshot() == before
    assert role_of("rose") == "moderator"
    harness.assert_status(clients["rose"].get("/admin/rules"), 200, "rose still a moderator")


@test
def test_revoke():
    """removing rose: her next request is refused again and a revoke row is logged"""
    r = revoke(clients["admin"], account_id("rose"), REVOKE_REASON)
    harness.assert_status(r, 303, "revoke")
    assert harness.location_path(r) == "/admin/roles?notice=saved"
    assert role_of("rose") == "member"
    harness.assert_status(clients["rose"].get("/admin/rules"), 403, "rose after")
    rows = inst.psql(
        "SELECT kind, moderator_id, target_account_id, target_acct, reason, rule_ids::text,"
        " state, effective_at IS NOT NULL FROM mod_actions WHERE target_acct = 'rose'"
        " ORDER BY id")
    assert [row[0] for row in rows] == ["grant_moderator", "revoke_moderator"], rows
    assert rows[1] == ["revoke_moderator", account_id("boss"), account_id("rose"), "rose",
                       REVOKE_REASON, "{}", "done", "t"], rows
    page = clients["admin"].get("/admin/roles").text
    assert page.index("@rose is no longer a moderator") < page.index(
        "@rose was made a moderator"), "newest change first"
    assert REVOKE_REASON in page
    assert re.findall(r'action="/admin/roles/(\d+)/revoke"', page) == [account_id("keeper")]
    assert_refused(revoke(clients["admin"], account_id("rose"), "again"), 409,
                   "That account is not a moderator.", "revoke twice")


@test
def test_concurrent_grants():
    """two admins granting the same member at once: one succeeds, the other gets 409"""
    other = harness.member(inst, "chief", create=False)
    before = int(inst.scalar("SELECT count(*) FROM mod_actions"))
    results = harness.parallel(
        lambda c: grant(c, "ivy", "both of us thought of it").status,
        [clients["admin"], other], 2)
    assert sorted(results) == [303, 409], results
    assert int(inst.scalar("SELECT count(*) FROM mod_actions")) == before + 1
    assert role_of("ivy") == "moderator"
    harness.assert_status(revoke(other, account_id("ivy"), "undo"), 303, "revoke ivy")


@test
def test_deleted_admin_still_logged():
    """a change whose admin account is gone still reads, without a name"""
    harness.create_account(inst, "gone", role="admin")
    inst.psql("INSERT INTO mod_actions (kind, moderator_id, target_account_id, target_acct,"
              " reason, effective_at) SELECT 'grant_moderator', g.id, k.id, 'keeper',"
              " 'made by an admin who left', now() FROM accounts g, accounts k"
              " WHERE g.username = 'gone' AND k.username = 'keeper'")
    inst.psql("DELETE FROM accounts WHERE username = 'gone'")
    page = clients["admin"].get("/admin/roles").text
    assert "made by an admin who left" in page
    assert "A deleted account" in page


@test
def test_pagination():
    """with 55 more moderators and 25 more changes both lists page, nothing repeated or lost"""
    inst.psql("INSERT INTO accounts (username, password_hash, role)"
              " SELECT 'm' || lpad(i::text, 3, '0'), 'x', 'moderator'"
              " FROM generate_series(1, 55) i")
    inst.psql("INSERT INTO mod_actions (kind, target_acct, reason, effective_at)"
              " SELECT 'grant_moderator', 'm' || lpad(i::text, 3, '0'), 'bulk ' || i, now()"
              " FROM generate_series(1, 25) i")
    staff = inst.psql("SELECT username FROM accounts WHERE domain IS NULL"
                      " AND role IN ('admin', 'moderator') ORDER BY lower(username)")
    staff = [row[0] for row in staff]
    changes = int(inst.scalar("SELECT count(*) FROM mod_actions"))
    seen_staff, seen_changes = [], []
    path = "/admin/roles"
    while path:
        r = clients["admin"].get(path)
        harness.assert_status(r, 200, path)
        seen_staff += re.findall(r'<li id="account-\d+">\s*<h3><a href="/@(\w+)">', r.text)
        m = re.search(r'href="(/admin/roles\?after=\w+#staff)" rel="next"', r.text)
        path = html.unescape(m.group(1)).split("#")[0] if m else None
    assert seen_staff == staff, (seen_staff, staff)
    path = "/admin/roles"
    while path:
        r = clients["admin"].get(path)
        harness.assert_status(r, 200, path)
        seen_changes += re.findall(r'<li id="change-(\d+)">', r.text)
        m = re.search(r'href="(/admin/roles\?max_id=\d+#changes)" rel="next"', r.text)
        path = m.group(1).split("#")[0] if m else None
    assert len(seen_changes) == changes and len(set(seen_changes)) == changes, seen_changes
    assert seen_changes == sorted(seen_changes, key=int, reverse=True)
    harness.assert_status(clients["admin"].get("/admin/roles?after=bad%20name"), 400,
                          "malformed after")
    harness.assert_status(clients["admin"].get("/admin/roles?max_id=x"), 400, "bad max_id")


@test
def test_page_shape():
    """every form carries csrf, no script, headings in order, labelled fields"""
    r = clients["admin"].get("/admin/roles")
    forms = re.findall(r"<form\b.*?</form>", r.text, re.S)
    assert len(forms) >= 3
    for f in forms:
        assert 'name="csrf"' in f, f
    assert "<script" not in r.text
    levels = [int(h) for h in re.findall(r"<h([1-6])", r.text)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    for field in harness.page_inputs(r.text):
        if field.get("type") != "hidden":
            assert 'for="%s"' % field["id"] in r.text, field


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
