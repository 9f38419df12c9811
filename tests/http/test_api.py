"""The Mastodon client API's foundation (issue 13), over raw HTTP: OAuth 2 (apps, the
password, authorization-code with PKCE, client-credentials and refresh grants, revocation,
scopes, two-factor, the sign-in limits), tokens ending with sessions and suspensions,
visibility through the API equal to the web's, bad input, CORS and the JSON error shape.
test_api_clients.py drives the same endpoints with the real toot and Mastodon.py."""

import base64
import hashlib
import hmac
import os
import re
import struct
import sys
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apiclient  # noqa: E402
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("api")
test = suite.test
inst = harness.Instance(suite, "api", page_cache_seconds=0)
PASSWORD = harness.PASSWORD
CLOCK = {"path": None, "now": 1800000015}
ids = {}
_sources = [10]


def set_clock(t):
    CLOCK["now"] = t
    with open(CLOCK["path"], "w") as f:
        f.write("%d\n" % t)


def totp(secret):
    s = CLOCK["now"] // 30
    mac = hmac.new(secret, struct.pack(">Q", s), hashlib.sha1).digest()
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7fffffff) % 1000000)


def source():
    """A loopback address of its own, so that the sign-in limits of one test don't touch
    another's."""
    _sources[0] += 1
    return "127.0.0.%d" % _sources[0]


def call(method, path, token=None, **kw):
    """One API request (apiclient.request)."""
    return apiclient.request(inst.port, method, path, token, **kw)


def want(r, status, what):
    return apiclient.want(r, status, what)


def error_of(r, status, what):
    return apiclient.error_of(r, status, what)


def app(scopes="read write follow push", redirect_uris="urn:ietf:wg:oauth:2.0:oob"):
    doc = want(call("POST", "/api/v1/apps", form={
        "client_name": "test app", "redirect_uris": redirect_uris, "scopes": scopes,
        "website": "https://app.example"}), 200, "registering an app")
    return doc


def password_token(name, scope="read write follow", a=None, src=None):
    a = a or app()
    r = call("POST", "/oauth/token", form={
        "grant_type": "password", "client_id": a["client_id"],
        "client_secret": a["client_secret"], "username": name, "password": PASSWORD,
        "scope": scope}, src=src)
    doc = want(r, 200, "password grant for %s" % name)
    assert doc["token_type"] == "Bearer" and doc["scope"] == scope, doc
    assert r.header("Cache-Control") == "no-store", r.header("Cache-Control")
    return doc["access_token"]


def count(sql):
    return int(inst.scalar(sql))


def setup():
    inst.setup()
    CLOCK["path"] = os.path.join(inst.tmp, "clock")
    set_clock(CLOCK["now"])
    inst.env = {"PARASOL_TEST_CLOCK_FILE": CLOCK["path"]}
    inst.start_server()
    for name in ("rose", "lily", "iris", "fern", "moss", "ivy", "dee"):
        harness.create_account(inst, name)
    harness.create_account(inst, "keeper", role="admin")
    harness.db_change(inst, "INSERT INTO instance_settings (key, value) VALUES "
                      "('local_timeline_public', 'true') ON CONFLICT (key) DO UPDATE SET "
                      "value = EXCLUDED.value", "settings")


# --- OAuth ----------------------------------------------------------------------------------------

@test
def test_apps_json_and_form():
    """POST /api/v1/apps takes JSON (toot) and form (Mastodon.py) bodies; only hashes of the
    secret are stored"""
    j = want(call("POST", "/api/v1/apps", body={
        "client_name": "toot", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
        "scopes": "read write follow", "website": "https://toot.example"}), 200, "JSON")
    f = app()
    for doc in (j, f):
        assert set(("id", "name", "client_id", "client_secret", "redirect_uri")) <= set(doc)
    assert j["scopes"] == "read write follow"
    dump = inst.cluster.dump_data(inst.dbname)
    assert j["client_secret"] not in dump and f["client_secret"] not in dump
    assert j["client_id"] in dump  # public, as in the authorisation URL


