"""The client API's media, search, profile, reports and favourites (issue 13): images uploaded
through the real Mastodon.py (media_post, then status_post with media_ids) stored and served
without the GPS and the rest their EXIF carried (exiftool), uploads that belong to their
uploader alone and go a day after nobody attached them (the clock injected), alt text, a
text file refused; update_credentials seen on the web profile; search with resolve against a
real second parasol node on the allowlist and one that is not; reports in the moderators'
queue with their rules; favourites paged with Link; mentions and tags in statuses; and hostile
input answered with a precise 4xx and nothing written."""

import json
import os
import re
import sys
import tempfile
import time
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apiclient  # noqa: E402
import harness  # noqa: E402
from imagetools import assert_clean, exif, fixture  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("api_media")
test = suite.test
MAX_BYTES = 300000
# few threads: three servers share the test cluster's connections
A = harness.peer_instance(suite, "api_media_a", page_cache_seconds=0, sweep_interval=1,
                          media_max_bytes=MAX_BYTES, threads=4, workers=2)
B = harness.peer_instance(suite, "api_media_b", threads=2, workers=1)  # allowlisted both ways
C = harness.peer_instance(suite, "api_media_c", threads=2, workers=1)  # not on A's allowlist
PASSWORD = harness.PASSWORD
CLOCK = {"path": None, "now": int(time.time())}
state = {}


def set_clock(t):
    CLOCK["now"] = t
    with open(CLOCK["path"], "w") as f:
        f.write("%d\n" % t)


def base():
    return harness.instance_base(A)


def call(method, path, token=None, inst=None, **kw):
    """One API request to A (or inst) (apiclient.request)."""
    return apiclient.request((inst or A).port, method, path, token, **kw)


def want(r, status, what):
    return apiclient.want(r, status, what)


def error_of(r, status, what):
    return apiclient.error_of(r, status, what)


def token(name, scope="read write follow", inst=None):
    a = want(call("POST", "/api/v1/apps", form={
        "client_name": "media test", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
        "scopes": "read write follow push"}, inst=inst), 200, "app")
    doc = want(call("POST", "/oauth/token", form={
        "grant_type": "password", "client_id": a["client_id"],
        "client_secret": a["client_secret"], "username": name, "password": PASSWORD,
        "scope": scope}, inst=inst), 200, "token for " + name)
    return doc["access_token"]


def mastodon(name):
    from mastodon import Mastodon
    cid, secret = Mastodon.create_app("parasol media test", api_base_url=base())
    api = Mastodon(client_id=cid, client_secret=secret, api_base_url=base())
    api.log_in(name, PASSWORD)
    return api


def count(sql, inst=None):
    return int((inst or A).scalar(sql))


def media_dir():
    return os.path.join(A.data_dir, "media")


def files_on_disk():
    d = media_dir()
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def fixture_file(name):
    path = os.path.join(state["tmp"], name)
    with open(path, "wb") as f:
        f.write(fixture(name))
    return path


def upload(tok, data=None, name="photo.jpg", ctype="image/jpeg", version="v1", **form):
    return call("POST", "/api/%s/media" % version, tok,
                form=form, files=[("file", name, ctype, data or fixture("photo.jpg"))])


def setup():
    for inst in (A, B, C):
        inst.setup()
    CLOCK["path"] = os.path.join(A.tmp, "clock")
    set_clock(CLOCK["now"])
    A.env = {"PARASOL_TEST_CLOCK_FILE": CLOCK["path"]}
    for inst in (A, B, C):
        inst.start_server()
    harness.allow_peer(A, harness.instance_domain(B))
    harness.allow_peer(B, harness.instance_domain(A))
    harness.allow_peer(C, harness.instance_domain(A))  # C wants A; A does not want C
    for name in ("rose", "lily", "iris"):
        harness.create_account(A, name)
    harness.create_account(A, "keeper", role="moderator")
    harness.create_account(B, "bob")
    harness.create_account(B, "bea")
    harness.create_account(C, "carl")
    state["tmp"] = tempfile.mkdtemp(prefix="parasol-api-media-")
    suite.add_cleanup(__import__("shutil").rmtree, state["tmp"], True)
    state["rose"] = token("rose")
    state["lily"] = token("lily")
    state["iris"] = token("iris")


