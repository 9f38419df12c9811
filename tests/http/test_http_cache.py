"""Responses cheap for the network and for repeated reads: gzip negotiated with
Accept-Encoding, ETags and 304 Not Modified."""

import gzip
import json
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

GZ = {"Accept-Encoding": "gzip"}
AS_JSON = "application/activity+json"

suite = harness.Suite("http_cache")
test = suite.test
inst = harness.Instance(suite, "http_cache")
c = {}  # name -> signed-in WebClient


def setup():
    inst.setup()
    inst.start_server()
    c["rose"] = harness.member(inst, "rose")
    for i in range(3):
        r = harness.publish(c["rose"], "Parasol post number %d, long enough to count. " % i * 4)
        assert r.status == 303, r


def get(path, headers=None, method="GET"):
    """An anonymous request: no cookies at all."""
    return harness.request(inst.port, method, path, headers)


def vary(r):
    return [v.strip().lower() for v in ",".join(r.headers.get_all("Vary") or []).split(",")]


def gunzip(r):
    assert r.header("Content-Encoding") == "gzip", "not gzipped: %r %r" % (
        r.header("Content-Encoding"), r)
    return gzip.decompress(r.body)


# --- compression ---------------------------------------------------------------------------------

@test
def test_gzip_profile():
    """a profile asked for with Accept-Encoding: gzip comes gzipped, decompresses to the same
    bytes as the identity answer, and is much smaller; both say Vary: Accept-Encoding"""
    plain = get("/@rose")
    assert plain.status == 200, plain
    assert plain.header("Content-Encoding") is None, plain.header("Content-Encoding")
    assert len(plain.body) > 1024, "the profile is too small to test compression"
    packed = get("/@rose", GZ)
    assert packed.status == 200, packed
    assert gunzip(packed) == plain.body, "gzip body differs from the identity body"
    assert int(packed.header("Content-Length")) == len(packed.body)
    assert len(packed.body) < len(plain.body) / 2, (len(packed.body), len(plain.body))
    for r in (plain, packed):
        assert "accept-encoding" in vary(r), r.headers.get_all("Vary")
        assert "accept-language" in vary(r), "Vary lost the page's own entries: %r" % vary(r)


@test
def test_gzip_q_values():
    """q=0 refuses gzip, "*" and x-gzip accept it, identity preferred explicitly wins, and a
    coding we don't speak alone gets identity"""
    plain = get("/@rose").body
    for ae in ("gzip;q=0", "gzip; q=0.0, deflate", "*;q=0", "identity", "br", "",
               "gzip;q=0.2, identity;q=0.8", "*, gzip;q=0"):
        r = get("/@rose", {"Accept-Encoding": ae})
        assert r.status == 200, r
        assert r.header("Content-Encoding") is None, "Accept-Encoding %r gave %r" % (
            ae, r.header("Content-Encoding"))
        assert r.body == plain, "Accept-Encoding %r: another body" % ae
        assert "accept-encoding" in vary(r), "Accept-Encoding %r: Vary %r" % (ae, vary(r))
    for ae in ("*", "x-gzip", "deflate, gzip;q=0.5", "GZIP;Q=1.0", "br;q=1, gzip;q=0.001"):
        r = get("/@rose", {"Accept-Encoding": ae})
        assert gunzip(r) == plain, "Accept-Encoding %r: another body" % ae


@test
def test_gzip_head():
    """HEAD with gzip: the GET's headers (Content-Encoding, Content-Length, ETag), no body"""
    g = get("/@rose", GZ)
    h = get("/@rose", GZ, method="HEAD")
    assert h.status == 200, h
    assert h.body == b"", h
    for name in ("Content-Encoding", "Content-Length", "ETag", "Content-Type"):
        assert h.header(name) == g.header(name), "%s: HEAD %r, GET %r" % (
            name, h.header(name), g.header(name))


@test
def test_gzip_json():
    """the actor document (activity+json) is gzipped too and decompresses to the same JSON"""
    plain = get("/users/rose", {"Accept": AS_JSON})
    assert plain.status == 200, plain
    assert len(plain.body) > 1024, len(plain.body)
    packed = get("/users/rose", {"Accept": AS_JSON, "Accept-Encoding": "gzip"})
    assert packed.header("Content-Type") == plain.header("Content-Type")
    assert json.loads(gunzip(packed)) == json.loads(plain.body)
    assert "accept-encoding" in vary(packed) and "accept" in vary(packed), vary(packed)


