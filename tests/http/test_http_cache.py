"""Responses cheap for the network and for repeated reads: gzip negotiated with
Accept-Encoding, ETags and 304 Not Modified, and the anonymous page cache: what it serves,
what a write makes stale at once, and what it must never hold (members' pages, signed
fetches, answers that set a cookie).

The cache's entries live an hour here, so that a fresh page after a write can only come from
the write's invalidation, never from the entry's age. An answer from the cache carries an Age
header; one made for the request has none."""

import gzip
import json
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

GZ = {"Accept-Encoding": "gzip"}
AS_JSON = "application/activity+json"

suite = harness.Suite("http_cache")
test = suite.test
# no workers: activities a fake peer POSTs stay queued (test_cache_kept_while_activities_arrive)
inst = harness.peer_instance(suite, "http_cache", page_cache_seconds=3600, workers="0")
c = {}  # name -> signed-in WebClient


def setup():
    inst.setup()
    inst.start_server()
    c["rose"] = harness.member(inst, "rose")
    c["ivy"] = harness.member(inst, "ivy")
    c["dee"] = harness.member(inst, "dee")
    c["keeper"] = harness.member(inst, "keeper", role="moderator")
    inst.psql("INSERT INTO rules (position, title) VALUES (1, 'Be kind')")
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


# --- the page cache ------------------------------------------------------------------------------

def hit(r):
    """Whether r came from the page cache."""
    return r.header("Age") is not None


def cached_read(path, headers=None):
    """Reads path anonymously until an answer comes from the cache, and returns it: the
    second read, or the third when the first wrote (an actor's first fetch makes its key, and
    an answer made while the database changed isn't stored)."""
    reads = [get(path, headers) for _ in range(2)]
    if not hit(reads[1]):
        reads.append(get(path, headers))
    r = reads[-1]
    assert r.status == 200, r
    assert hit(r), "%d reads of %s and no cache hit" % (len(reads), path)
    assert r.body == reads[-2].body, "the cache's copy differs"
    return r


def main_part(text):
    m = re.search(r"<main\b.*?</main>", text, re.S)
    return m.group(0) if m else text


@test
def test_cache_serves_repeats():
    """a visitor's repeated read is answered from the cache, byte for byte the same, for
    GET, HEAD and gzip alike"""
    first = get("/@rose")
    second = get("/@rose")
    assert hit(second), "no cache hit"
    assert int(second.header("Age")) >= 0, second.header("Age")
    assert second.body == first.body
    assert second.header("ETag") == first.header("ETag")
    h = get("/@rose", method="HEAD")
    assert hit(h), "HEAD was not answered from the cache"
    assert h.status == 200 and h.body == b"", h
    assert h.header("Content-Length") == str(len(first.body)), h.header("Content-Length")
    g1 = get("/@rose", GZ)
    g2 = get("/@rose", GZ)
    assert hit(g2), "no cache hit for gzip"
    assert g2.body == g1.body and gunzip(g2) == first.body
    assert g2.header("ETag") == g1.header("ETag") != first.header("ETag")
    for name in ("Content-Security-Policy", "X-Frame-Options", "Cache-Control", "Vary",
                 "Content-Language", "Content-Type"):
        assert g2.header(name) == g1.header(name), name


@test
def test_cache_304():
    """If-None-Match is answered 304 from the cache too"""
    tag = cached_read("/@rose", GZ).header("ETag")
    r = get("/@rose", {"If-None-Match": tag, **GZ})
    assert r.status == 304 and r.body == b"", r
    assert hit(r), "the 304 did not come from the cache"
    assert r.header("ETag") == tag


@test
def test_cache_post_invalidates():
    """a visitor reading a profile sees the member's new post on the next read"""
    cached_read("/@rose")
    cached_read("/@rose", GZ)
    r = harness.publish(c["rose"], "Fresh words under the parasol")
    assert r.status == 303, r
    r = get("/@rose")
    assert "Fresh words under the parasol" in r.text, "a stale page after a post"
    assert not hit(r), "the first read after a write came from the cache"
    assert b"Fresh words under the parasol" in gunzip(get("/@rose", GZ))