# --- media ----------------------------------------------------------------------------------------

@test
def test_mastodonpy_media_post_without_gps():
    """Mastodon.py media_post (v2) of a JPEG with GPS, then status_post(media_ids=...): the
    upload is 200 with its url at once, the post carries it, and neither the stored files
    nor what the url serves hold the GPS or any other metadata"""
    path = fixture_file("photo.jpg")
    tags = exif(path)
    assert any(k.startswith("GPS:") for k in tags), "the fixture has no GPS to strip"
    api = mastodon("rose")
    m = api.media_post(path, mime_type="image/jpeg", description="the harbour at dusk",
                       focus=(0.0, 0.5))
    assert m["type"] == "image" and m["url"].startswith(base() + "/media/"), m
    assert m["description"] == "the harbour at dusk" and m["blurhash"], m
    assert (m["meta"]["original"]["width"], m["meta"]["original"]["height"]) == (64, 96), m
    row = A.psql("SELECT status_id, account_id, purpose FROM media WHERE id = %d" % m["id"])
    assert row == [["", A.scalar("SELECT id FROM accounts WHERE username = 'rose'"),
                    "attachment"]], row
    st = api.status_post("a photo from an app", media_ids=[m])
    assert [a["id"] for a in st["media_attachments"]] == [m["id"]], st
    assert A.scalar("SELECT status_id FROM media WHERE id = %d" % m["id"]) == str(st["id"])
    att = st["media_attachments"][0]
    assert att["url"] == m["url"] and att["preview_url"].startswith(base() + "/media/")
    for url in (att["url"], att["preview_url"]):
        name = url.rsplit("/", 1)[1]
        assert_clean(os.path.join(media_dir(), name))
        r = call("GET", "/media/" + name)
        want(r, 200, "the served image")
        served = os.path.join(state["tmp"], "served-" + name)
        with open(served, "wb") as f:
            f.write(r.body)
        assert not any(k.startswith("GPS:") for k in assert_clean(served))
    # the web shows the same image on the post's page
    page = harness.WebClient(A.port).get("/@rose/%d" % st["id"])
    assert "/media/" + att["url"].rsplit("/", 1)[1] in page.text or \
        "/media/" + att["preview_url"].rsplit("/", 1)[1] in page.text, "not on the web page"


@test
def test_v1_upload_alt_text_and_get():
    """POST /api/v1/media, GET it back, PUT its alt text (JSON and form); once a post has it
    the alt text can't change through /media (404), and nobody else can read it"""
    m = want(upload(state["rose"]), 200, "v1 upload")
    assert m["description"] is None, m
    got = want(call("GET", "/api/v1/media/%s" % m["id"], state["rose"]), 200, "get")
    assert got["url"] == m["url"]
    error_of(call("GET", "/api/v1/media/%s" % m["id"], state["lily"]), 404, "someone else's")
    error_of(call("PUT", "/api/v1/media/%s" % m["id"], state["lily"],
                  body={"description": "mine now"}), 404, "someone else's PUT")
    doc = want(call("PUT", "/api/v1/media/%s" % m["id"], state["rose"],
                    body={"description": "two cats"}), 200, "PUT JSON")
    assert doc["description"] == "two cats"
    doc = want(call("PUT", "/api/v1/media/%s" % m["id"], state["rose"],
                    form={"description": "three cats"}), 200, "PUT form")
    assert A.scalar("SELECT description FROM media WHERE id = %s" % m["id"]) == "three cats"
    for body, what in (({"description": "x" * 1501}, "too long"),
                       ({"description": 5}, "a number"),
                       ({"focus": "3,0"}, "focus out of range")):
        error_of(call("PUT", "/api/v1/media/%s" % m["id"], state["rose"], body=body), 422,
                 what)
    assert A.scalar("SELECT description FROM media WHERE id = %s" % m["id"]) == "three cats"
    st = want(call("POST", "/api/v1/statuses", state["rose"],
                   body={"status": "", "media_ids": [m["id"]]}), 200, "image-only post")
    assert st["media_attachments"][0]["description"] == "three cats", st
    error_of(call("PUT", "/api/v1/media/%s" % m["id"], state["rose"],
                  body={"description": "changed"}), 404, "PUT once attached")