@test
def test_gzip_static():
    """the stylesheet's gzip variant (made at start) is the file compressed, with its own
    ETag; a small body (healthz) and an image-like type are never compressed"""
    plain = get("/static/parasol.css")
    packed = get("/static/parasol.css", GZ)
    with open(os.path.join(harness.SRCDIR, "templates", "static", "parasol.css"), "rb") as f:
        assert gunzip(packed) == f.read() == plain.body
    assert plain.header("ETag") and packed.header("ETag"), "no ETag"
    assert plain.header("ETag") != packed.header("ETag"), "one ETag for both encodings"
    assert packed.header("Cache-Control") == plain.header("Cache-Control")
    r = get("/healthz", GZ)
    assert r.status == 200 and r.header("Content-Encoding") is None, r
    r = get("/static/favicon.svg", GZ)
    assert r.status == 200 and r.header("Content-Encoding") is None, "237 bytes gzipped: %r" % r


@test
def test_gzip_error_page():
    """a large enough error page is compressed too, with its status kept"""
    r = get("/no/such/page", GZ)
    assert r.status == 404, r
    text = gunzip(r) if r.header("Content-Encoding") else r.body
    assert b"404" in text, text[:200]
    assert r.header("ETag") is None, "an ETag on a 404"


# --- ETag and 304 --------------------------------------------------------------------------------

@test
def test_etag_stable_and_distinct():
    """a page's ETag is strong, the same on every read of the same body, and the gzip
    variant's differs"""
    a, b = get("/@rose"), get("/@rose")
    tag = a.header("ETag")
    assert tag and tag.startswith('"') and tag.endswith('"'), tag
    assert b.header("ETag") == tag, (b.header("ETag"), tag)
    gz_tag = get("/@rose", GZ).header("ETag")
    assert gz_tag and gz_tag != tag and gz_tag.endswith('-gz"'), (gz_tag, tag)


@test
def test_if_none_match_304():
    """If-None-Match with the current tag (alone, weak, in a list, or "*") answers 304 with
    no body and the ETag, Vary and Cache-Control a 200 would carry"""
    full = get("/@rose", GZ)
    tag = full.header("ETag")
    for inm in (tag, "W/" + tag, '"nope", ' + tag, '"x", W/%s, "y"' % tag, "*"):
        r = get("/@rose", {"If-None-Match": inm, "Accept-Encoding": "gzip"})
        assert r.status == 304, "If-None-Match %r: %r" % (inm, r)
        assert r.body == b"", r
        assert r.header("ETag") == tag, (r.header("ETag"), tag)
        assert vary(r) == vary(full), (vary(r), vary(full))
        assert r.header("Cache-Control") == full.header("Cache-Control")
        assert r.header("Content-Encoding") is None, "a 304 describing a body"
    h = get("/@rose", {"If-None-Match": tag, "Accept-Encoding": "gzip"}, method="HEAD")
    assert h.status == 304, h


@test
def test_if_none_match_other_tags():
    """another tag, or the other encoding's tag, gets the full 200"""
    tag = get("/@rose").header("ETag")
    gz_tag = get("/@rose", GZ).header("ETag")
    r = get("/@rose", {"If-None-Match": gz_tag})
    assert r.status == 200 and r.header("ETag") == tag, r
    r = get("/@rose", {"If-None-Match": tag, "Accept-Encoding": "gzip"})
    assert r.status == 200 and r.header("ETag") == gz_tag, r
    assert gzip.decompress(r.body)
    r = get("/@rose", {"If-None-Match": '"0000", W/"1111"'})
    assert r.status == 200 and r.body, r


@test
def test_etag_follows_content():
    """after the member posts, the old tag no longer matches"""
    tag = get("/@rose").header("ETag")
    r = harness.publish(c["rose"], "Something new under the parasol")
    assert r.status == 303, r
    r = get("/@rose", {"If-None-Match": tag})
    assert r.status == 200, r
    assert "Something new under the parasol" in r.text
    assert r.header("ETag") != tag


@test
def test_static_304():
    """the stylesheet answers If-None-Match per encoding"""
    plain = get("/static/parasol.css")
    packed = get("/static/parasol.css", GZ)
    r = get("/static/parasol.css", {"If-None-Match": packed.header("ETag"), **GZ})
    assert r.status == 304 and r.body == b"", r
    assert r.header("Cache-Control") == plain.header("Cache-Control")
    r = get("/static/parasol.css", {"If-None-Match": plain.header("ETag"), **GZ})
    assert r.status == 200, "the identity tag matched the gzip variant: %r" % r


@test
def test_no_304_with_set_cookie():
    """a page that sets a cookie (the sign-in form's CSRF cookie) is never answered 304, so
    the browser gets its cookie"""
    first = harness.WebClient(inst.port)
    r = first.get("/login")
    assert "parasol_csrf" in r.set_cookies, r.headers.get_all("Set-Cookie")
    r = get("/login", {"If-None-Match": "*"})
    assert r.status == 200, r
    assert any(v.startswith("parasol_csrf=") for v in r.headers.get_all("Set-Cookie") or []), (
        r.headers.get_all("Set-Cookie"))


@test
def test_no_304_for_posts():
    """POST is never answered 304"""
    r = c["rose"].post("/statuses", {"text": "posted with If-None-Match"},
                       headers={"If-None-Match": "*"})
    assert r.status == 303, r


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