@test
def test_cache_kept_while_activities_arrive():
    """an activity a peer POSTs to the inbox is only queued, which changes no page: the
    cached profile stays a hit (the worker that applies it later writes like any writer)"""
    peer = harness.FakePeer(suite)
    harness.allow_peer(inst, peer.domain)
    pat = peer.add_actor("pat")
    r = pat.post(inst.port, "/inbox", harness.activity_create(pat, "first words from afar"))
    harness.assert_status(r, 202, "a first activity (the actor's key is fetched and kept)")
    cached_read("/@rose")
    queued = int(inst.scalar("SELECT count(*) FROM jobs"))
    for i in range(3):
        r = pat.post(inst.port, "/inbox", harness.activity_create(pat, "more words %d" % i))
        harness.assert_status(r, 202, "activity %d" % i)
    assert int(inst.scalar("SELECT count(*) FROM jobs")) == queued + 3
    assert hit(get("/@rose")), "the queued activities made the cached profile stale"


@test
def test_cache_delete_invalidates():
    """a visitor no longer sees a post the member deleted"""
    sid = harness.post_and_get_id(inst, c["rose"], "rose", "Doomed words under the parasol")
    assert "Doomed words" in cached_read("/@rose").text
    assert "Doomed words" in cached_read("/@rose/%s" % sid).text
    r = c["rose"].post("/statuses/%s/delete" % sid, {})
    assert r.status == 303, r
    assert "Doomed words" not in get("/@rose").text, "a deleted post still shown from cache"
    assert get("/@rose/%s" % sid).status == 404


@test
def test_cache_suspension_invalidates():
    """a visitor no longer sees the profile of a member a moderator suspended"""
    harness.post_and_get_id(inst, c["dee"], "dee", "dee writes here")
    assert "dee writes here" in cached_read("/@dee").text
    cached_read("/users/dee", {"Accept": AS_JSON})
    rule = inst.scalar("SELECT id FROM rules ORDER BY position LIMIT 1")
    account = inst.scalar("SELECT id FROM accounts WHERE username = 'dee' AND domain IS NULL")
    r = c["keeper"].post("/admin/accounts/%s/act" % account,
                         [("kind", "suspend"), ("reason", "Threats"), ("rule", rule),
                          ("suspend_days", "7")])
    assert r.status == 303, r
    assert inst.scalar("SELECT suspended_at IS NOT NULL FROM accounts WHERE id = %s"
                       % account) == "t", "the suspension did not happen"
    r = get("/@dee")
    assert r.status == 404 and "dee writes here" not in r.text, r
    assert get("/users/dee", {"Accept": AS_JSON}).status != 200


@test
def test_cache_other_process_writes():
    """a change made by another process (psql here) is not seen while the entry lives, and
    is as soon as this process writes anything"""
    cached_read("/@rose")
    inst.psql("UPDATE accounts SET display_name = 'Rose Renamed' WHERE username = 'rose'")
    assert "Rose Renamed" not in get("/@rose").text, "the cache served nothing"
    r = harness.publish(c["ivy"], "ivy writes, which makes every entry stale")
    assert r.status == 303, r
    assert "Rose Renamed" in get("/@rose").text


@test
def test_member_never_served_from_cache():
    """a signed-in member never gets a visitor's cached page, and their pages are never
    stored: members-only posts don't reach visitors"""
    cached_read("/@rose")
    r = c["ivy"].get("/@rose")
    assert r.status == 200, r
    assert not hit(r), "a member was answered from the cache"
    assert "/logout" in r.text, "the member's page is a visitor's"
    assert "no-store" in (r.header("Cache-Control") or "")
    r = harness.publish(c["rose"], "Secret for members MEMBERS-ONLY-7731", visibility="members")
    assert r.status == 303, r
    # the member reads (and would store, if members' pages were stored) the pages
    for path in ("/home", "/@rose", "/@rose"):
        r = c["ivy"].get(path)
        assert r.status == 200 and not hit(r), r
    assert "MEMBERS-ONLY-7731" in r.text, "the member doesn't see the members-only post"
    # a visitor: no cookie at all, and one with only a CSRF cookie
    assert "MEMBERS-ONLY-7731" not in get("/@rose").text
    assert "MEMBERS-ONLY-7731" not in get("/@rose", GZ).text
    csrf = {"Cookie": "parasol_csrf=" + c["ivy"].cookies["parasol_csrf"]}
    assert "MEMBERS-ONLY-7731" not in get("/@rose", csrf).text
    assert "/logout" not in get("/@rose", csrf).text