@test
def test_not_an_image_refused():
    """a text file as media: 422 JSON error, no row, nothing on disk; no file part, a JSON
    body and a read-only token are refused too"""
    before_rows, before_files = count("SELECT count(*) FROM media"), files_on_disk()
    doc = error_of(upload(state["rose"], b"just some text, honest\n" * 20, name="notes.txt",
                          ctype="text/plain"), 422, "text file")
    assert "image" in doc["error"].lower(), doc
    error_of(upload(state["rose"], fixture("photo.jpg")[:200]), 422, "a truncated JPEG")
    error_of(call("POST", "/api/v1/media", state["rose"], form={"description": "x"},
                  files=[]), 422, "no file part")
    error_of(call("POST", "/api/v2/media", state["rose"], body={"file": "aGVsbG8="}), 422,
             "JSON instead of multipart")
    error_of(call("POST", "/api/v1/media", state["rose"], body="{not json"), 400,
             "malformed JSON")
    error_of(upload(state["rose"], b"\xff\xd8\xff" + b"\0" * (MAX_BYTES + 10)), 413,
             "over the size limit")
    ro = token("rose", scope="read")
    doc = error_of(upload(ro), 403, "read-only token")
    assert "scope" in doc["error"], doc
    error_of(upload(None), 401, "no token")
    assert count("SELECT count(*) FROM media") == before_rows
    assert files_on_disk() == before_files


@test
def test_media_ids_only_own_unattached():
    """media_ids: someone else's upload, an unknown id, a malformed id, one already attached,
    the same twice and five images: 422 each, no post written and the uploads untouched"""
    lilys = want(upload(state["lily"]), 200, "lily's upload")
    roses = want(upload(state["rose"]), 200, "rose's upload")
    used = want(upload(state["rose"]), 200, "rose's other upload")
    want(call("POST", "/api/v1/statuses", state["rose"],
              body={"status": "uses one", "media_ids": [used["id"]]}), 200, "first use")
    before = count("SELECT count(*) FROM statuses")
    for ids, what in (([lilys["id"]], "someone else's"), (["9" * 15], "unknown"),
                      (["abc"], "malformed"), ([used["id"]], "attached already"),
                      ([roses["id"], roses["id"]], "twice"),
                      ([roses["id"]] * 5, "five")):
        error_of(call("POST", "/api/v1/statuses", state["rose"],
                      body={"status": "steals", "media_ids": ids}), 422, what)
        error_of(call("POST", "/api/v1/statuses", state["rose"],
                      form={"status": "steals", "media_ids[]": ids}), 422, what + " (form)")
    error_of(call("POST", "/api/v1/statuses", state["rose"],
                  body={"status": "x", "media_ids": roses["id"]}), 422, "not a list")
    assert count("SELECT count(*) FROM statuses") == before
    assert A.psql("SELECT count(*) FROM media WHERE id IN (%s, %s) AND status_id IS NULL"
                  % (lilys["id"], roses["id"])) == [["2"]]


@test
def test_status_entity_mentions_tags_and_boost():
    """a post's entity lists its mentions and tags (this node's URLs); a boost is the
    booster's status with the post in reblog"""
    st = want(call("POST", "/api/v1/statuses", state["rose"],
                   body={"status": "@lily look at the #Sunflowers and #garden"}), 200, "post")
    lily_id = A.scalar("SELECT id FROM accounts WHERE username = 'lily'")
    assert st["mentions"] == [{"id": lily_id, "username": "lily", "acct": "lily",
                               "url": base() + "/@lily"}], st["mentions"]
    names = sorted(t["name"].lower() for t in st["tags"])
    assert names == ["garden", "sunflowers"], st["tags"]
    assert all(t["url"] == base() + "/tags/" + t["name"] for t in st["tags"]), st["tags"]
    boost = want(call("POST", "/api/v1/statuses/%s/reblog" % st["id"], state["lily"]), 200,
                 "boost")
    mine = want(call("GET", "/api/v1/accounts/%s/statuses?limit=5" % lily_id, state["lily"]),
                200, "lily's statuses")
    b = [s for s in mine if s["reblog"] and s["reblog"]["id"] == st["id"]]
    assert b and b[0]["account"]["acct"] == "lily" and b[0]["id"] != st["id"], mine
    assert b[0]["reblog"]["mentions"][0]["acct"] == "lily" and boost["reblogged"] is True