@test
def test_apps_bad_input():
    """apps: no name, a bad redirect URI, an unknown scope, a wrong type: 422 naming what is
    wrong, and no row written"""
    before = count("SELECT count(*) FROM oauth_apps")
    for body, what in (({"redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}, "client_name"),
                       ({"client_name": "x", "redirect_uris": "not a uri"}, "redirect_uris"),
                       ({"client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                         "scopes": "read admin:write"}, "scope"),
                       ({"client_name": 5, "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
                        "client_name")):
        doc = error_of(call("POST", "/api/v1/apps", body=body), 422, what)
        assert what in doc["error"].lower() or what.split("_")[0] in doc["error"].lower(), doc
    assert count("SELECT count(*) FROM oauth_apps") == before


@test
def test_password_grant_and_handles():
    """password grant: username, @username and username@host in the email field; the
    response carries scope; a wrong password is 400 invalid_grant and writes nothing"""
    a = app()
    host = "127.0.0.1:%d" % inst.port
    for typed in ("rose", "@rose", "rose@" + host):
        doc = want(call("POST", "/oauth/token", form={
            "grant_type": "password", "client_id": a["client_id"],
            "client_secret": a["client_secret"], "username": typed, "password": PASSWORD,
            "scope": "read"}), 200, typed)
        assert doc["scope"] == "read" and doc["access_token"] and doc["refresh_token"], doc
        assert isinstance(doc["created_at"], int)
    before = count("SELECT count(*) FROM oauth_tokens")
    doc = error_of(call("POST", "/oauth/token", form={
        "grant_type": "password", "client_id": a["client_id"],
        "client_secret": a["client_secret"], "username": "rose", "password": "wrong one!",
        "scope": "read"}, src=source()), 400, "wrong password")
    assert doc["error"] == "invalid_grant", doc
    doc = error_of(call("POST", "/oauth/token", form={
        "grant_type": "password", "client_id": a["client_id"],
        "client_secret": "not the secret", "username": "rose", "password": PASSWORD}),
        401, "wrong client secret")
    assert doc["error"] == "invalid_client"
    doc = error_of(call("POST", "/oauth/token", form={
        "grant_type": "password", "client_id": a["client_id"],
        "client_secret": a["client_secret"], "username": "rose", "password": PASSWORD,
        "scope": "read admin:read"}), 400, "unknown scope")
    assert doc["error"] == "invalid_scope"
    doc = error_of(call("POST", "/oauth/token", form={
        "grant_type": "magic", "client_id": a["client_id"],
        "client_secret": a["client_secret"]}), 400, "unknown grant")
    assert doc["error"] == "unsupported_grant_type"
    assert count("SELECT count(*) FROM oauth_tokens") == before


@test
def test_password_grant_counts_against_signin_limit():
    """failed password grants count against the sign-in limits: past the client's failures,
    429 for the API and for the web's sign-in form alike"""
    a = app()
    src = source()
    for i in range(30):
        r = call("POST", "/oauth/token", form={
            "grant_type": "password", "client_id": a["client_id"],
            "client_secret": a["client_secret"], "username": "nobody%d" % i,
            "password": "guess", "scope": "read"}, src=src)
        want(r, 400, "failure %d" % i)
    r = call("POST", "/oauth/token", form={
        "grant_type": "password", "client_id": a["client_id"],
        "client_secret": a["client_secret"], "username": "rose", "password": PASSWORD,
        "scope": "read"}, src=src)
    error_of(r, 429, "the 31st attempt")
    web = harness.WebClient(inst.port, source=src)
    r = web.post("/login", {"username": "rose", "password": PASSWORD})
    assert r.status == 429, "the web's sign-in from the same client: %r" % r


@test
def test_read_only_token_cannot_post():
    """a read-only token reads but can't post: 403 JSON error and nothing written"""
    token = password_token("lily", scope="read")
    me = want(call("GET", "/api/v1/accounts/verify_credentials", token), 200, "read")
    assert me["acct"] == "lily"
    before = count("SELECT count(*) FROM statuses")
    doc = error_of(call("POST", "/api/v1/statuses", token, body={"status": "nope"}), 403,
                   "post with read")
    assert "scope" in doc["error"]
    assert count("SELECT count(*) FROM statuses") == before
    # a sub-scope is enough for its endpoint, and no more
    t2 = password_token("lily", scope="write:statuses")
    want(call("POST", "/api/v1/statuses", t2, body={"status": "with write:statuses"}), 200,
         "post with write:statuses")
    error_of(call("GET", "/api/v1/timelines/home", t2), 403, "home with write:statuses")


@test
def test_no_token_and_bad_token():
    """no token: 401 on member endpoints; an unknown token: 401 everywhere; an app's own
    token (client_credentials): 422 where a member is needed"""
    error_of(call("GET", "/api/v1/accounts/verify_credentials"), 401, "no token")
    error_of(call("GET", "/api/v1/instance", "not-a-token"), 401, "unknown token")
    a = app()
    doc = want(call("POST", "/oauth/token", form={
        "grant_type": "client_credentials", "client_id": a["client_id"],
        "client_secret": a["client_secret"], "scope": "read"}), 200, "client_credentials")
    assert "refresh_token" not in doc
    want(call("GET", "/api/v1/instance", doc["access_token"]), 200, "instance with app token")
    error_of(call("GET", "/api/v1/timelines/home", doc["access_token"]), 422,
             "home with the app's token")


@test
def test_revoke_takes_effect_at_once():
    """a token revoked through /oauth/revoke, or in Settings -> Authorised apps, fails at
    once (401)"""
    a = app()
    token = password_token("iris", a=a)
    want(call("GET", "/api/v1/accounts/verify_credentials", token), 200, "before")
    want(call("POST", "/oauth/revoke", form={"client_id": a["client_id"],
                                             "client_secret": a["client_secret"],
                                             "token": token}), 200, "revoke")
    error_of(call("GET", "/api/v1/accounts/verify_credentials", token), 401, "after revoke")
    # Settings: the list names the app and its last use by the day, and revokes
    token = password_token("iris")
    web = harness.member(inst, "iris", create=False)
    page = web.get("/settings")
    assert "test app" in page.text and 'id="apps"' in page.text, "the app is not listed"
    m = re.search(r'action="/settings/apps/(\d+)/revoke"', page.text)
    assert m, "no revoke form"
    assert re.search(r"last used: </?[^>]*>?\s*\d{4}-\d\d-\d\d|last used: \d{4}-\d\d-\d\d",
                     page.text), "no day of last use"
    r = web.post("/settings/apps/%s/revoke" % m.group(1), {})
    assert r.status == 303, r
    error_of(call("GET", "/api/v1/accounts/verify_credentials", token), 401,
             "after Settings' revoke")
    assert count("SELECT count(*) FROM oauth_tokens t JOIN accounts a ON a.id = t.account_id"
                 " WHERE a.username = 'iris'") == 0


@test
def test_refresh_token():
    """refresh_token grant: a new pair, the old access token stops working"""
    a = app()
    r = call("POST", "/oauth/token", form={
        "grant_type": "password", "client_id": a["client_id"],
        "client_secret": a["client_secret"], "username": "fern", "password": PASSWORD,
        "scope": "read"})
    first = want(r, 200, "password grant")
    second = want(call("POST", "/oauth/token", form={
        "grant_type": "refresh_token", "client_id": a["client_id"],
        "client_secret": a["client_secret"], "refresh_token": first["refresh_token"]}), 200,
        "refresh")
    assert second["access_token"] != first["access_token"] and second["scope"] == "read"
    error_of(call("GET", "/api/v1/accounts/verify_credentials", first["access_token"]), 401,
             "the old token")
    want(call("GET", "/api/v1/accounts/verify_credentials", second["access_token"]), 200,
         "the new token")
    doc = error_of(call("POST", "/oauth/token", form={
        "grant_type": "refresh_token", "client_id": a["client_id"],
        "client_secret": a["client_secret"], "refresh_token": first["refresh_token"]}), 400,
        "the old refresh token")
    assert doc["error"] == "invalid_grant"


def authorize_code(web, a, scope="read write", challenge=None, redirect="urn:ietf:wg:oauth:2.0:oob",
                   state="xyz"):
    q = {"response_type": "code", "client_id": a["client_id"], "redirect_uri": redirect,
         "scope": scope, "state": state}
    if challenge:
        q.update(code_challenge=challenge, code_challenge_method="S256")
    page = web.get("/oauth/authorize/?" + urllib.parse.urlencode(q))
    assert page.status == 200, "the consent page: %r" % page
    assert "test app" in page.text
    fields = harness.form_fields(page.text)
    fields["decision"] = "approve"
    return web.post("/oauth/authorize", fields, csrf=False)


@test
def test_authorization_code_with_pkce():
    """the consent page: a visitor is sent to sign in and back; approving shows the code for
    oob; the code and its PKCE verifier give a token once; a wrong verifier gets nothing"""
    a = app()
    visitor = harness.WebClient(inst.port)
    q = urllib.parse.urlencode({"response_type": "code", "client_id": a["client_id"],
                                "redirect_uri": "urn:ietf:wg:oauth:2.0:oob", "scope": "read"})
    r = visitor.get("/oauth/authorize?" + q)
    assert r.status == 303 and harness.location_path(r).startswith("/login?next="), r
    nxt = urllib.parse.parse_qs(urllib.parse.urlparse(r.header("Location")).query)["next"][0]
    r = visitor.post("/login", {"username": "moss", "password": PASSWORD, "next": nxt})
    assert r.status == 303 and harness.location_path(r).startswith("/oauth/authorize?"), \
        "sign-in returns to the consent page: %r" % r.header("Location")
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()) \
        .decode().rstrip("=")
    r = authorize_code(visitor, a, scope="read", challenge=challenge)
    assert r.status == 200, r
    code = re.search(r'<textarea id="code" class="code"[^>]*>([^<]+)</textarea>', r.text).group(1)
    bad = call("POST", "/oauth/token", form={
        "grant_type": "authorization_code", "client_id": a["client_id"],
        "client_secret": a["client_secret"], "code": code, "code_verifier": "w" * 50,
        "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"})
    assert error_of(bad, 400, "wrong verifier")["error"] == "invalid_grant"
    # the code was used up by the wrong try: a new one
    r = authorize_code(visitor, a, scope="read", challenge=challenge)
    code = re.search(r'<textarea id="code" class="code"[^>]*>([^<]+)</textarea>', r.text).group(1)
    doc = want(call("POST", "/oauth/token", form={
        "grant_type": "authorization_code", "client_id": a["client_id"], "code": code,
        "code_verifier": verifier, "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"}), 200,
        "exchange (a public client: verifier, no secret)")
    assert doc["scope"] == "read"
    me = want(call("GET", "/api/v1/accounts/verify_credentials", doc["access_token"]), 200, "me")
    assert me["acct"] == "moss"
    again = call("POST", "/oauth/token", form={
        "grant_type": "authorization_code", "client_id": a["client_id"],
        "client_secret": a["client_secret"], "code": code, "code_verifier": verifier,
        "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"})
    error_of(again, 400, "a code used twice")


@test
def test_authorization_code_redirect():
    """a redirect URI the app registered gets code and state; one it did not register is
    refused on the page, never redirected to; a cross-site form (no CSRF token) is refused"""
    a = app(redirect_uris="https://app.example/cb")
    web = harness.member(inst, "moss", create=False)
    r = authorize_code(web, a, redirect="https://app.example/cb", state="s1")
    assert r.status == 303, r
    loc = urllib.parse.urlparse(r.header("Location"))
    qs = urllib.parse.parse_qs(loc.query)
    assert loc.netloc == "app.example" and qs["state"] == ["s1"] and qs["code"], loc
    page = web.get("/oauth/authorize?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": a["client_id"], "scope": "read",
        "redirect_uri": "https://evil.example/cb"}))
    assert page.status == 400 and "Location" not in page.headers, page
    before = count("SELECT count(*) FROM oauth_codes")
    r = web.post("/oauth/authorize", {"response_type": "code", "client_id": a["client_id"],
                                      "redirect_uri": "https://app.example/cb",
                                      "scope": "read", "decision": "approve"}, csrf=False)
    assert r.status == 403, "a form without the CSRF token: %r" % r
    assert count("SELECT count(*) FROM oauth_codes") == before


@test
def test_two_factor_refuses_password_grant():
    """an account with two-factor sign-in: the password grant refuses it with a clear
    error_description (whether the password is right or not), the consent page is reached
    only through the code step; turning two-factor on ends the tokens the account had"""
    token = password_token("ivy")
    web = harness.member(inst, "ivy", create=False)
    assert web.post("/settings/two-factor/start", {"two_factor_password": PASSWORD}).status == 303
    page = web.get("/settings/two-factor")
    m = re.search(r'<code class="secret" id="secret">([A-Z2-7 ]+)</code>', page.text)
    b32 = m.group(1).replace(" ", "")
    secret = base64.b32decode(b32 + "=" * (-len(b32) % 8))
    r = web.post("/settings/two-factor/enable", {"code": totp(secret)})
    assert r.status == 303, r
    assert web.get(harness.location_path(r)).status == 200  # the new recovery codes, seen
    error_of(call("GET", "/api/v1/accounts/verify_credentials", token), 401,
             "a token made before two-factor was turned on")
    a = app()
    for pw in (PASSWORD, "wrong password"):
        doc = error_of(call("POST", "/oauth/token", form={
            "grant_type": "password", "client_id": a["client_id"],
            "client_secret": a["client_secret"], "username": "ivy", "password": pw,
            "scope": "read"}, src=source()), 400, "2FA account")
        assert doc["error"] == "invalid_grant" and "two-factor" in doc["error_description"], doc
    # the consent page asks for the code: sign-in, the code step, then the page
    q = urllib.parse.urlencode({"response_type": "code", "client_id": a["client_id"],
                                "redirect_uri": "urn:ietf:wg:oauth:2.0:oob", "scope": "read"})
    visitor = harness.WebClient(inst.port, source=source())
    r = visitor.get("/oauth/authorize?" + q)
    nxt = urllib.parse.parse_qs(urllib.parse.urlparse(r.header("Location")).query)["next"][0]
    r = visitor.post("/login", {"username": "ivy", "password": PASSWORD, "next": nxt})
    assert r.status == 303 and harness.location_path(r) == "/login/code", \
        "the password alone must not open the consent page: %r" % r.header("Location")
    assert visitor.get("/oauth/authorize?" + q).status == 303, "consent before the code"
    set_clock(CLOCK["now"] + 30)  # the next step: enabling used this one's code
    r = visitor.post("/login/code", {"code": totp(secret)})
    assert r.status == 303 and harness.location_path(r).startswith("/oauth/authorize?"), \
        "the code step returns to the consent page: %r" % r.header("Location")
    page = visitor.get(harness.location_path(r))
    assert page.status == 200 and "test app" in page.text, page


@test
def test_sign_out_everywhere_and_suspension_end_tokens():
    """signing out everywhere ends the account's tokens; so does a suspension, at once
    (test_api_more.py holds what a suspended member's new token reaches)"""
    token = password_token("fern")
    web = harness.member(inst, "fern", create=False)
    assert web.post("/settings/sessions/end", {}).status == 303
    error_of(call("GET", "/api/v1/accounts/verify_credentials", token), 401, "after sign-out")
    token = password_token("dee")
    want(call("GET", "/api/v1/timelines/home", token), 200, "before the suspension")
    inst.psql("UPDATE accounts SET suspended_at = now() WHERE username = 'dee'")
    error_of(call("GET", "/api/v1/timelines/home", token), 401, "after the suspension")
    assert count("SELECT count(*) FROM oauth_tokens t JOIN accounts a ON a.id = t.account_id"
                 " WHERE a.username = 'dee'") == 0


def creds():
    a = app()
    return {"client_id": a["client_id"], "client_secret": a["client_secret"]}


# --- bad input, CORS, shapes ------------------------------------------------------------------

def oversize(token):
    """A post whose declared body is past every limit: answered before it is sent."""
    s = harness.raw_connect(inst.port)
    try:
        s.sendall(("POST /api/v1/statuses HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                   "Content-Length: %d\r\n\r\n" % (token, 512 * 1024 * 1024)).encode())
        return harness.read_response(s)
    finally:
        s.close()


@test
def test_bad_input_writes_nothing():
    """malformed JSON (400), wrong types (422 naming the parameter), unknown ids (404), an
    oversize body (413), unknown visibility (422): JSON errors and no post written"""
    token = password_token("rose")
    before = count("SELECT count(*) FROM statuses")
    error_of(call("POST", "/api/v1/statuses", token, body=b'{"status": "x",'), 400,
             "malformed JSON")
    error_of(call("POST", "/api/v1/statuses", token, body=b'{"status": "a", "status": "b"}'),
             400, "duplicate keys")
    error_of(call("POST", "/api/v1/statuses", token, body=b'["status"]'), 400, "not an object")
    doc = error_of(call("POST", "/api/v1/statuses", token, body={"status": 5}), 422, "a number")
    assert doc["error"].startswith("status:"), doc
    doc = error_of(call("POST", "/api/v1/statuses", token,
                        body={"status": "x", "sensitive": "maybe"}), 422, "a bad boolean")
    assert doc["error"].startswith("sensitive:"), doc
    doc = error_of(call("POST", "/api/v1/statuses", token,
                        body={"status": "x", "in_reply_to_id": "12abc"}), 422, "a bad id")
    assert doc["error"].startswith("in_reply_to_id:"), doc
    error_of(call("POST", "/api/v1/statuses", token,
                  body={"status": "x", "in_reply_to_id": "999999"}), 404, "an unknown parent")
    error_of(call("POST", "/api/v1/statuses", token, body={"status": "x", "visibility": "all"}),
             422, "unknown visibility")
    error_of(call("POST", "/api/v1/statuses", token, body={"status": ""}), 422, "empty")
    error_of(call("POST", "/api/v1/statuses", token,
                  body={"status": "x", "media_ids": ["1"]}), 422, "media ids")
    error_of(call("POST", "/api/v1/statuses", token, body={"status": "x" * 6000}), 422,
             "too long")
    error_of(oversize(token), 413, "an oversize body")
    error_of(call("GET", "/api/v1/statuses/999999", token), 404, "unknown status")
    error_of(call("GET", "/api/v1/statuses/abc", token), 404, "malformed id")
    error_of(call("GET", "/api/v1/accounts/999999", token), 404, "unknown account")
    error_of(call("DELETE", "/api/v1/statuses/999999", token), 404, "delete unknown")
    error_of(call("GET", "/api/v1/nothing", token), 404, "unknown endpoint")
    error_of(call("GET", "/api/v1/timelines/home?limit=abc", token), 422, "limit")
    assert count("SELECT count(*) FROM statuses") == before


@test
def test_form_bodies_and_trailing_slashes():
    """form bodies with '1'/'True' booleans and key[] lists; paths with a trailing slash;
    Idempotency-Key: the same post once"""
    token = password_token("rose")
    doc = want(call("POST", "/api/v1/statuses/", token, form={
        "status": "form post", "sensitive": "True", "spoiler_text": "cw",
        "visibility": "private"}), 200, "form post with a trailing slash")
    assert doc["sensitive"] is True and doc["spoiler_text"] == "cw" and \
        doc["visibility"] == "private", doc
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", doc["created_at"]), doc
    assert doc["account"]["acct"] == "rose" and isinstance(doc["id"], str)
    want(call("GET", "/api/v1/statuses/%s/" % doc["id"], token), 200, "GET with a slash")
    # a key[] list in a form (Mastodon.py's media_ids[]): read as a list; ids of no upload of
    # the caller's are refused (test_api_media.py attaches real ones)
    before = count("SELECT count(*) FROM statuses")
    doc = error_of(call("POST", "/api/v1/statuses", token, form={
        "status": "with images", "media_ids[]": ["1", "2"]}), 422, "media_ids[]")
    assert "image" in doc["error"].lower(), doc
    error_of(call("POST", "/api/v1/statuses", token, form={
        "status": "x", "media_ids[]": ["1", "2", "3", "4", "5"]}), 422, "five media ids")
    assert count("SELECT count(*) FROM statuses") == before
    key = {"Idempotency-Key": "abc-123"}
    one = want(call("POST", "/api/v1/statuses", token, body={"status": "once"}, headers=key),
               200, "first")
    two = want(call("POST", "/api/v1/statuses", token, body={"status": "once"}, headers=key),
               200, "again")
    assert one["id"] == two["id"]
    assert count("SELECT count(*) FROM statuses WHERE text = 'once'") == 1
    other = password_token("lily")
    three = want(call("POST", "/api/v1/statuses", other, body={"status": "once"}, headers=key),
                 200, "another member's key")
    assert three["id"] != one["id"]


@test
def test_cors_and_preflight():
    """CORS: every answer has Access-Control-Allow-Origin: *; OPTIONS is a preflight"""
    r = call("OPTIONS", "/api/v1/statuses", headers={
        "Origin": "https://web.example", "Access-Control-Request-Method": "POST"})
    assert r.status == 204, r
    assert r.header("Access-Control-Allow-Origin") == "*"
    assert "Authorization" in r.header("Access-Control-Allow-Headers", "")
    r = call("GET", "/api/v1/instance", headers={"Origin": "https://web.example"})
    assert r.header("Access-Control-Allow-Origin") == "*", r.headers


@test
def test_instance():
    """/api/v1/instance (v1 shape, version Mastodon.py parses), /api/v2/instance, rules,
    custom emojis"""
    doc = want(call("GET", "/api/v1/instance/"), 200, "v1")
    assert doc["version"].startswith("4.0.0 (compatible; parasol "), doc
    for k in ("uri", "title", "description", "stats", "configuration", "rules",
              "registrations", "urls"):
        assert k in doc, k
    assert doc["configuration"]["statuses"]["max_characters"] > 0
    doc = want(call("GET", "/api/v2/instance"), 200, "v2")
    assert doc["domain"] == "127.0.0.1:%d" % inst.port
    assert want(call("GET", "/api/v1/custom_emojis"), 200, "emojis") == []
    assert isinstance(want(call("GET", "/api/v1/instance/rules"), 200, "rules"), list)


# --- visibility: the API equals the web -----------------------------------------------------------

@test
def test_visibility_equals_web():
    """the same posts (every visibility, a block, a suspended author) through the web and the
    API give the same answers to a visitor, a follower, a stranger, a mentioned member and a
    blocked member; members-only posts never reach anonymous callers of the public
    timeline"""
    for name in ("vera", "finn", "stan", "mina", "bo", "sus"):
        harness.create_account(inst, name)
    vera = harness.member(inst, "vera", create=False)
    finn = harness.member(inst, "finn", create=False)
    assert finn.post("/@vera/follow", {}).status == 303
    posts = {}
    for vis in ("public", "unlisted", "private", "members"):
        posts[vis] = harness.post_and_get_id(inst, vera, "vera", "vera %s post" % vis,
                                             visibility=vis)
    posts["direct"] = harness.post_and_get_id(inst, vera, "vera", "@mina vera direct post",
                                              visibility="direct")
    assert vera.post("/@bo/block", {}).status == 303
    sus = harness.member(inst, "sus", create=False)
    posts["suspended"] = harness.post_and_get_id(inst, sus, "sus", "sus public post",
                                                 visibility="public")
    inst.psql("UPDATE accounts SET suspended_at = now() WHERE username = 'sus'")
    viewers = {"visitor": None}
    for name in ("finn", "stan", "mina", "bo"):
        viewers[name] = (harness.member(inst, name, create=False), password_token(name))
    for who, v in viewers.items():
        web = v[0] if v else harness.WebClient(inst.port)
        token = v[1] if v else None
        for what, pid in posts.items():
            author = "sus" if what == "suspended" else "vera"
            w = web.get("/@%s/%s" % (author, pid))
            a = call("GET", "/api/v1/statuses/%s" % pid, token)
            w_ok, a_ok = w.status == 200, a.status == 200
            assert w.status in (200, 404) and a.status in (200, 404), (who, what, w, a)
            assert w_ok == a_ok, "%s reading vera's %s post: web %d, API %d" % (
                who, what, w.status, a.status)
    # the public timeline: anonymous callers never see members-only posts
    tl = want(call("GET", "/api/v1/timelines/public?local=true&limit=40"), 200, "public tl")
    texts = [s["content"] for s in tl]
    assert any("vera public post" in t for t in texts), texts
    assert not any("members post" in t or "private post" in t or "direct post" in t
                   or "sus public" in t for t in texts), texts
    web_tl = harness.WebClient(inst.port).get("/local")
    for t in ("vera members post", "vera private post", "sus public post"):
        assert t not in web_tl.text
    # a member sees the members-only post in the API as "local"
    doc = want(call("GET", "/api/v1/statuses/%s" % posts["members"], viewers["stan"][1]), 200,
               "members-only post for a member")
    assert doc["visibility"] == "local"
    # the blocked member doesn't see the blocker's profile either
    error_of(call("GET", "/api/v1/accounts/lookup?acct=vera", viewers["bo"][1]), 404,
             "the blocker's account")
    want(call("GET", "/api/v1/accounts/lookup?acct=vera", viewers["stan"][1]), 200,
         "vera for a stranger")
    error_of(call("GET", "/api/v1/accounts/lookup?acct=sus"), 404, "a suspended account")


@test
def test_home_paging_link_header():
    """home: keyset paging with max_id, since_id, min_id, limit; the Link header has
    rel="next" first"""
    token = password_token("lily")
    made = [want(call("POST", "/api/v1/statuses", token, body={"status": "paging %d" % i}),
                 200, "post %d" % i)["id"] for i in range(5)]
    r = call("GET", "/api/v1/timelines/home?limit=2", token)
    page = want(r, 200, "first page")
    assert [s["id"] for s in page] == made[:-3:-1], page
    link = r.header("Link")
    m = re.match(r'<([^>]+)>; rel="next"', link)
    assert m, "rel=next first: %r" % link
    assert 'rel="prev"' in link
    nxt = urllib.parse.urlparse(m.group(1))
    page2 = want(call("GET", nxt.path + "?" + nxt.query, token), 200, "next page")
    assert [s["id"] for s in page2] == [made[2], made[1]], page2
    since = want(call("GET", "/api/v1/timelines/home?since_id=%s" % made[2], token), 200,
                 "since_id")
    assert [s["id"] for s in since] == [made[4], made[3]], since
    mn = want(call("GET", "/api/v1/timelines/home?min_id=%s&limit=1" % made[1], token), 200,
              "min_id")
    assert [s["id"] for s in mn] == [made[2]], mn
    error_of(call("GET", "/api/v1/timelines/home?max_id=x", token), 422, "a bad max_id")


@test
def test_status_actions_and_context():
    """favourite, reblog, bookmark, their undoing, the bookmarks list, context, delete
    (answers the source text)"""
    rose = password_token("rose")
    lily = password_token("lily")
    st = want(call("POST", "/api/v1/statuses", rose, body={"status": "act on me"}), 200, "post")
    reply = want(call("POST", "/api/v1/statuses", lily, body={
        "status": "@rose a reply", "in_reply_to_id": st["id"]}), 200, "reply")
    assert reply["in_reply_to_id"] == st["id"]
    ctx = want(call("GET", "/api/v1/statuses/%s/context" % st["id"]), 200, "context")
    assert [s["id"] for s in ctx["descendants"]] == [reply["id"]] and ctx["ancestors"] == []
    doc = want(call("POST", "/api/v1/statuses/%s/favourite" % st["id"], lily), 200, "fav")
    assert doc["favourited"] is True and doc["favourites_count"] == 1
    doc = want(call("POST", "/api/v1/statuses/%s/unfavourite" % st["id"], lily), 200, "unfav")
    assert doc["favourited"] is False and doc["favourites_count"] == 0
    doc = want(call("POST", "/api/v1/statuses/%s/reblog" % st["id"], lily), 200, "reblog")
    assert doc["reblogged"] is True
    home = want(call("GET", "/api/v1/timelines/home", lily), 200, "home")
    boost = [s for s in home if s["reblog"] is not None]
    assert boost and boost[0]["reblog"]["id"] == st["id"] and \
        boost[0]["account"]["acct"] == "lily", home[:2]
    want(call("POST", "/api/v1/statuses/%s/unreblog" % st["id"], lily), 200, "unreblog")
    doc = want(call("POST", "/api/v1/statuses/%s/bookmark" % st["id"], lily), 200, "bookmark")
    assert doc["bookmarked"] is True
    marks = want(call("GET", "/api/v1/bookmarks", lily), 200, "bookmarks")
    assert [s["id"] for s in marks] == [st["id"]], marks
    want(call("POST", "/api/v1/statuses/%s/unbookmark" % st["id"], lily), 200, "unbookmark")
    assert want(call("GET", "/api/v1/bookmarks", lily), 200, "no bookmarks") == []
    error_of(call("DELETE", "/api/v1/statuses/%s" % st["id"], lily), 403, "someone else's")
    doc = want(call("DELETE", "/api/v1/statuses/%s" % st["id"], rose), 200, "delete")
    assert doc["text"] == "act on me"
    error_of(call("GET", "/api/v1/statuses/%s" % st["id"], rose), 404, "gone")


@test
def test_follow_block_mute_relationships():
    """follow (a request for a locked account), unfollow, block (which ends the follow and
    refuses a new one), mute, and the relationships list"""
    for name in ("ana", "ben", "kit"):
        harness.create_account(inst, name)
    inst.psql("UPDATE accounts SET locked = true WHERE username = 'kit'")
    ana = password_token("ana", scope="read write follow")
    ben_id = inst.scalar("SELECT id FROM accounts WHERE username = 'ben'")
    kit_id = inst.scalar("SELECT id FROM accounts WHERE username = 'kit'")
    rel = want(call("POST", "/api/v1/accounts/%s/follow" % ben_id, ana), 200, "follow")
    assert rel["id"] == ben_id and rel["following"] is True and rel["requested"] is False
    rel = want(call("POST", "/api/v1/accounts/%s/follow" % kit_id, ana), 200, "follow locked")
    assert rel["following"] is False and rel["requested"] is True, rel
    rels = want(call("GET", "/api/v1/accounts/relationships?id[]=%s&id[]=%s&id[]=999999"
                     % (ben_id, kit_id), ana), 200, "relationships")
    assert [(r["id"], r["following"], r["requested"]) for r in rels] == \
        [(ben_id, True, False), (kit_id, False, True)], rels
    rel = want(call("POST", "/api/v1/accounts/%s/unfollow" % ben_id, ana), 200, "unfollow")
    assert rel["following"] is False
    rel = want(call("POST", "/api/v1/accounts/%s/mute" % ben_id, ana), 200, "mute")
    assert rel["muting"] is True
    ben = password_token("ben", scope="read write follow")
    ana_id = inst.scalar("SELECT id FROM accounts WHERE username = 'ana'")
    want(call("POST", "/api/v1/accounts/%s/follow" % ana_id, ben), 200, "ben follows ana")
    rel = want(call("POST", "/api/v1/accounts/%s/block" % ben_id, ana), 200, "block")
    assert rel["blocking"] is True and rel["followed_by"] is False, rel
    error_of(call("POST", "/api/v1/accounts/%s/follow" % ana_id, ben), 403,
             "following one's blocker")
    # what the web's profile page says agrees
    page = harness.member(inst, "ana", create=False).get("/@ben")
    assert "Unblock" in page.text, "the web doesn't show the block"
    error_of(call("POST", "/api/v1/accounts/999999/follow", ana), 404, "an unknown account")
    readonly = password_token("ana", scope="read")
    error_of(call("POST", "/api/v1/accounts/%s/unblock" % ben_id, readonly), 403,
             "unblock with a read token")


@test
def test_account_statuses():
    """an account's statuses: paging, pinned=true, exclude_replies (a reply to oneself
    stays), and the account entity's counts"""
    harness.create_account(inst, "pia")
    pia = password_token("pia")
    other = password_token("rose")
    pid = inst.scalar("SELECT id FROM accounts WHERE username = 'pia'")
    a = want(call("POST", "/api/v1/statuses", pia, body={"status": "first"}), 200, "a")
    b = want(call("POST", "/api/v1/statuses", pia, body={"status": "self reply",
                                                          "in_reply_to_id": a["id"]}), 200, "b")
    r = want(call("POST", "/api/v1/statuses", other, body={"status": "rose's"}), 200, "r")
    c = want(call("POST", "/api/v1/statuses", pia, body={"status": "@rose reply to rose",
                                                          "in_reply_to_id": r["id"]}), 200, "c")
    want(call("POST", "/api/v1/statuses/%s/pin" % a["id"], pia), 200, "pin")
    got = want(call("GET", "/api/v1/accounts/%s/statuses" % pid), 200, "statuses")
    assert [s["id"] for s in got] == [c["id"], b["id"], a["id"]], got
    got = want(call("GET", "/api/v1/accounts/%s/statuses?exclude_replies=true" % pid), 200,
               "exclude_replies")
    assert [s["id"] for s in got] == [b["id"], a["id"]], got
    got = want(call("GET", "/api/v1/accounts/%s/statuses?pinned=true" % pid, pia), 200,
               "pinned")
    assert [s["id"] for s in got] == [a["id"]] and got[0]["pinned"] is True, got
    r = call("GET", "/api/v1/accounts/%s/statuses?limit=2" % pid)
    want(r, 200, "limit 2")
    assert r.header("Link", "").startswith("<") and 'rel="next"' in r.header("Link"), r.headers
    acct = want(call("GET", "/api/v1/accounts/%s" % pid), 200, "account")
    assert acct["statuses_count"] == 3 and acct["acct"] == "pia" and \
        re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", acct["created_at"]), acct


@test
def test_notifications():
    """notifications: a like, a mention and a follow with their accounts and posts, types[]
    and exclude_types[] (the form toot sends), and the scope they need"""
    for name in ("nia", "oli"):
        harness.create_account(inst, name)
    nia = password_token("nia")
    oli = password_token("oli")
    st = want(call("POST", "/api/v1/statuses", nia, body={"status": "notice me"}), 200, "post")
    want(call("POST", "/api/v1/statuses/%s/favourite" % st["id"], oli), 200, "like")
    want(call("POST", "/api/v1/statuses", oli, body={"status": "@nia hello"}), 200, "mention")
    nia_id = inst.scalar("SELECT id FROM accounts WHERE username = 'nia'")
    want(call("POST", "/api/v1/accounts/%s/follow" % nia_id, oli), 200, "follow")
    got = want(call("GET", "/api/v1/notifications", nia), 200, "notifications")
    assert [n["type"] for n in got] == ["follow", "mention", "favourite"], got
    assert all(n["account"]["acct"] == "oli" for n in got), got
    assert got[2]["status"]["id"] == st["id"] and "hello" in got[1]["status"]["content"]
    got = want(call("GET", "/api/v1/notifications?exclude_types[]=favourite&"
                    "exclude_types[]=follow", nia), 200, "exclude_types")
    assert [n["type"] for n in got] == ["mention"], got
    got = want(call("GET", "/api/v1/notifications?types[]=follow", nia), 200, "types")
    assert [n["type"] for n in got] == ["follow"], got
    error_of(call("GET", "/api/v1/notifications", password_token("nia", scope="read:statuses")),
             403, "without read:notifications")


@test
def test_lockdown():
    """during a lockdown, visitors of the API get 401 but for what the about page shows
    (instance) and signing in to an app; members' tokens work as usual"""
    token = password_token("rose")
    root = harness.member(inst, "keeper", create=False)
    r = root.post("/admin/lockdown", {"lockdown": "on", "reason": ""})
    assert r.status == 303, r
    try:
        error_of(call("GET", "/api/v1/timelines/public"), 401, "a visitor's public timeline")
        error_of(call("GET", "/api/v1/accounts/lookup?acct=rose"), 401, "a visitor's lookup")
        want(call("GET", "/api/v1/instance"), 200, "the instance")
        want(call("GET", "/api/v1/timelines/public", token), 200, "a member's public timeline")
        password_token("lily")  # signing in to an app still works
    finally:
        r = root.post("/admin/lockdown", {"lockdown": "off", "reason": ""})
        assert r.status == 303, r


@test
def test_logs_hold_no_token():
    """the server's log never holds a token, a client secret or a password"""
    a = app()
    token = password_token("rose", a=a)
    call("GET", "/api/v1/accounts/verify_credentials", token)
    log = inst.server.log()
    for secret in (token, a["client_secret"], PASSWORD):
        assert secret not in log


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
