"""HTTP core: health, errors, methods, body limits and parsing, security headers, HEAD, static
files, keep-alive and concurrency."""

import os
import socket
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

BODY_LIMIT = 4096
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

suite = harness.Suite("basics")
test = suite.test
inst = harness.Instance(suite, "basics", body_limit=BODY_LIMIT)
seen = {}  # response kind -> Response, for the security-header test


def setup():
    inst.setup()
    inst.start_server()


def get(path, headers=None):
    return harness.request(inst.port, "GET", path, headers)


def post(path, body, headers=None):
    return harness.request(inst.port, "POST", path, headers, body)


def expect(resp, status, what):
    assert resp.status == status, "%s: want %d, got %r" % (what, status, resp)
    return resp


@test
def test_healthz():
    """GET /healthz is 200 "ok", not cached"""
    r = seen["healthz"] = expect(get("/healthz"), 200, "/healthz")
    assert r.text.strip() == "ok", r
    assert r.header("Cache-Control") == "no-store", r.header("Cache-Control")


@test
def test_robots_txt():
    """GET /robots.txt asks every crawler to stay out of everything, sets no cookie, and the
    pages say noindex too"""
    r = seen["robots"] = expect(get("/robots.txt"), 200, "/robots.txt")
    assert r.header("Content-Type", "").startswith("text/plain"), r.header("Content-Type")
    lines = [line.strip() for line in r.text.splitlines() if line and not line.startswith("#")]
    assert lines == ["User-agent: *", "Disallow: /"], lines
    assert r.header("Set-Cookie") is None, r.header("Set-Cookie")
    about = get("/about")
    assert '<meta name="robots" content="noindex, nofollow">' in about.text
    assert "noindex" in about.header("X-Robots-Tag", "")


@test
def test_not_found_html():
    """unknown path: 404 HTML page that says 404"""
    r = seen["404"] = expect(get("/nope"), 404, "/nope")
    assert r.header("Content-Type", "").startswith("text/html"), r.header("Content-Type")
    assert "404" in r.text, r
    assert "<html" in r.text, r


@test
def test_not_found_json():
    """unknown path with Accept: application/json: 404 JSON {"error": ...}"""
    r = seen["404 json"] = expect(get("/nope", {"Accept": "application/json"}), 404, "/nope")
    assert r.header("Content-Type", "").startswith("application/json"), r.header("Content-Type")
    doc = r.json()
    assert isinstance(doc, dict) and isinstance(doc.get("error"), str) and doc["error"], doc


@test
def test_method_not_allowed():
    """POST /about: 405 with Allow: GET, HEAD"""
    r = seen["405"] = expect(post("/about", b""), 405, "POST /about")
    assert r.header("Allow") == "GET, HEAD", r.header("Allow")


@test
def test_trailing_slash():
    """GET /about/ is the same page as /about"""
    a = expect(get("/about"), 200, "/about")
    b = expect(get("/about/"), 200, "/about/")
    assert a.body == b.body, "the bodies differ"
    seen["200 page"] = a


def send_head_only(headers):
    """Sends a POST /about head declaring a body over the limit, never the body; returns the
    first response."""
    with harness.raw_connect(inst.port, timeout=10) as s:
        h = dict(FORM)
        h.update(headers)
        s.sendall(harness.head_block("POST", "/about", inst.port, h))
        return harness.read_response(s)


@test
def test_too_large_expect_continue():
    """Content-Length over the limit with Expect: 100-continue: 413, not 100 Continue"""
    r = send_head_only({"Content-Length": str(BODY_LIMIT * 10), "Expect": "100-continue"})
    seen["413"] = expect(r, 413, "declared body over the limit")


@test
def test_too_large_without_body_sent():
    """Content-Length over the limit: 413 before the client sends the body"""
    r = send_head_only({"Content-Length": str(BODY_LIMIT + 1)})
    expect(r, 413, "declared body over the limit")


@test
def test_too_large_with_body():
    """a body over the limit sent in full: 413"""
    expect(post("/about", b"a=" + b"x" * BODY_LIMIT, FORM), 413, "body over the limit")