@test
def test_unattached_upload_purged_after_a_day():
    """an upload no post took is deleted (row and files) a day after it was made, by the
    sweep reading the injected clock; an attached one stays"""
    m = want(upload(state["iris"]), 200, "upload")
    names = A.psql("SELECT file_name, thumb_name FROM media WHERE id = %s" % m["id"])[0]
    assert all(n in files_on_disk() for n in names)
    kept = count("SELECT count(*) FROM media WHERE status_id IS NOT NULL")
    set_clock(CLOCK["now"] + 43200)  # half a day later, a second upload
    later = want(upload(state["iris"]), 200, "a later upload")
    set_clock(CLOCK["now"] + 43200 + 60)  # a day and a minute after the first
    harness.wait_for(lambda: count("SELECT count(*) FROM media WHERE id = %s" % m["id"]) == 0,
                     what="the unattached upload deleted")
    harness.wait_for(lambda: not any(n in files_on_disk() for n in names),
                     what="its files removed")
    # the sweep that took the first saw the second, half a day old: it stays
    assert count("SELECT count(*) FROM media WHERE id = %s" % later["id"]) == 1
    assert count("SELECT count(*) FROM media WHERE status_id IS NOT NULL") == kept


# --- update_credentials ---------------------------------------------------------------------------

@test
def test_update_credentials_on_web_profile():
    """Mastodon.py account_update_credentials: name, note, fields and an avatar (GPS stripped)
    show on the web profile; what the call leaves out stays"""
    api = mastodon("lily")
    me = api.account_update_credentials(display_name="Lily of the Valley",
                                        note="Nights only. <b>no</b> DMs",
                                        avatar=fixture_file("photo.jpg"),
                                        avatar_mime_type="image/jpeg",
                                        fields=[("pronouns", "she/her"), ("site", "none")],
                                        discoverable=True)
    assert me["display_name"] == "Lily of the Valley" and me["discoverable"] is True, me
    assert A.scalar("SELECT discoverable FROM accounts WHERE username = 'lily'") == "t"
    assert [f["name"] for f in me["fields"]] == ["pronouns", "site"], me["fields"]
    assert me["source"]["note"] == "Nights only. <b>no</b> DMs", me["source"]
    avatar = me["avatar"].rsplit("/", 1)[1]
    assert me["avatar"].startswith(base() + "/media/"), me["avatar"]
    assert_clean(os.path.join(media_dir(), avatar))
    page = harness.WebClient(A.port).get("/@lily")
    assert "Lily of the Valley" in page.text and "Nights only." in page.text, page.text
    assert "&lt;b&gt;no&lt;/b&gt;" in page.text and "<b>no</b>" not in page.text
    assert "/media/" + avatar in page.text and "she/her" in page.text
    # a later call with only the note keeps the name and the avatar
    me = api.account_update_credentials(note="Days too.")
    assert me["display_name"] == "Lily of the Valley" and me["avatar"].endswith(avatar), me


@test
def test_update_credentials_bad_input():
    """update_credentials: a text file as avatar, a name too long, fields of the wrong type or
    too many, malformed JSON, a read-only token: a precise 4xx and the profile as it was"""
    tok = state["iris"]
    want(call("PATCH", "/api/v1/accounts/update_credentials", tok,
              body={"display_name": "Iris"}), 200, "set the name")
    before = A.psql("SELECT display_name, bio, fields::text FROM accounts"
                    " WHERE username = 'iris'")
    rows = count("SELECT count(*) FROM media")
    doc = error_of(call("PATCH", "/api/v1/accounts/update_credentials", tok, form={},
                        files=[("avatar", "a.txt", "text/plain", b"hello " * 50)]), 422,
                   "text avatar")
    assert "image" in doc["error"].lower(), doc
    for body, status, what in (
            ({"display_name": "x" * 101}, 422, "name too long"),
            ({"display_name": 7}, 422, "name a number"),
            ({"fields_attributes": "pronouns"}, 422, "fields a string"),
            ({"fields_attributes": [{"name": "a", "value": 1}]}, 422, "field value a number"),
            ({"fields_attributes": [{"name": "a", "value": "b"}] * 5}, 422, "five fields"),
            ({"locked": "perhaps"}, 422, "locked not a boolean"),
            ({"avatar": "aGVsbG8="}, 422, "avatar in JSON"),
            ("{\"display_name\": ", 400, "malformed JSON")):
        error_of(call("PATCH", "/api/v1/accounts/update_credentials", tok, body=body), status,
                 what)
    error_of(call("PATCH", "/api/v1/accounts/update_credentials", token("iris", "read"),
                  body={"display_name": "ro"}), 403, "read-only token")
    assert A.psql("SELECT display_name, bio, fields::text FROM accounts"
                  " WHERE username = 'iris'") == before
    assert count("SELECT count(*) FROM media") == rows


