"""OAuth attacked as a hostile app and a hostile client would (issue 12's review): a code
stolen on its way back to the app can't be exchanged without the app's secret unless the code
was bound to a PKCE challenge; redirect URIs that would run script or open local files can't
be registered; scopes can't grow between the consent and the token; the consent page can't be
framed. test_api.py covers the ordinary flows."""

import base64
import hashlib
import os
import re
import sys
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apiclient  # noqa: E402
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("attack_oauth")
test = suite.test
inst = harness.Instance(suite, "attack_oauth", page_cache_seconds=0)
PASSWORD = harness.PASSWORD
OOB = "urn:ietf:wg:oauth:2.0:oob"


def call(method, path, token=None, **kw):
    """One API request (apiclient.request)."""
    return apiclient.request(inst.port, method, path, token, **kw)


def count(sql):
    return int(inst.scalar(sql))


def app(scopes="read write follow", redirect_uris=OOB):
    r = call("POST", "/api/v1/apps", form={"client_name": "attack app",
                                           "redirect_uris": redirect_uris, "scopes": scopes})
    assert r.status == 200, "registering an app: %r" % r
    return r.json()


def consent(web, a, scope="read", redirect=OOB, challenge=None, extra=None):
    """Approves a on the consent page as web's member: the response to the form."""
    q = {"response_type": "code", "client_id": a["client_id"], "redirect_uri": redirect,
         "scope": scope, "state": "st"}
    if challenge:
        q.update(code_challenge=challenge, code_challenge_method="S256")
    page = web.get("/oauth/authorize?" + urllib.parse.urlencode(q))
    assert page.status == 200, "the consent page: %r" % page
    fields = harness.form_fields(page.text)
    fields["decision"] = "approve"
    fields.update(extra or {})
    return web.post("/oauth/authorize", fields, csrf=False)


def oob_code(resp):
    assert resp.status == 200, resp
    return re.search(r'<textarea id="code" class="code"[^>]*>([^<]+)</textarea>', resp.text).group(1)


def setup():
    inst.setup()
    inst.start_server()
    for name in ("rose", "lily"):
        harness.create_account(inst, name)


@test
def test_code_without_pkce_needs_the_secret():
    """a code issued without a PKCE challenge, stolen by someone who knows only the (public)
    client_id, gives no token: sending any code_verifier in place of the client secret must
    not pass for client authentication"""
    a = app()
    web = harness.member(inst, "rose", create=False)
    code = oob_code(consent(web, a, scope="read write"))
    before = count("SELECT count(*) FROM oauth_tokens")
    r = call("POST", "/oauth/token", form={
        "grant_type": "authorization_code", "client_id": a["client_id"], "code": code,
        "code_verifier": "x" * 50, "redirect_uri": OOB})
    assert r.status in (400, 401), "a stolen code without the secret: %r" % r
    assert r.json()["error"] in ("invalid_client", "invalid_grant"), r.json()
    assert "access_token" not in r.json()
    assert count("SELECT count(*) FROM oauth_tokens") == before, "a token was issued"
    # the app itself, with its secret, still signs in with a new code
    code = oob_code(consent(web, a, scope="read write"))
    r = call("POST", "/oauth/token", form={
        "grant_type": "authorization_code", "client_id": a["client_id"],
        "client_secret": a["client_secret"], "code": code, "redirect_uri": OOB})
    assert r.status == 200 and r.json()["scope"] == "read write", r
    # and a public client that bound its code to a challenge still needs no secret
    verifier = "v" * 60
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()) \
        .decode().rstrip("=")
    code = oob_code(consent(web, a, scope="read", challenge=challenge))
    r = call("POST", "/oauth/token", form={
        "grant_type": "authorization_code", "client_id": a["client_id"], "code": code,
        "code_verifier": verifier, "redirect_uri": OOB})
    assert r.status == 200 and r.json()["scope"] == "read", r