@test
def test_visitor_page_not_served_to_member_after():
    """a page a visitor read just before stays a visitor's: the member still gets theirs"""
    cached_read("/@rose")
    r = c["rose"].get("/@rose")
    assert "/logout" in r.text and "/edit" in r.text, "rose does not see her own page"


@test
def test_signed_requests_bypass_cache():
    """a request with a Signature, Signature-Input or Authorization header is never
    answered from the cache, and its answer is never stored"""
    headers = {"Accept": AS_JSON}
    cached_read("/users/rose", headers)
    sig = 'keyId="http://127.0.0.1:1/users/x#main-key",headers="(request-target) date",' \
          'signature="AAAA"'
    cached_read("/@rose")
    for extra in ({"Signature": sig}, {"Signature-Input": 'sig1=("@method")'},
                  {"Authorization": "Bearer nothing"}):
        for r in (get("/users/rose", {**headers, **extra}), get("/@rose", extra)):
            assert not hit(r), "%r was answered from the cache: %r" % (extra, r)
    # a signed request's answer is not stored for visitors either
    path = "/users/rose?signed=1"
    for _ in range(2):
        r = get(path, {**headers, "Signature": sig})
        assert not hit(r), "a signed request was answered from the cache"
    r = get(path, headers)
    assert not hit(r), "a signed request's answer was stored"
    assert hit(get(path, headers)), "the visitor's own answer was not stored"


@test
def test_set_cookie_never_cached():
    """an answer that sets a cookie is never stored: every cookieless visitor of the sign-in
    form gets a token of their own, and a form's token never reaches another browser"""
    tokens = set()
    for _ in range(3):
        r = get("/login")
        assert r.status == 200 and not hit(r), r
        cookie = [v for v in r.headers.get_all("Set-Cookie") or [] if "parasol_csrf=" in v]
        assert cookie, "no CSRF cookie for a cookieless visitor of /login"
        tokens.add(harness.form_fields(r.text)["csrf"])
    assert len(tokens) == 3, "two visitors got the same CSRF token"
    # browsers that have their cookie: the page carries their token, never another's
    a, b = harness.WebClient(inst.port), harness.WebClient(inst.port)
    for client in (a, b, a, b):
        r = client.get("/login")
        assert not hit(r), "a form page was answered from the cache"
        assert harness.form_fields(r.text)["csrf"] == client.csrf(), "another browser's token"
        assert "private" in (r.header("Cache-Control") or ""), r.header("Cache-Control")


@test
def test_visitor_still_gets_csrf_cookie():
    """a visitor whose pages came from the cache (no cookie set) gets the CSRF cookie with
    the sign-in form and can sign in"""
    cached_read("/@rose")
    v = harness.WebClient(inst.port)
    r = v.get("/@rose")
    assert hit(r) and not r.set_cookies, r.set_cookies
    r = v.get("/login")
    assert "parasol_csrf" in r.set_cookies, "no CSRF cookie with the sign-in form"
    assert harness.form_fields(r.text)["csrf"] == v.cookies["parasol_csrf"]
    r = v.login("rose", harness.PASSWORD)
    assert r.status == 303 and v.session, r


@test
def test_languages_and_kinds_apart():
    """the cache keeps languages, Accept kinds and encodings apart"""
    zh = cached_read("/@rose", {"Accept-Language": "zh-CN"})
    en = cached_read("/@rose", {"Accept-Language": "en"})
    assert zh.header("Content-Language") == "zh-CN", zh.header("Content-Language")
    assert en.header("Content-Language") == "en", en.header("Content-Language")
    assert get("/@rose", {"Accept-Language": "zh-CN"}).body == zh.body
    j = cached_read("/users/rose", {"Accept": AS_JSON})
    assert j.header("Content-Type").startswith("application/activity+json"), j
    h = get("/users/rose", {"Accept": "text/html"})
    assert not (h.header("Content-Type") or "").startswith("application/activity+json"), h
    assert get("/users/rose", {"Accept": AS_JSON}).json()["preferredUsername"] == "rose"


def burst(path, n, headers=None):
    """n anonymous GETs of path sent at once, from n threads; their answers."""
    import threading
    gate, out = threading.Barrier(n), [None] * n

    def one(i):
        gate.wait()
        out[i] = get(path, headers)
    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