# --- search ---------------------------------------------------------------------------------------

@test
def test_search_resolve_within_allowlist():
    """v2 search with resolve: @bob@B (allowlisted) is fetched and found, with this node's
    profile URL; carl@C (not allowlisted) is not, and C's accounts stay unknown here; without
    resolve a handle never seen is not looked up; a visitor never makes the node resolve;
    the three keys are always there"""
    bdom, cdom = harness.instance_domain(B), harness.instance_domain(C)
    doc = want(call("GET", "/api/v2/search?" + urllib.parse.urlencode(
        {"q": "@bea@" + bdom, "resolve": "false"}), state["rose"]), 200, "no resolve")
    assert doc == {"accounts": [], "hashtags": [], "statuses": []}, doc
    doc = want(call("GET", "/api/v2/search?" + urllib.parse.urlencode(
        {"q": "bea@" + bdom, "resolve": "true"})), 200, "a visitor's resolve")
    assert doc["accounts"] == [], doc
    assert count("SELECT count(*) FROM accounts WHERE domain = '%s'" % bdom) == 0
    doc = want(call("GET", "/api/v2/search?" + urllib.parse.urlencode(
        {"q": "@bob@" + bdom, "resolve": "True", "type": "accounts"}), state["rose"]), 200,
        "resolve bob")
    assert set(doc) == {"accounts", "hashtags", "statuses"}, doc
    assert [a["acct"] for a in doc["accounts"]] == ["bob@" + bdom], doc
    assert doc["accounts"][0]["url"] == base() + "/@bob@" + bdom, doc["accounts"][0]
    # known now: found without resolve too, through /api/v1/accounts/search as well
    doc = want(call("GET", "/api/v1/accounts/search?" + urllib.parse.urlencode(
        {"q": "bob@" + bdom}), state["rose"]), 200, "v1 accounts search")
    assert [a["acct"] for a in doc] == ["bob@" + bdom], doc
    doc = want(call("GET", "/api/v2/search?" + urllib.parse.urlencode(
        {"q": "carl@" + cdom, "resolve": "true"}), state["rose"]), 200, "not allowlisted")
    assert doc["accounts"] == [], doc
    assert count("SELECT count(*) FROM accounts WHERE domain = '%s'" % cdom) == 0


@test
def test_remote_images_through_this_node():
    """a followed peer account's post with an image: the API's attachment is this node's
    re-encoded copy (url and preview_url here, alt text kept), never the peer's address"""
    bdom = harness.instance_domain(B)
    found = want(call("GET", "/api/v2/search?" + urllib.parse.urlencode(
        {"q": "bob@" + bdom, "resolve": "true"}), state["rose"]), 200, "find bob")
    bob = found["accounts"][0]
    rel = want(call("POST", "/api/v1/accounts/%s/follow" % bob["id"], state["rose"]), 200,
               "follow bob")
    assert rel["following"] or rel["requested"], rel
    harness.wait_for(lambda: count("SELECT count(*) FROM follows", inst=B) == 1,
                     what="B recording the follow")
    web = harness.member(B, "bob", create=False)
    r = web.post_multipart("/statuses", {"text": "a bench by the sea", "alt1": "a blue bench"},
                           [("image1", "photo.jpg", "image/jpeg", fixture("photo.jpg"))])
    assert r.status == 303, r

    def attachment():
        home = want(call("GET", "/api/v1/timelines/home?limit=5", state["rose"]), 200, "home")
        st = [s for s in home if s["content"] and "a bench by the sea" in s["content"]]
        if st and st[0]["media_attachments"] and \
                st[0]["media_attachments"][0]["type"] == "image":
            return st[0]
        return None
    st = harness.wait_for(attachment, what="the peer's image cached and shown")
    att = st["media_attachments"][0]
    assert att["url"].startswith(base() + "/media/") and att["description"] == "a blue bench"
    assert att["preview_url"].startswith(base() + "/media/") and att["remote_url"] is None
    assert bdom not in json.dumps(st["media_attachments"]), st["media_attachments"]
    assert_clean(os.path.join(media_dir(), att["url"].rsplit("/", 1)[1]))


