"""Remote images (issue 12): a peer's post with image attachments is shown through this node.
The worker fetches each image (outbound-fetch rules: allowlist on every hop, size cap =
media_max_bytes, fetch_timeout), re-encodes it with the upload pipeline and serves it from
/media/; pages name nothing on the peer. Hostile answers (wrong type, a redirect to a private
address, a bomb, a cut-short file, an oversized body, a server that never answers) leave no
file; a URL shown by two posts is fetched once; the cache cap evicts the image shown longest
ago, which is fetched again when next shown; reject-media fetches nothing and removes what was
cached; a peer's Delete removes the files.

The fake peer (harness.FakePeer) serves the images; a route that must be slow waits on an
event the test sets, and the timeout is fetch_timeout (1 s here), so no assertion depends on
how long anything took."""

import json
import math
import os
import re
import subprocess
import sys
import threading
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import imagetools as images  # noqa: E402

harness.skip_without_postgres()

MAX_BYTES = 300000
WAIT = 60

suite = harness.Suite("remote_media")
test = suite.test
A = harness.peer_instance(suite, "remote_media", workers=2, media_max_bytes=MAX_BYTES,
                          media_max_pixels=4000000, fetch_timeout=1, retry_first_delay=1,
                          sweep_interval=1)
PHOTO = images.fixture("photo.jpg")
state = {}
c = {}


def setup():
    A.setup()
    A.start_server()
    c["alice"] = harness.member(A, "alice")
    c["keeper"] = harness.member(A, "keeper", role="moderator")
    peer = harness.FakePeer(suite)
    other = harness.FakePeer(suite)  # a second server, for the reject-media policy
    harness.allow_peer(A, peer.domain)
    harness.allow_peer(A, other.domain)
    state.update(peer=peer, other=other, pat=peer.add_actor("pat"), oli=other.add_actor("oli"))
    harness.assert_status(c["keeper"].post("/admin/rules", {"title": "Be kind", "text": ""}),
                          303, "a rule")


def media_dir():
    return os.path.join(A.data_dir, "media")


def files_on_disk():
    d = media_dir()
    return set(os.listdir(d)) if os.path.isdir(d) else set()


def serve(peer, path, status=200, body=PHOTO, ctype="image/jpeg", headers=None):
    """peer answers GET path with this."""
    peer.routes[path] = lambda _p: (status, body, ctype, headers or {})
    return peer.base + path


def gets(peer, path):
    return len(peer.requests_to("GET", path))


def note(actor, attachment, text="a picture"):
    """A Create of a public Note mentioning alice (so that A keeps it) with attachment."""
    act = harness.activity_create(actor, text + " @alice")
    obj = act["object"]
    obj["tag"] = [{"type": "Mention", "href": harness.instance_base(A) + "/users/alice",
                   "name": "@alice@" + harness.instance_domain(A)}]
    if attachment is not None:
        obj["attachment"] = attachment
    return act


def post_note(actor, attachment, text="a picture"):
    """Delivers the note; returns (its status id on A, the activity)."""
    act = note(actor, attachment, text)
    r = actor.post(A.port, "/inbox", act)
    harness.assert_status(r, 202, "Create with attachments")
    uri = act["object"]["id"]
    sid = harness.wait_for(lambda: A.scalar("SELECT id FROM statuses WHERE uri = '%s'" % uri),
                           WAIT, what="the note stored")
    return sid, act


def doc(url, alt="", media_type="image/jpeg", type_="Document", **extra):
    d = {"type": type_, "url": url, "name": alt}
    if media_type is not None:
        d["mediaType"] = media_type
    d.update(extra)
    return d


def file_state(url):
    """The state of url's row in remote_files, or None while there is none."""
    rows = A.psql("SELECT state FROM remote_files WHERE url = '%s'" % url)
    return rows[0][0] if rows else None


def wait_state(url, want):
    harness.wait_for(lambda: file_state(url) == want, WAIT,
                     what="%s to be %s" % (url, want))


def files_of(url):
    row = A.psql("SELECT file_name, thumb_name FROM remote_files WHERE url = '%s'" % url)
    return [f for f in row[0] if f] if row else []


def page(actor, sid, client="alice"):
    r = c[client].get("/@%s@%s/%s" % (actor.document()["preferredUsername"],
                                        actor.peer.domain, sid))
    harness.assert_status(r, 200, "the post's page")
    return r.text


def article(text, sid):
    m = re.search(r'<article class="status" id="s-%s".*?</article>' % sid, text, re.S)
    assert m, text[:3000]
    return m.group(0)