@test
def test_script_and_file_redirect_uris_refused():
    """javascript:, data:, vbscript: and file: redirect URIs are refused at registration
    (whatever their case), and nothing is stored; an app's own scheme still registers"""
    before = count("SELECT count(*) FROM oauth_apps")
    for uri in ("javascript:alert(document.cookie)", "JavaScript:alert(1)",
                "data:text/html,<b>x</b>".replace("<", "%3C").replace(">", "%3E"),
                "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)", "file:///etc/passwd",
                "https://ok.example/cb javascript:alert(1)"):
        r = call("POST", "/api/v1/apps", form={"client_name": "x", "redirect_uris": uri})
        assert r.status == 422, "%s: %r" % (uri, r)
        r = call("POST", "/api/v1/apps", body={"client_name": "x", "redirect_uris": [uri]})
        assert r.status == 422, "%s as a JSON list: %r" % (uri, r)
    assert count("SELECT count(*) FROM oauth_apps") == before
    a = app(redirect_uris="com.example.app:/oauth")
    assert a["redirect_uri"] == "com.example.app:/oauth", a
    # an app stored with such a URI (registered before they were refused) is never sent there
    old = app(redirect_uris="https://ok.example/cb")
    inst.psql("UPDATE oauth_apps SET redirect_uris = 'javascript:alert(1)' WHERE client_id = '%s'"
              % old["client_id"])
    web = harness.member(inst, "rose", create=False)
    q = {"response_type": "code", "client_id": old["client_id"],
         "redirect_uri": "javascript:alert(1)", "scope": "read"}
    page = web.get("/oauth/authorize?" + urllib.parse.urlencode(q))
    assert page.status == 400 and "Location" not in page.headers, page
    before = count("SELECT count(*) FROM oauth_codes")
    q.update(decision="deny")
    r = web.post("/oauth/authorize", q)
    assert r.status == 400 and "Location" not in r.headers, "the Deny button: %r" % r
    q.update(decision="approve")
    r = web.post("/oauth/authorize", q)
    assert r.status == 400 and "Location" not in r.headers, "the Allow button: %r" % r
    assert count("SELECT count(*) FROM oauth_codes") == before


@test
def test_scopes_cannot_grow_after_consent():
    """the member consented to read: asking the token endpoint for more gives a read token
    that can't post; an app registered for read can't ask for write at all"""
    a = app()
    web = harness.member(inst, "lily", create=False)
    code = oob_code(consent(web, a, scope="read"))
    r = call("POST", "/oauth/token", form={
        "grant_type": "authorization_code", "client_id": a["client_id"],
        "client_secret": a["client_secret"], "code": code, "redirect_uri": OOB,
        "scope": "read write follow"})
    assert r.status == 200 and r.json()["scope"] == "read", r
    p = call("POST", "/api/v1/statuses", r.json()["access_token"],
             body={"status": "written by the app"})
    assert p.status == 403, "a read token posted: %r" % p
    ro = app(scopes="read")
    page = web.get("/oauth/authorize?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": ro["client_id"], "redirect_uri": OOB,
        "scope": "read write"}))
    assert page.status == 400, page
    r = call("POST", "/oauth/token", form={
        "grant_type": "client_credentials", "client_id": ro["client_id"],
        "client_secret": ro["client_secret"], "scope": "write"})
    assert r.status == 400 and r.json()["error"] == "invalid_scope", r


@test
def test_consent_page_not_framed():
    """the consent page forbids framing (clickjacking the Allow button), for oob and for a
    redirect URI alike"""
    for redirect in (OOB, "https://app.example/cb"):
        a = app(redirect_uris=redirect)
        web = harness.member(inst, "rose", create=False)
        page = web.get("/oauth/authorize?" + urllib.parse.urlencode({
            "response_type": "code", "client_id": a["client_id"], "redirect_uri": redirect,
            "scope": "read"}))
        assert page.status == 200, page
        csp = " ".join(page.headers.get_all("Content-Security-Policy") or [])
        assert "frame-ancestors 'none'" in csp, csp
        assert page.header("X-Frame-Options") == "DENY", page.headers


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