@test
def test_search_own_posts():
    """statuses: only the caller's own posts with the words (never another member's, never
    for a visitor), newest first, paged by max_id; LIKE's wildcards are plain characters"""
    mine = [want(call("POST", "/api/v1/statuses", state["rose"], body={"status": text}), 200,
                 "rose's post")["id"]
            for text in ("the Lighthouse at noon", "100% sure", "the lighthouse at night")]
    want(call("POST", "/api/v1/statuses", state["lily"], body={"status": "my lighthouse"}),
         200, "lily's post")
    doc = want(call("GET", "/api/v2/search?q=lighthouse", state["rose"]), 200, "rose's search")
    assert [s["id"] for s in doc["statuses"]] == [mine[2], mine[0]], doc["statuses"]
    doc = want(call("GET", "/api/v2/search?q=lighthouse&type=statuses&limit=1",
                    state["rose"]), 200, "first page")
    assert [s["id"] for s in doc["statuses"]] == [mine[2]] and doc["accounts"] == [], doc
    doc = want(call("GET", "/api/v2/search?q=lighthouse&type=statuses&limit=1&max_id=%s"
                    % mine[2], state["rose"]), 200, "next page")
    assert [s["id"] for s in doc["statuses"]] == [mine[0]], doc
    doc = want(call("GET", "/api/v2/search?q=%25", state["rose"]), 200, "a percent sign")
    assert [s["id"] for s in doc["statuses"]] == [mine[1]], doc
    doc = want(call("GET", "/api/v2/search?q=lighthouse", state["lily"]), 200, "lily's")
    assert len(doc["statuses"]) == 1 and "my lighthouse" in doc["statuses"][0]["content"], doc
    doc = want(call("GET", "/api/v2/search?q=lighthouse"), 200, "a visitor")
    assert doc["statuses"] == [], doc


@test
def test_search_local_and_bad_input():
    """members find members and tags (with a post they may see); bad type, limit, no q and a
    query over 100 characters are 422"""
    want(call("POST", "/api/v1/statuses", state["rose"], body={"status": "#moonflowers"}),
         200, "tagged post")
    doc = want(call("GET", "/api/v2/search?q=moonflow", state["lily"]), 200, "tags")
    assert [t["name"] for t in doc["hashtags"]] == ["moonflowers"], doc
    assert doc["hashtags"][0]["url"] == base() + "/tags/moonflowers"
    doc = want(call("GET", "/api/v2/search?q=ros&type=accounts", state["lily"]), 200, "acct")
    assert [a["acct"] for a in doc["accounts"]] == ["rose"] and doc["hashtags"] == [], doc
    doc = want(call("GET", "/api/v2/search?q=ros&offset=1", state["lily"]), 200, "offset")
    assert doc["accounts"] == [], doc
    for q, what in (("type=people&q=x", "bad type"), ("q=x&max_id=abc", "bad max_id"), ("q=x&limit=abc", "bad limit"),
                    ("q=x&limit=0", "limit 0"), ("resolve=true", "no q"),
                    ("q=" + "a" * 101, "query too long"), ("q=x&offset=-1", "offset")):
        error_of(call("GET", "/api/v2/search?" + q, state["lily"]), 422, what)


# --- reports --------------------------------------------------------------------------------------