@test
def test_cold_page_rendered_once():
    """many visitors at once asking for a page nobody has rendered yet cost one rendering:
    the others wait for it and get its copy (a link going round, or every page after a
    write), and a page that may not be kept has nobody wait"""
    # an answer from the cache carries an Age header; the one made for its request has none
    answers = burst("/@rose?cold=1", 24, GZ)
    assert all(r.status == 200 for r in answers), answers
    assert len({r.body for r in answers}) == 1, "the visitors got different pages"
    made = sum(not hit(r) for r in answers)
    assert made == 1, "%d renderings of one page for 24 visitors at once" % made
    # after a write, the same again: one rendering of the new page
    r = harness.publish(c["rose"], "A post that makes every kept page stale.")
    assert r.status == 303, r
    answers = burst("/@rose?cold=1", 24, GZ)
    assert len({r.body for r in answers}) == 1 and all(r.status == 200 for r in answers)
    assert b"makes every kept page stale" in gzip.decompress(answers[0].body)
    made = sum(not hit(r) for r in answers)
    assert made == 1, "%d renderings after a write" % made
    # a page that is never kept (it sets a cookie) is made for each visitor
    answers = burst("/login", 12)
    assert all(r.status == 200 and not hit(r) for r in answers), answers
    assert len({harness.form_fields(r.text)["csrf"] for r in answers}) == 12


@test
def test_slow_handler_holds_up_nothing_else():
    """with one handler thread held by a request that waits for PostgreSQL (a table locked by
    hand), a cached page is still answered, and other requests wait their turn and are
    answered once it is over: a connection never waits for another connection's handler"""
    import subprocess
    import threading
    one = harness.Instance(suite, "http_cache_one", page_cache_seconds=3600, threads=1)
    one.setup()
    one.start_server()
    harness.create_account(one, "lily")
    one.psql("INSERT INTO rules (position, title) VALUES (1, 'Be kind')")
    assert harness.request(one.port, "GET", "/@lily").status == 200
    assert hit(harness.request(one.port, "GET", "/@lily")), "no copy of /@lily kept"
    locker = subprocess.Popen(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1"] + one.cluster._args(one.dbname),
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        text=True)
    answers = {}
    try:
        locker.stdin.write("BEGIN; LOCK TABLE rules IN ACCESS EXCLUSIVE MODE;\n")
        locker.stdin.flush()
        harness.wait_for(lambda: one.scalar(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'rules' AND l.mode = 'AccessExclusiveLock' AND l.granted")
            == "1", 30, what="the lock on rules")

        def fetch(name, path):
            answers[name] = harness.request(one.port, "GET", path)
        held = threading.Thread(target=fetch, args=("held", "/about?held=1"))
        held.start()
        harness.wait_for(lambda: one.scalar(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'rules' AND NOT l.granted") == "1", 30,
            what="the handler to wait for the lock")
        # the only handler thread waits; a kept page doesn't need it
        r = harness.request(one.port, "GET", "/@lily", timeout=10)
        assert r.status == 200 and hit(r), r
        assert "held" not in answers, "the held request was answered before the lock went"
        # another page to make waits for the thread, and is made when it is free
        queued = threading.Thread(target=fetch, args=("queued", "/@lily?queued=1"))
        queued.start()
    finally:
        locker.stdin.write("COMMIT;\n")
        locker.stdin.close()
        locker.wait(30)
    held.join(30)
    queued.join(30)
    assert answers["held"].status == 200 and "Be kind" in answers["held"].text, answers
    assert answers["queued"].status == 200, answers


@test
def test_thread_pool_default():
    """threads = 0 runs four HTTP threads per core, at least 4 and at most 64"""
    want = min(64, max(4, 4 * os.cpu_count()))
    assert "listening on port %d with %d threads" % (inst.port, want) in inst.server.log(), \
        [line for line in inst.server.log().splitlines() if "listening" in line]


@test
def test_cache_off():
    """page_cache_seconds = 0 turns the cache off; an explicit thread count is kept"""
    off = harness.Instance(suite, "http_cache_off", page_cache_seconds=0, threads=3)
    off.setup()
    srv = off.start_server()
    harness.create_account(off, "lily")
    for _ in range(3):
        r = harness.request(off.port, "GET", "/@lily")
        assert r.status == 200 and not hit(r), r
    assert "page cache: off" in srv.log()
    assert "with 3 threads" in srv.log(), srv.log_tail()
    srv.stop()
    harness.assert_no_sanitizer_reports(srv.log(), srv.log_path)


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