@test
def test_too_large_chunked():
    """a chunked body over the limit: 413"""
    chunks = [b"a=" + b"x" * 1998, b"x" * 2000, b"x" * 2000]
    r = harness.chunked_request(inst.port, "POST", "/about", FORM, chunks)
    expect(r, 413, "chunked body of 6000 bytes")


@test
def test_huge_chunked_survives():
    """a chunked upload far over the limit is refused or cut off, and the server lives on"""
    try:
        r = harness.chunked_request(inst.port, "POST", "/about", FORM,
                                    [b"x" * 16384] * 64, timeout=10)
        assert r.status == 413, r
    except socket.timeout:
        raise AssertionError("the server neither answered nor closed the connection")
    except OSError:
        pass  # cut off (reset, broken pipe, closed): fine
    expect(get("/healthz"), 200, "/healthz afterwards")


@test
def test_under_limit():
    """a body under the limit is read and routed (405 for POST /about)"""
    expect(post("/about", b"a=" + b"x" * (BODY_LIMIT - 100), FORM), 405, "body under the limit")
    chunks = [b"a=" + b"x" * 998, b"x" * 1000]
    r = harness.chunked_request(inst.port, "POST", "/about", FORM, chunks)
    expect(r, 405, "chunked body under the limit")


@test
def test_bad_urlencoded():
    """urlencoded body with a bad %-escape: 400"""
    seen["400"] = expect(post("/about", b"a=%zz", FORM), 400, "a=%zz")


@test
def test_bad_json():
    """invalid JSON body: 400"""
    expect(post("/about", b'{"a": 1,', {"Content-Type": "application/json"}), 400, "bad JSON")


@test
def test_duplicate_json_keys():
    """JSON body with duplicate keys: 400"""
    expect(post("/about", b'{"a": 1, "a": 2}', {"Content-Type": "application/json"}), 400,
           "duplicate keys")


@test
def test_multipart_without_boundary():
    """multipart body without a boundary: 400"""
    body = b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'
    expect(post("/about", body, {"Content-Type": "multipart/form-data"}), 400, "no boundary")


@test
def test_well_formed_bodies_pass():
    """well-formed urlencoded, JSON and multipart bodies are not refused (405)"""
    mp = b'--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xyz--\r\n'
    for ctype, body in [("application/x-www-form-urlencoded", b"a=1&b=%20"),
                        ("application/json", b'{"a": 1}'),
                        ("multipart/form-data; boundary=xyz", mp)]:
        expect(post("/about", body, {"Content-Type": ctype}), 405, ctype)


@test
def test_body_without_content_type():
    """a body without Content-Type: 415"""
    seen["415"] = expect(post("/about", b"hello"), 415, "no Content-Type")


@test
def test_unsupported_content_type():
    """a body of an unsupported Content-Type: 415"""
    for ctype in ("text/plain", "application/xml", "application/x-unknown"):
        expect(post("/about", b"<hello/>", {"Content-Type": ctype}), 415, ctype)


@test
def test_head():
    """HEAD / is 200 with no body and GET's Content-Length"""
    g = expect(get("/"), 200, "GET /")
    with harness.raw_connect(inst.port, timeout=5) as s:
        s.sendall(harness.head_block("HEAD", "/", inst.port, {"Connection": "close"}))
        h = harness.read_response(s, head=True)
        rest = h.leftover + harness.read_all(s)
    expect(h, 200, "HEAD /")
    assert rest == b"", "HEAD sent a body: %r" % rest[:100]
    assert h.header("Content-Length") == str(len(g.body)), (h.header("Content-Length"),
                                                            len(g.body))
    seen["HEAD"] = h