@test
def test_report_reaches_the_queue_with_rules():
    """Mastodon.py report() of a post with two rules: one report in the moderators' queue
    citing them, with the comment"""
    mod = harness.member(A, "keeper", create=False)
    for title in ("Be kind", "No outing"):
        harness.assert_status(mod.post("/admin/rules", {"title": title, "text": ""}), 303,
                              "rule " + title)
    rules = [r[0] for r in A.psql("SELECT id FROM rules ORDER BY position")]
    st = want(call("POST", "/api/v1/statuses", state["lily"],
                   body={"status": "posting someone's real name"}), 200, "lily's post")
    api = mastodon("rose")
    lily = api.account_lookup("lily")
    rep = api.report(lily["id"], status_ids=[int(st["id"])], comment="Outs a colleague",
                     forward=False, category="violation", rule_ids=[int(r) for r in rules])
    assert rep["target_account"]["acct"] == "lily" and rep["category"] == "violation", rep
    assert sorted(str(r) for r in rep["rule_ids"]) == sorted(rules), rep
    row = A.psql("SELECT status_id, comment FROM reports ORDER BY id DESC LIMIT 1")
    assert row == [[st["id"], "Outs a colleague"]], row
    page = mod.get("/admin/queue")
    items = re.findall(r'<li class="queue-item" id="item-(\d+)">(.*?)</li>', page.text, re.S)
    assert items and "Report by @rose" in items[-1][1], page.text
    item = mod.get("/admin/queue/%s" % items[-1][0]).text
    cited = re.search(r'<ul class="cited-rules">(.*?)</ul>', item, re.S).group(1)
    assert "1. Be kind" in cited and "2. No outing" in cited, cited
    assert "Outs a colleague" in item


@test
def test_report_bad_input():
    """reports: unknown account, a post of another account, a malformed or unknown rule id, a
    bad category, no rule and no comment, malformed JSON, wrong types: precise 4xx, no row"""
    lily = A.scalar("SELECT id FROM accounts WHERE username = 'lily'")
    iris = A.scalar("SELECT id FROM accounts WHERE username = 'iris'")
    st = want(call("POST", "/api/v1/statuses", state["lily"], body={"status": "hello"}), 200,
              "post")
    before = count("SELECT count(*) FROM reports")
    for body, status, what in (
            ({"account_id": "999999999999", "comment": "x"}, 404, "unknown account"),
            ({"account_id": iris, "status_ids": [st["id"]], "comment": "x"}, 422,
             "post of another account"),
            ({"account_id": lily, "rule_ids": ["abc"]}, 422, "malformed rule id"),
            ({"account_id": lily, "rule_ids": ["12345"]}, 422, "unknown rule"),
            ({"account_id": lily, "comment": "x", "category": "nasty"}, 422, "bad category"),
            ({"account_id": lily}, 422, "no rule, no comment"),
            ({"comment": "x"}, 422, "no account"),
            ({"account_id": [lily], "comment": "x"}, 422, "account_id a list"),
            ({"account_id": lily, "comment": 5}, 422, "comment a number"),
            ("{\"account_id\": 1,", 400, "malformed JSON")):
        error_of(call("POST", "/api/v1/reports", state["rose"], body=body), status, what)
    error_of(call("POST", "/api/v1/reports", token("rose", "read"),
                  body={"account_id": lily, "comment": "x"}), 403, "read-only token")
    assert count("SELECT count(*) FROM reports") == before


# --- favourites -----------------------------------------------------------------------------------

@test
def test_favourites_paged():
    """GET /api/v1/favourites: the member's likes, newest post first, paged with Link (next
    first) and only the member's own"""
    made = []
    for i in range(3):
        st = want(call("POST", "/api/v1/statuses", state["lily"],
                       body={"status": "likeable %d" % i}), 200, "post")
        want(call("POST", "/api/v1/statuses/%s/favourite" % st["id"], state["rose"]), 200,
             "like")
        made.append(st["id"])
    r = call("GET", "/api/v1/favourites?limit=2", state["rose"])
    page = want(r, 200, "first page")
    assert [s["id"] for s in page] == made[::-1][:2], page
    assert all(s["favourited"] for s in page)
    link = r.header("Link")
    m = re.match(r'<([^>]+)>; rel="next"', link or "")
    assert m, link
    nxt = want(call("GET", m.group(1)[len(base()):], state["rose"]), 200, "next page")
    assert nxt and nxt[0]["id"] == made[0], nxt
    assert want(call("GET", "/api/v1/favourites", state["lily"]), 200, "lily's") == []
    error_of(call("GET", "/api/v1/favourites"), 401, "no token")


harness.add_server_end_tests(suite, lambda: A.server)


if __name__ == "__main__":
    sys.exit(suite.run(setup))
