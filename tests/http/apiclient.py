"""Requests to the Mastodon client API for the tests (test_api*.py, test_attack_*.py,
test_alerts.py): one request with a bearer token and a body as JSON, a urlencoded form or a
multipart form, and the checks of its answer."""

import http.client
import json
import urllib.parse

import harness


def request(port, method, path, token=None, body=None, form=None, files=None, headers=None,
            src=None, timeout=30):
    """One request to the server on port: body sent as JSON (bytes or str as they are), form
    urlencoded, or files ([(field, name, type, bytes)]) with form as multipart; src is the
    loopback address to send from (limits count per address)."""
    h = dict(headers or {})
    data = None
    if token:
        h["Authorization"] = "Bearer " + token
    if files is not None:
        data, h["Content-Type"] = harness.multipart_body(list((form or {}).items()), files)
    elif body is not None:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        h.setdefault("Content-Type", "application/json")
    elif form is not None:
        data = urllib.parse.urlencode(form, doseq=True)
        h["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                      source_address=(src or "127.0.0.1", 0))
    try:
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        return harness.Response(r.status, r.reason, r.headers, r.read())
    finally:
        conn.close()


def want(r, status, what):
    """Asserts r's status; its JSON body (None when it has none)."""
    assert r.status == status, "%s: want %d, got %r" % (what, status, r)
    return r.json() if r.body and r.header("Content-Type", "").startswith("application/json") \
        else None


def error_of(r, status, what, says=None):
    """Asserts r is an API error of that status in Mastodon's shape (with CORS, so that
    browser apps can read it), saying says if given; its body."""
    doc = want(r, status, what)
    assert set(doc) == {"error", "error_description"}, "%s: error shape %r" % (what, doc)
    assert r.header("Access-Control-Allow-Origin") == "*", "%s: no CORS on the error" % what
    if says is not None:
        assert says in doc["error"], "%s: %r doesn't say %r" % (what, doc, says)
    return doc


def password_token(port, name, scope="read write follow", client_name="test app", src=None):
    """A new app's token for member name (the password grant, harness.PASSWORD)."""
    a = want(request(port, "POST", "/api/v1/apps", form={
        "client_name": client_name, "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
        "scopes": "read write follow push"}, src=src), 200, "registering an app")
    doc = want(request(port, "POST", "/oauth/token", form={
        "grant_type": "password", "client_id": a["client_id"],
        "client_secret": a["client_secret"], "username": name, "password": harness.PASSWORD,
        "scope": scope}, src=src), 200, "a token for " + name)
    return doc["access_token"]


class Node:
    """The client API of one test server (a harness instance, its port read when used): one
    app per scopes and address, registered once, and its members' tokens."""

    def __init__(self, inst, client_name="test app"):
        self.inst, self.client_name, self.apps = inst, client_name, {}

    def call(self, method, path, token=None, **kw):
        return request(self.inst.port, method, path, token, **kw)

    def app(self, scopes="read write follow push", src=None):
        if (scopes, src) not in self.apps:
            self.apps[(scopes, src)] = want(self.call("POST", "/api/v1/apps", form={
                "client_name": self.client_name, "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                "scopes": scopes}, src=src), 200, "registering an app")
        return self.apps[(scopes, src)]

    def token(self, name, scope="read write follow"):
        """member name's token (the password grant) through the app of the default scopes."""
        a = self.app()
        return want(self.call("POST", "/oauth/token", form={
            "grant_type": "password", "client_id": a["client_id"],
            "client_secret": a["client_secret"], "username": name, "password": harness.PASSWORD,
            "scope": scope}), 200, "password grant for %s" % name)["access_token"]

    def app_token(self, scope="read write", a=None):
        """An app's own token (client_credentials)."""
        a = a or self.app()
        return want(self.call("POST", "/oauth/token", form={
            "grant_type": "client_credentials", "client_id": a["client_id"],
            "client_secret": a["client_secret"], "scope": scope}), 200,
            "app token")["access_token"]

    def post(self, tok, text, **fields):
        """A new post of tok's member (JSON body); its entity."""
        return want(self.call("POST", "/api/v1/statuses", tok, body=dict(status=text, **fields)),
                    200, "posting %r" % text)