@test
def test_static_file():
    """static file: 200 text/css with an ETag and public max-age caching"""
    r = seen["static"] = expect(get("/static/parasol.css"), 200, "parasol.css")
    assert r.header("Content-Type", "").startswith("text/css"), r.header("Content-Type")
    with open(os.path.join(harness.SRCDIR, "templates", "static", "parasol.css"), "rb") as f:
        assert r.body == f.read(), "the body is not the file"
    assert r.header("ETag"), "no ETag"
    cc = r.header("Cache-Control", "")
    assert "public" in cc and "max-age=" in cc and "no-" not in cc, cc


@test
def test_static_not_modified():
    """static file with If-None-Match of its ETag: 304 without a body"""
    etag = get("/static/parasol.css").header("ETag")
    r = seen["304"] = expect(get("/static/parasol.css", {"If-None-Match": etag}), 304, "304")
    assert r.body == b"", r
    assert r.header("ETag") == etag, r.header("ETag")
    other = get("/static/parasol.css", {"If-None-Match": '"0000000000000000"'})
    expect(other, 200, "another ETag")


@test
def test_static_unknown():
    """unknown static file: 404"""
    seen["static 404"] = expect(get("/static/nope.css"), 404, "nope.css")


@test
def test_static_traversal():
    """path traversal under /static: 404, never a file from elsewhere"""
    secrets = []
    for name in ("Makefile.am", "configure.ac"):
        with open(os.path.join(harness.SRCDIR, name), "rb") as f:
            secrets.append(f.read(200))
    paths = ["/static/..%2fMakefile.am", "/static/..%2F..%2FMakefile.am", "/static/%2e%2e/x",
             "/static/%2e%2e%2fconfigure.ac", "/static/../configure.ac",
             "/static/..", "/static/%2e%2e", "/static/.%2e/.%2e/configure.ac",
             "/static/..%5cconfigure.ac", "/static/parasol.css%00.txt"]
    for path in paths:
        with harness.raw_connect(inst.port, timeout=5) as s:  # raw: no client normalisation
            s.sendall(harness.head_block("GET", path, inst.port, {"Connection": "close"}))
            r = harness.read_response(s)
        assert r.status in (400, 404), "%s: %r" % (path, r)
        for secret in secrets:
            assert secret not in r.body, "%s served a file from outside static/" % path


@test
def test_security_headers_everywhere():
    """security headers on every kind of response"""
    want = ["healthz", "robots", "404", "404 json", "405", "200 page", "413", "400", "415", "HEAD",
            "static", "304", "static 404"]
    missing = [k for k in want if k not in seen]
    for kind in want:
        if kind in seen:
            harness.check_security_headers(seen[kind], kind)
    assert not missing, "earlier tests failed to collect: %s" % missing


@test
def test_keep_alive():
    """several requests on one connection"""
    c = harness.Client(inst.port)
    try:
        for path in ["/", "/about", "/healthz", "/static/parasol.css", "/nope", "/"]:
            r = c.request("GET", path)
            assert r.status == (404 if path == "/nope" else 200), "%s: %r" % (path, r)
        r = c.request("POST", "/about", FORM, b"a=1")
        expect(r, 405, "POST on the same connection")
        r = c.request("GET", "/healthz")
        expect(r, 200, "after the POST")
    finally:
        c.close()
    assert len(c.sockets) == 1, "the client had to reconnect %d times" % (len(c.sockets) - 1)


@test
def test_concurrency():
    """50 requests from 10 threads all succeed"""
    css = get("/static/parasol.css").body
    paths = ["/", "/about", "/healthz", "/static/parasol.css", "/nope"] * 10

    def one(path):
        c = harness.Client(inst.port)
        try:
            return c.request("GET", path)
        finally:
            c.close()

    t0 = time.monotonic()
    results = harness.parallel(one, paths, threads=10)
    took = time.monotonic() - t0
    bad = []
    for path, r in zip(paths, results):
        if isinstance(r, Exception):
            bad.append("%s: %r" % (path, r))
        elif r.status != (404 if path == "/nope" else 200):
            bad.append("%s: %r" % (path, r))
        elif path == "/static/parasol.css" and r.body != css:
            bad.append("%s: wrong body" % path)
    assert not bad, "\n".join(bad)
    assert took < 30, "took %.1f s" % took


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