def assert_only_this_node(text):
    """No img/source/link/a/script/iframe/video address leaves this node."""
    for tag, attr, value in re.findall(
            r'<(img|source|link|script|iframe|video|audio)\b[^>]*?\b(src|href|srcset)="([^"]*)"',
            text):
        assert value.startswith("/") and not value.startswith("//"), (tag, attr, value)


@test
def test_image_shown_through_this_node():
    """an image is shown as /media/... of this node once the worker fetched it, with its alt
    text; until then the page shows the alt text and "Image not loaded yet"; the served
    file has no metadata (the fixture's GPS EXIF is gone)"""
    peer, pat = state["peer"], state["pat"]
    release = threading.Event()
    suite.add_cleanup(release.set)

    def held(_p):
        release.wait(30)
        return (200, PHOTO, "image/jpeg", {})
    peer.routes["/media/held.jpg"] = held
    url = peer.base + "/media/held.jpg"
    before = files_on_disk()
    sid, _ = post_note(pat, [doc(url, "A cat on a windowsill")])
    assert file_state(url) == "pending"
    art = article(page(pat, sid), sid)
    assert "Image not loaded yet" in art and "A cat on a windowsill" in art, art
    assert "<img" not in art, art
    release.set()
    wait_state(url, "cached")
    text = page(pat, sid)
    art = article(text, sid)
    assert_only_this_node(text)
    imgs = re.findall(r'<img src="(/media/[^"]+)" alt="([^"]*)"', art)
    assert imgs and imgs[0][1] == "A cat on a windowsill", art
    full, thumb = files_of(url)
    assert set(files_on_disk()) - before == {full, thumb}
    r = harness.request(A.port, "GET", imgs[0][0])
    harness.assert_status(r, 200, "the thumbnail through this node")
    for name in (full, thumb):
        images.assert_clean(os.path.join(media_dir(), name))
    with open(os.path.join(media_dir(), full), "rb") as f:
        assert b"GPS" not in f.read()


@test
def test_shapes_peers_send():
    """a lone sensitive attachment object with a Link url (the post is folded as sensitive),
    an Image without mediaType, and in one post:
    a video, a data: URL, a bare string and a fifth attachment — the images are fetched, the
    others only named ("Attachment not shown: ...") and never fetched"""
    peer, pat = state["peer"], state["pat"]
    link_url = serve(peer, "/media/link.jpg")
    sid, _ = post_note(pat, {"type": "Document", "mediaType": "image/jpeg", "sensitive": True,
                             "url": {"type": "Link", "href": link_url,
                                     "mediaType": "image/jpeg"}, "name": "linked"})
    wait_state(link_url, "cached")
    assert A.scalar("SELECT sensitive FROM statuses WHERE id = %s" % sid) == "t"
    art = article(page(pat, sid), sid)
    det = re.search(r'<details class="sensitive-media">(.*?)</details>', art, re.S)
    assert det and 'alt="linked"' in det.group(1), art
    bare = serve(peer, "/media/bare.jpg")
    vid = serve(peer, "/media/clip.mp4", body=b"\0" * 100, ctype="video/mp4")
    fifth = serve(peer, "/media/fifth.jpg")
    sid2, _ = post_note(pat, [
        doc(bare, "no type", media_type=None, type_="Image"),
        doc(vid, "a clip", media_type="video/mp4", type_="Video"),
        doc("data:image/png;base64,iVBORw0KGgo=", "inline", media_type="image/png"),
        "https://elsewhere.example/x.jpg",
        doc(fifth, "one too many")])
    wait_state(bare, "cached")
    art = article(page(pat, sid2), sid2)
    assert "Attachment not shown: video/mp4" in art and "a clip" in art, art
    assert "Attachment not shown: image/png" in art and "inline" in art, art
    assert "Attachment not shown: link" in art, art
    assert "one too many" not in art
    assert gets(peer, "/media/clip.mp4") == 0 and gets(peer, "/media/fifth.jpg") == 0
    assert A.scalar("SELECT count(*) FROM remote_files WHERE url LIKE 'data:%'") == "0"
    assert A.scalar("SELECT count(*) FROM remote_attachments WHERE status_id = %s" % sid2) == "4"
    assert_only_this_node(page(pat, sid2))


@test
def test_hostile_answers_leave_nothing():
    """text/html named .jpg, HTML sent as image/jpeg, a redirect to a private address, a
    30,000 x 30,000 bomb, a cut-short JPEG and a body over media_max_bytes: each is marked
    failed, no file is written, and the page says the image could not be loaded"""
    peer, pat = state["peer"], state["pat"]
    html = b"<html><body>not a picture</body></html>"
    cases = {
        "html.jpg": dict(body=html, ctype="text/html"),
        "lying.jpg": dict(body=html, ctype="image/jpeg"),
        "redirect.jpg": dict(status=302, body=b"", ctype="text/plain",
                             headers={"Location": "http://10.0.0.7/x.jpg"}),
        "bomb.png": dict(body=images.png_bomb(30000, 30000), ctype="image/png"),
        "cut.jpg": dict(body=PHOTO[:len(PHOTO) * 2 // 3]),
        "huge.png": dict(body=images.png_bomb(100, 100) + b"\0" * MAX_BYTES, ctype="image/png"),
    }
    before = files_on_disk()
    urls = {}
    for name, kw in cases.items():
        urls[name] = serve(peer, "/media/" + name, **kw)
        sid, _ = post_note(pat, [doc(urls[name], "alt of " + name)], text="hostile " + name)
        urls[name] = (urls[name], sid)
    for name, (url, sid) in urls.items():
        wait_state(url, "failed")
        assert gets(peer, "/media/" + name) == 1, name
        art = article(page(pat, sid), sid)
        assert "This image could not be loaded" in art and "alt of " + name in art, art
        assert "<img" not in art
    assert files_on_disk() == before, files_on_disk() - before
    errors = dict(A.psql("SELECT url, error FROM remote_files WHERE state = 'failed'"))
    assert "Content-Type" in errors[urls["html.jpg"][0]], errors
    assert "larger than" in errors[urls["huge.png"][0]], errors


@test
def test_slow_server_is_retried():
    """a server that doesn't answer within fetch_timeout: the fetch fails as a network error
    and is retried (the image stays "not loaded yet", no file); when it answers, the image is
    stored"""
    peer, pat = state["peer"], state["pat"]
    release = threading.Event()
    suite.add_cleanup(release.set)

    def slow(_p):
        release.wait(60)  # past fetch_timeout until the test lets it go
        return (200, PHOTO, "image/jpeg", {})
    peer.routes["/media/slow.jpg"] = slow
    url = peer.base + "/media/slow.jpg"
    before = files_on_disk()
    sid, _ = post_note(pat, [doc(url, "slow one")])
    harness.wait_for(lambda: A.scalar(
        "SELECT count(*) FROM jobs WHERE kind = 'media_fetch' AND payload ->> 'url' = '%s'"
        " AND last_error ILIKE '%%timeout%%'" % url) == "1", WAIT,
        what="the fetch to time out")
    assert file_state(url) == "pending"
    assert files_on_disk() == before
    assert "Image not loaded yet" in article(page(pat, sid), sid)
    release.set()
    wait_state(url, "cached")
    assert gets(peer, "/media/slow.jpg") >= 2


@test
def test_same_url_fetched_once():
    """two posts showing one URL: one fetch, one pair of files, both pages show it"""
    peer, pat = state["peer"], state["pat"]
    url = serve(peer, "/media/shared.jpg")
    s1, _ = post_note(pat, [doc(url, "first")], text="first")
    wait_state(url, "cached")
    s2, _ = post_note(pat, [doc(url, "second")], text="second")
    files = files_of(url)
    for sid in (s1, s2):
        art = article(page(pat, sid), sid)
        assert "/media/%s" % files[1] in art, art
    assert gets(peer, "/media/shared.jpg") == 1
    assert A.scalar("SELECT count(*) FROM jobs WHERE kind = 'media_fetch'"
                    " AND payload ->> 'url' = '%s'" % url) == "0"
    state["shared"] = (url, s1, s2)


@test
def test_delete_removes_files():
    """a peer's Delete of a post removes its image's files once no other post shows them"""
    pat = state["pat"]
    url, s1, s2 = state["shared"]
    files = files_of(url)
    for sid, last in ((s1, False), (s2, True)):
        uri = A.scalar("SELECT uri FROM statuses WHERE id = %s" % sid)
        r = pat.post(A.port, "/inbox", {
            "@context": "https://www.w3.org/ns/activitystreams", "type": "Delete",
            "id": uri + "#delete", "actor": pat.uri,
            "object": {"type": "Tombstone", "id": uri}})
        harness.assert_status(r, 202, "Delete")
        harness.wait_for(lambda: A.scalar("SELECT count(*) FROM statuses WHERE id = %s" % sid)
                         == "0", WAIT, what="the post deleted")
        if not last:
            assert file_state(url) == "cached" and set(files) <= files_on_disk()
    harness.wait_for(lambda: not (set(files) & files_on_disk()), WAIT, what="the files gone")
    assert A.scalar("SELECT count(*) FROM remote_files WHERE url = '%s'" % url) == "0"
    assert A.scalar("SELECT count(*) FROM media_trash") == "0"


@test
def test_account_delete_removes_files():
    """a peer's Delete of an actor (its account purged here) removes its images' files"""
    peer = state["peer"]
    gone = peer.add_actor("gone")
    url = serve(peer, "/media/gone.jpg")
    post_note(gone, [doc(url, "soon gone")])
    wait_state(url, "cached")
    files = files_of(url)
    r = gone.post(A.port, "/inbox", {
        "@context": "https://www.w3.org/ns/activitystreams", "type": "Delete",
        "id": gone.uri + "#delete", "actor": gone.uri, "object": gone.uri})
    harness.assert_status(r, 202, "Delete of the actor")
    harness.wait_for(lambda: A.scalar("SELECT count(*) FROM remote_files WHERE url = '%s'"
                                      % url) == "0", WAIT, what="the image forgotten")
    harness.wait_for(lambda: not (set(files) & files_on_disk()), WAIT, what="the files gone")


@test
def test_remote_avatar_and_header():
    """a remote actor's icon and image are fetched by the worker and its profile page shows
    them from this node; a new icon (the actor's Update) replaces the old one, whose files
    go"""
    peer = state["peer"]
    ivy = peer.add_actor("ivy")
    icon = serve(peer, "/media/ivy-icon.jpg")
    header = serve(peer, "/media/ivy-header.jpg")
    pics = {"icon": {"type": "Image", "mediaType": "image/jpeg", "url": icon},
            "image": {"type": "Image", "mediaType": "image/jpeg", "url": header}}
    plain = ivy.document
    ivy.document = lambda: dict(plain(), **pics)
    post_note(ivy, None, text="hello from ivy")
    wait_state(icon, "cached")
    wait_state(header, "cached")
    old = files_of(icon)
    r = c["alice"].get("/@ivy@%s" % peer.domain)
    harness.assert_status(r, 200, "ivy's profile")
    assert_only_this_node(r.text)
    assert '<img class="avatar" src="/media/%s"' % old[1] in r.text, r.text[:4000]
    assert "/media/%s" % files_of(header)[1] in r.text
    new_icon = serve(peer, "/media/ivy-icon2.jpg")
    pics["icon"] = {"type": "Image", "mediaType": "image/jpeg", "url": new_icon}
    r = ivy.post(A.port, "/inbox", {
        "@context": "https://www.w3.org/ns/activitystreams", "type": "Update",
        "id": ivy.uri + "#update-1", "actor": ivy.uri, "object": ivy.document()})
    harness.assert_status(r, 202, "Update of the actor")
    wait_state(new_icon, "cached")
    harness.wait_for(lambda: not (set(old) & files_on_disk()), WAIT, what="the old icon gone")
    assert A.scalar("SELECT count(*) FROM remote_files WHERE url = '%s'" % icon) == "0"


def rules():
    return [row[0] for row in A.psql("SELECT id FROM rules ORDER BY position")]


@test
def test_reject_media():
    """reject-media on a server: its cached files are removed at once, its posts show "Media
    from this server is not shown" with the alt text, a new post's image is never fetched;
    lifting the policy fetches them when they are next shown"""
    other, oli = state["other"], state["oli"]
    old = serve(other, "/media/old.jpg")
    s1, _ = post_note(oli, [doc(old, "before the policy")])
    wait_state(old, "cached")
    files = files_of(old)
    oli_id = A.scalar("SELECT id FROM accounts WHERE uri = '%s'" % oli.uri)
    r = c["keeper"].post("/admin/accounts/%s/act" % oli_id,
                         [("kind", "reject_media"), ("reason", "Graphic images"),
                          ("rule", rules()[0])])
    harness.assert_status(r, 303, "reject media")
    assert not (set(files) & files_on_disk()), "cached files kept"
    assert file_state(old) == "evicted"
    new = serve(other, "/media/new.jpg")
    s2, _ = post_note(oli, [doc(new, "after the policy")])
    for sid, alt in ((s1, "before the policy"), (s2, "after the policy")):
        art = article(page(oli, sid), sid)
        assert "Media from this server is not shown" in art and alt in art, art
        assert "<img" not in art
    zh = harness.request(A.port, "GET", "/@oli@%s/%s" % (other.domain, s2),
                         headers={"Accept-Language": "zh-CN"})
    harness.assert_status(zh, 200, "the post in Chinese")
    assert "不显示来自该服务器的媒体" in article(zh.text, s2), zh.text[:3000]
    harness.wait_for(lambda: A.scalar("SELECT count(*) FROM jobs WHERE kind = 'inbox'") == "0",
                     WAIT, what="the inbox drained")
    assert A.scalar("SELECT count(*) FROM jobs WHERE kind = 'media_fetch'"
                    " AND payload ->> 'url' = '%s'" % new) == "0"
    assert gets(other, "/media/new.jpg") == 0 and gets(other, "/media/old.jpg") == 1
    r = c["keeper"].post("/admin/accounts/%s/act" % oli_id,
                         [("kind", "accept_media"), ("reason", "Lifted"), ("rule", rules()[0])])
    harness.assert_status(r, 303, "accept media")
    assert "Image not loaded yet" in article(page(oli, s2), s2)
    wait_state(new, "cached")
    assert gets(other, "/media/new.jpg") == 1


@test
def test_cache_cap_evicts_oldest():
    """with the cap at one image, a second image evicts the first (its files go); showing
    the first again says "not loaded yet" and fetches it again, evicting the second"""
    peer, pat = state["peer"], state["pat"]
    one = int(A.scalar("SELECT max(bytes) FROM remote_files WHERE state = 'cached'"))
    A.server.stop()
    A.settings["remote_media_cache_kb"] = str(math.ceil(one / 1024))
    A.write_config(A.conf, A.settings)
    A.start_server()
    first = serve(peer, "/media/cap1.jpg")
    s1, _ = post_note(pat, [doc(first, "cap one")])
    wait_state(first, "cached")
    first_files = files_of(first)
    second = serve(peer, "/media/cap2.jpg")
    post_note(pat, [doc(second, "cap two")])
    wait_state(second, "cached")
    wait_state(first, "evicted")
    harness.wait_for(lambda: not (set(first_files) & files_on_disk()), WAIT,
                     what="the evicted files gone")
    assert A.scalar("SELECT count(*) FROM remote_files WHERE state = 'cached'") == "1"
    assert "Image not loaded yet" in article(page(pat, s1), s1)
    wait_state(first, "cached")
    wait_state(second, "evicted")
    assert gets(peer, "/media/cap1.jpg") == 2
    art = article(page(pat, s1), s1)
    assert "/media/%s" % files_of(first)[1] in art


@test
def test_image_over_the_cap_is_kept_while_newest():
    """with a cap smaller than one image, the image shown last stays (else every showing
    would fetch it again) and the one before is evicted"""
    peer, pat = state["peer"], state["pat"]
    A.server.stop()
    A.settings["remote_media_cache_kb"] = "1"
    A.write_config(A.conf, A.settings)
    A.start_server()
    first = serve(peer, "/media/tiny1.jpg")
    post_note(pat, [doc(first, "tiny one")])
    wait_state(first, "cached")
    second = serve(peer, "/media/tiny2.jpg")
    s2, _ = post_note(pat, [doc(second, "tiny two")])
    wait_state(first, "evicted")
    assert file_state(second) == "cached"
    art = article(page(pat, s2), s2)
    assert "/media/%s" % files_of(second)[1] in art, art
    assert gets(peer, "/media/tiny2.jpg") == 1


@test
def test_expiry_and_defederation():
    """an image not shown for remote_media_days is evicted by the sweep (its last showing is
    set back by hand rather than waited for); taking a server off the allowlist removes its
    cached files and its posts show "Media from this server is not shown" instead
    of the image"""
    other, oli = state["other"], state["oli"]
    url = serve(other, "/media/expiring.jpg")
    sid, _ = post_note(oli, [doc(url, "expiring")])
    wait_state(url, "cached")
    files = files_of(url)
    A.psql("UPDATE remote_files SET last_shown_at = now() - interval '31 days'"
           " WHERE url = '%s'" % url)
    wait_state(url, "evicted")
    harness.wait_for(lambda: not (set(files) & files_on_disk()), WAIT, what="expired files gone")
    assert "Image not loaded yet" in article(page(oli, sid), sid)
    wait_state(url, "cached")
    files = files_of(url)
    harness.create_account(A, "boss", role="admin")
    boss = harness.member(A, "boss", create=False)
    r = boss.post("/admin/peers/%s/remove" % urllib.parse.quote(other.domain, safe=""),
                  {"confirm": "1"})
    harness.assert_status(r, 303, "remove the peer")
    harness.wait_for(lambda: not (set(files) & files_on_disk()), WAIT,
                     what="a defederated server's files gone")
    assert file_state(url) == "evicted"
    art = article(page(oli, sid), sid)
    assert "Media from this server is not shown" in art and "<img" not in art, art


harness.add_server_end_tests(suite, lambda: A.server)

if __name__ == "__main__":
    suite.run(setup)
