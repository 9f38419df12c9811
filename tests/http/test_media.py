"""Images (issue 12): posts with up to four images through the web form, every stored file
re-encoded with no metadata at all (checked with exiftool and by searching the bytes), the
original bytes never on disk, broken and hostile uploads refused with a precise 4xx and
nothing written, the files served with the right headers, and deleted with their post.

The fixtures are tests/fixtures/images (tests/fixtures/images/README says how each was made);
the bomb, the truncated file and the impostors are made here."""

import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from imagetools import SECRETS, assert_clean, exif, fixture, png_bomb  # noqa: E402

harness.skip_without_postgres()

MAX_BYTES = 300000

suite = harness.Suite("media")
test = suite.test
inst = harness.Instance(suite, "media", media_max_bytes=MAX_BYTES, media_max_pixels=4000000,
                        sweep_interval=1)
c = {}

def media_dir():
    return os.path.join(inst.data_dir, "media")


def files_on_disk():
    d = media_dir()
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def setup():
    inst.setup()
    inst.start_server()
    c["alice"] = harness.member(inst, "alice")
    c["bob"] = harness.member(inst, "bob")


def upload(who, files, text="a post with images", alts=(), **fields):
    """Posts text with files, each (file name, content type, bytes), as who."""
    f = {"text": text}
    f.update(fields)
    for i, alt in enumerate(alts):
        f["alt%d" % (i + 1)] = alt
    parts = [("image%d" % (i + 1), name, ctype, data) for i, (name, ctype, data) in
             enumerate(files)]
    return c[who].post_multipart("/statuses", f, parts)


def media_rows(sid):
    return inst.psql("SELECT file_name, thumb_name, media_type, width, height, description,"
                     " blurhash FROM media WHERE status_id = %s ORDER BY position" % sid)


def post_with(who, name, ctype, data, alt="a description"):
    before = inst.scalar("SELECT count(*) FROM statuses")
    r = upload(who, [(name, ctype, data)], alts=[alt])
    assert r.status == 303, "upload of %s: %r" % (name, r)
    assert inst.scalar("SELECT count(*) FROM statuses") == str(int(before) + 1)
    return harness.last_status_id(inst, who)


@test
def test_jpeg_stripped_and_upright():
    """A JPEG with GPS, serials, XMP, IPTC, ICC, a thumbnail and a comment: the stored image
    and its thumbnail have none of it, it is upright and sRGB"""
    sid = post_with("alice", "photo.jpg", "image/jpeg", fixture("photo.jpg"))
    rows = media_rows(sid)
    assert len(rows) == 1, rows
    full, thumb, mtype, width, height, alt, blurhash = rows[0]
    assert mtype == "image/jpeg" and alt == "a description", rows
    # 96 x 64 with Orientation 6 (rotate 90° clockwise): stored 64 wide, 96 high
    assert (width, height) == ("64", "96"), rows
    assert re.fullmatch(r"[0-9A-Za-z#$%*+,\-.:;=?@\[\]^_{|}~]{6,}", blurhash), blurhash
    for name in (full, thumb):
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}\.jpg", name), name
        tags = assert_clean(os.path.join(media_dir(), name))
        assert tags.get("File:FileType") == "JPEG", tags
    tags = exif(os.path.join(media_dir(), full))
    assert (tags["File:ImageWidth"], tags["File:ImageHeight"]) == (64, 96), tags


@test
def test_every_format():
    """PNG with text chunks and alpha, WebP with EXIF, GIF with a comment, HEIC with EXIF:
    each stored clean (PNG for alpha, JPEG otherwise)"""
    for name, ctype, expect in (("alpha.png", "image/png", "image/png"),
                                ("photo.webp", "image/webp", "image/jpeg"),
                                ("photo.gif", "image/gif", "image/jpeg"),
                                ("photo.heic", "image/heic", "image/jpeg")):
        sid = post_with("alice", name, ctype, fixture(name))
        rows = media_rows(sid)
        assert len(rows) == 1 and rows[0][2] == expect, (name, rows)
        for f in rows[0][:2]:
            assert f.endswith(".png" if expect == "image/png" else ".jpg"), (name, f)
            assert_clean(os.path.join(media_dir(), f))


@test
def test_originals_never_on_disk():
    """SAFETY: no metadata in stored images — and no uploaded file is anywhere under the data
    directory, nor any 64-byte window of the JPEG upload (its pixels are re-encoded and
    turned, so no stretch of it can survive; a lossless PNG re-encoded by the same library
    may legitimately share its pixel data's bytes, so for the others the whole file and
    their metadata's words are searched)"""
    originals = [fixture(n) for n in ("photo.jpg", "alpha.png", "photo.webp", "photo.gif",
                                      "photo.heic")]
    jpeg = originals[0]
    for root, _, names in os.walk(inst.data_dir):
        for n in names:
            with open(os.path.join(root, n), "rb") as f:
                data = f.read()
            for o in originals:
                assert o not in data, "%s holds an upload" % n
            for off in range(0, len(jpeg) - 64, 64):
                assert jpeg[off:off + 64] not in data, "%s holds bytes of the JPEG upload" % n
            for s in SECRETS:
                assert s not in data, "%s holds %r" % (n, s)
    for n in files_on_disk():
        assert_clean(os.path.join(media_dir(), n))


@test
def test_served_with_headers():
    """GET /media/NAME: the right Content-Type, nosniff, a CSP of its own that runs nothing,
    a private cache; made-up names and paths are 404"""
    sid = post_with("alice", "photo.jpg", "image/jpeg", fixture("photo.jpg"))
    full, thumb = media_rows(sid)[0][:2]
    r = harness.request(inst.port, "GET", "/media/" + full)
    assert r.status == 200, r
    assert r.header("Content-Type") == "image/jpeg", r.headers
    assert r.header("X-Content-Type-Options") == "nosniff", r.headers
    csps = r.headers.get_all("Content-Security-Policy")
    assert any("sandbox" in v and "default-src 'none'" in v for v in csps), csps
    assert "private" in r.header("Cache-Control") and "max-age" in r.header("Cache-Control")
    with open(os.path.join(media_dir(), full), "rb") as f:
        assert r.body == f.read()
    for bad in ("/media/" + full.replace(".jpg", ".png"), "/media/..%2Fparasol.conf",
                "/media/" + "A" * 43 + ".jpg", "/media/x.jpg", "/media/" + full + "x"):
        r = harness.request(inst.port, "GET", bad)
        assert r.status == 404, (bad, r)


@test
def test_post_page_shows_images():
    """The post shows its lazy-loaded thumbnail linking to the full image, with its alt text;
    an image without a description still has an alt, and the member gets a gentle reminder"""
    r = upload("alice", [("a.jpg", "image/jpeg", fixture("photo.jpg")),
                         ("b.png", "image/png", fixture("alpha.png"))],
               alts=["my cat on the sofa", ""])
    assert r.status == 303, r
    page = c["alice"].get(harness.location_path(r))
    assert "has no description" in page.text, page.text[:2000]
    sid = harness.last_status_id(inst, "alice")
    rows = media_rows(sid)
    assert len(rows) == 2 and rows[1][5] == "", rows
    page = c["bob"].get("/@alice/%s" % sid)
    assert page.status == 200
    imgs = re.findall(r'<a href="/media/([^"]+)"><img src="/media/([^"]+)" alt="([^"]*)"'
                      r' width="\d+" height="\d+" loading="lazy"', page.text)
    assert [(i[0], i[1]) for i in imgs] == [(row[0], row[1]) for row in rows], imgs
    assert imgs[0][2] == "my cat on the sofa"
    assert imgs[1][2] != "", imgs
    # every <img> on the page has an alt
    for tag in re.findall(r"<img\b[^>]*>", page.text):
        assert re.search(r'\balt="[^"]+"', tag), tag


@test
def test_sensitive_media_collapsed():
    """Images of a post with a content warning are inside its <details>, whose summary says
    so; a post marked only sensitive folds its images into a <details> of their own"""
    upload("alice", [("a.jpg", "image/jpeg", fixture("photo.jpg"))], alts=["x"],
           spoiler_text="work stuff")
    sid = harness.last_status_id(inst, "alice")
    page = c["bob"].get("/@alice/%s" % sid).text
    art = re.search(r'<article class="status" id="s-%s".*?</article>' % sid, page, re.S).group(0)
    # the summary says images are inside (walk12: a reader on a bus knows before opening)
    det = re.search(r'<details><summary>work stuff <span class="cw-media">\(images inside\)'
                    r"</span></summary>(.*?)</details>", art, re.S)
    assert det and "<img" in det.group(1), art
    assert "<img" not in art.replace(det.group(0), "")
    upload("alice", [("a.jpg", "image/jpeg", fixture("photo.jpg"))], alts=["x"], sensitive="1")
    sid = harness.last_status_id(inst, "alice")
    page = c["bob"].get("/@alice/%s" % sid).text
    art = re.search(r'<article class="status" id="s-%s".*?</article>' % sid, page, re.S).group(0)
    det = re.search(r'<details class="sensitive-media">(.*?)</details>', art, re.S)
    assert det and "<img" in det.group(1), art


def jpeg_bomb():
    """photo.jpg with its frame header saying 30000 x 30000."""
    data = bytearray(fixture("photo.jpg"))
    i = 2
    while True:
        assert data[i] == 0xFF
        m = data[i + 1]
        seglen = struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= m <= 0xC3:
            data[i + 5:i + 9] = struct.pack(">HH", 30000, 30000)
            return bytes(data)
        i += 2 + seglen


def assert_refused(files, status, message, alts=()):
    before_files = files_on_disk()
    before = inst.scalar("SELECT count(*) FROM statuses") + "/" + inst.scalar(
        "SELECT count(*) FROM media")
    r = upload("bob", files, text="should not appear", alts=alts)
    assert r.status == status, "%s: %r" % ([f[0] for f in files], r)
    assert message in r.text, "%s: %s" % (message, r.text[:3000])
    # the form comes back with what was typed
    assert "should not appear" in r.text
    after = inst.scalar("SELECT count(*) FROM statuses") + "/" + inst.scalar(
        "SELECT count(*) FROM media")
    assert after == before, (before, after)
    assert files_on_disk() == before_files, "files left: %s" % (
        set(files_on_disk()) - set(before_files))


@test
def test_broken_and_hostile_uploads():
    """A truncated JPEG, a "PNG" that is text, a 30,000 x 30,000 bomb (PNG and JPEG), an
    oversize file, a fifth image and an empty file: each a precise 4xx, no post, no row, no
    file — even when the good image before it was stored already"""
    good = ("ok.jpg", "image/jpeg", fixture("photo.jpg"))
    jpeg = fixture("photo.jpg")
    assert_refused([("cut.jpg", "image/jpeg", jpeg[:len(jpeg) * 2 // 3])], 422,
                   "damaged or cut short")
    assert_refused([good, ("cut.jpg", "image/jpeg", jpeg[:len(jpeg) * 2 // 3])], 422,
                   "damaged or cut short")
    assert_refused([("fake.png", "image/png", b"this is not a PNG at all\n" * 20)], 422,
                   "not an image parasol can read")
    assert_refused([good, ("bomb.png", "image/png", png_bomb(30000, 30000))], 422,
                   "too many pixels")
    assert_refused([("bomb.jpg", "image/jpeg", jpeg_bomb())], 422, "too many pixels")
    assert_refused([("big.png", "image/png", png_bomb(100, 100) + b"\0" * MAX_BYTES)], 413,
                   "too large a file")
    assert_refused([good] * 5, 422, "at most four images")
    assert_refused([("empty.jpg", "image/jpeg", b"")], 422, "not an image parasol can read")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert_refused([("x.svg", "image/svg+xml", svg)], 422, "not an image parasol can read")
    assert not [n for n in files_on_disk() if n.startswith(".tmp")]


@test
def test_lying_name_and_type():
    """A JPEG sent as "image.png" with type image/png is read as what it is, and stored as
    a JPEG"""
    sid = post_with("alice", "image.png", "image/png", fixture("photo.jpg"))
    rows = media_rows(sid)
    assert rows[0][2] == "image/jpeg" and rows[0][0].endswith(".jpg"), rows


@test
def test_delete_removes_files():
    """Deleting a post removes its images' files from media_dir, and their rows"""
    sid = post_with("alice", "photo.jpg", "image/jpeg", fixture("photo.jpg"))
    names = media_rows(sid)[0][:2]
    for n in names:
        assert os.path.exists(os.path.join(media_dir(), n))
    r = c["alice"].post("/statuses/%s/delete" % sid, {})
    assert r.status == 303, r
    for n in names:
        assert not os.path.exists(os.path.join(media_dir(), n)), n
    assert inst.scalar("SELECT count(*) FROM media WHERE status_id = %s" % sid) == "0"
    assert inst.scalar("SELECT count(*) FROM media_trash") == "0"
    r = harness.request(inst.port, "GET", "/media/" + names[0])
    assert r.status == 404, r


@test
def test_image_only_post():
    """A post may be images alone, without text, and may be edited back to no text"""
    r = upload("alice", [("a.jpg", "image/jpeg", fixture("photo.jpg"))], text="", alts=["x"])
    assert r.status == 303, r
    sid = harness.last_status_id(inst, "alice")
    assert len(media_rows(sid)) == 1
    # and edited to have no text again, it keeps its image
    r = c["alice"].post("/statuses/%s/edit" % sid, {"text": "some words"})
    assert r.status == 303, r
    r = c["alice"].post("/statuses/%s/edit" % sid, {"text": ""})
    assert r.status == 303, r
    assert len(media_rows(sid)) == 1
    # a post without images still needs words
    r = c["alice"].post("/statuses", {"text": "  "})
    assert r.status == 422, r


def gif_of_frames(n):
    """A GIF of n frames, each 1 x 1 pixel (a two-colour table, one LZW-coded pixel)."""
    head = b"GIF89a" + struct.pack("<HH", 1, 1) + b"\x80\x00\x00" + b"\x00\x00\x00\xff\xff\xff"
    frame = b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) + b"\x00" + b"\x02\x02\x44\x01\x00"
    return head + frame * n + b"\x3b"


@test
def test_gif_of_ten_thousand_frames():
    """a GIF of 10,000 frames: converted in bounded time like any GIF (libvips decodes its
    first frame only; the decoder's CPU limit bounds the rest), its first frame stored"""
    data = gif_of_frames(10000)
    assert len(data) < MAX_BYTES
    sid = post_with("alice", "many.gif", "image/gif", data)
    rows = media_rows(sid)
    assert len(rows) == 1 and rows[0][2] == "image/jpeg", rows
    assert list(rows[0][3:5]) == ["1", "1"], rows
    for name in rows[0][:2]:
        assert_clean(os.path.join(media_dir(), name))


@test
def test_polyglot_keeps_only_the_image():
    """a valid JPEG with a ZIP archive and an HTML page appended (a polyglot that unzips or
    renders elsewhere): the stored image and thumbnail are the re-encoded pixels only, with
    none of the appended bytes"""
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("secret-polyglot.txt", "hidden payload")
    html_part = b"<html><body><script>alert('polyglot')</script></body></html>"
    data = fixture("photo.jpg") + buf.getvalue() + html_part
    sid = post_with("alice", "poly.jpg", "image/jpeg", data)
    rows = media_rows(sid)
    assert len(rows) == 1 and rows[0][2] == "image/jpeg", rows
    for name in rows[0][:2]:
        with open(os.path.join(media_dir(), name), "rb") as f:
            stored = f.read()
        for needle in (b"PK\x03\x04", b"PK\x05\x06", b"secret-polyglot", b"<script", b"<html"):
            assert needle not in stored, (name, needle)
        assert stored.startswith(b"\xff\xd8") and stored.endswith(b"\xff\xd9"), name
        assert_clean(os.path.join(media_dir(), name))


def settings_images(who, files=(), **fields):
    parts = [(name, name + ".img", ctype, data) for name, ctype, data in files]
    return c[who].post_multipart("/settings/images", fields, parts)


@test
def test_avatar_and_header():
    """A profile picture and a header: stored clean, shown on the profile and in settings,
    in the actor as icon and image; a new one replaces the old one's files; removing one
    removes its files; a broken one is refused with nothing written"""
    r = settings_images("bob", [("avatar", "image/jpeg", fixture("photo.jpg")),
                                ("header", "image/webp", fixture("photo.webp"))])
    assert r.status == 303, r
    av = inst.psql("SELECT file_name, thumb_name FROM media m JOIN accounts a ON a.id ="
                   " m.account_id WHERE a.username = 'bob' AND purpose = 'avatar'")
    hd = inst.psql("SELECT file_name, thumb_name FROM media m JOIN accounts a ON a.id ="
                   " m.account_id WHERE a.username = 'bob' AND purpose = 'header'")
    assert len(av) == 1 and len(hd) == 1, (av, hd)
    for n in av[0] + hd[0]:
        assert_clean(os.path.join(media_dir(), n))
    page = harness.request(inst.port, "GET", "/@bob").text
    assert '<img class="avatar" src="/media/%s"' % av[0][1] in page, page[:3000]
    assert '<img class="profile-header" src="/media/%s"' % hd[0][1] in page
    assert "/media/%s" % av[0][1] in c["bob"].get("/settings").text
    actor = harness.request(inst.port, "GET", "/users/bob",
                            headers={"Accept": "application/activity+json"})
    assert actor.status == 200, actor
    doc = json.loads(actor.body)
    base = "http://127.0.0.1:%d" % inst.port
    assert doc["icon"] == {"type": "Image", "mediaType": "image/jpeg",
                           "url": "%s/media/%s" % (base, av[0][0])}, doc.get("icon")
    assert doc["image"]["url"] == "%s/media/%s" % (base, hd[0][0]), doc.get("image")
    # a new picture replaces the old one, whose files go
    r = settings_images("bob", [("avatar", "image/png", fixture("alpha.png"))])
    assert r.status == 303, r
    for n in av[0]:
        assert not os.path.exists(os.path.join(media_dir(), n)), n
    assert inst.scalar("SELECT count(*) FROM media m JOIN accounts a ON a.id = m.account_id"
                       " WHERE a.username = 'bob' AND purpose = 'avatar'") == "1"
    # a broken one: 422 on the settings page, the current picture kept, nothing written
    before = files_on_disk()
    r = settings_images("bob", [("avatar", "image/png", b"not a picture")])
    assert r.status == 422, r
    assert "not an image parasol can read" in r.text
    assert files_on_disk() == before
    # removing the header removes its files
    r = c["bob"].post_multipart("/settings/images", {"remove_header": "1"})
    assert r.status == 303, r
    for n in hd[0]:
        assert not os.path.exists(os.path.join(media_dir(), n)), n
    doc = json.loads(harness.request(inst.port, "GET", "/users/bob",
                                     headers={"Accept": "application/activity+json"}).body)
    assert "image" not in doc and doc["icon"]["mediaType"] == "image/png", doc


@test
def test_account_gone_files_gone():
    """However an account's rows go (here deleted by hand, as a purge or an account deletion
    does), the sweep removes its images' files: nothing of it is left in media_dir"""
    carol = harness.member(inst, "carol")
    c["carol"] = carol
    sid = post_with("carol", "photo.jpg", "image/jpeg", fixture("photo.jpg"))
    r = settings_images("carol", [("avatar", "image/gif", fixture("photo.gif"))])
    assert r.status == 303, r
    names = [n for row in inst.psql(
        "SELECT file_name, thumb_name FROM media m JOIN accounts a ON a.id = m.account_id"
        " WHERE a.username = 'carol'") for n in row]
    assert len(names) == 4 and sid
    inst.psql("DELETE FROM accounts WHERE username = 'carol'")
    harness.wait_for(lambda: not any(os.path.exists(os.path.join(media_dir(), n))
                                     for n in names),
                     timeout=60, what="the sweep to remove carol's files")
    assert inst.scalar("SELECT count(*) FROM media_trash") == "0"


@test
def test_server_never_loads_libvips():
    """Images are decoded by parasol-image, a process per image: the server itself never maps
    libvips (nor the libraries behind it), even after decoding images"""
    post_with("alice", "photo.jpg", "image/jpeg", fixture("photo.jpg"))
    with open("/proc/%d/maps" % inst.server.proc.pid) as f:
        maps = f.read()
    assert "libparasol" not in maps and "/parasol" in maps, "not the server's map"
    for lib in ("libvips", "libheif", "libMagick", "libpoppler", "librsvg"):
        assert lib not in maps, "the server has %s mapped" % lib


# What a decoder can see of the server: its descriptors (read by name, opening nothing) and
# its environment, written to a file.
VIEW_SCRIPT = """#!/usr/bin/python3 -I
import json, os, sys
fds = {}
for fd in range(1024):
    try:
        fds[str(fd)] = os.readlink("/proc/self/fd/%%d" %% fd)
    except OSError:
        pass
with open(%r, "w") as f:
    json.dump({"fds": fds, "env": dict(os.environ)}, f)
sys.exit(1)
"""


def run_with_program(tag, script):
    """Restarts the server with image_program set to a shell script (None: the real one)."""
    inst.server.stop()
    if script is None:
        inst.settings.pop("image_program", None)
    else:
        path = os.path.join(inst.tmp, tag + ".sh")
        with open(path, "w") as f:
            f.write(script if script.startswith("#!") else "#!/bin/sh\n" + script)
        os.chmod(path, 0o755)
        inst.settings["image_program"] = path
    inst.write_config(inst.conf, inst.settings)
    inst.start_server(tag)
    c["alice"]._csrf_session = None


def refused_with_nothing_kept(what):
    before = (inst.scalar("SELECT count(*) FROM statuses"), inst.scalar("SELECT count(*) FROM media"),
              files_on_disk())
    r = upload("alice", [("a.jpg", "image/jpeg", fixture("photo.jpg"))], alts=["x"])
    assert r.status == 500, "%s: %r" % (what, r)
    after = (inst.scalar("SELECT count(*) FROM statuses"), inst.scalar("SELECT count(*) FROM media"),
             files_on_disk())
    assert before == after, "%s: %r -> %r" % (what, before, after)


@test
def test_decoder_holds_nothing_of_the_server():
    """The decoding process gets its socket and nothing else of the server's: no database
    connection, listening socket or log file among its descriptors, and an empty environment
    (no database URL, no secret); when it fails, the upload is refused and nothing is kept"""
    seen = os.path.join(inst.tmp, "decoder-view")
    run_with_program("media-view", VIEW_SCRIPT % seen)
    refused_with_nothing_kept("a program that exits 1")
    with open(seen) as f:
        view = json.load(f)
    links, env = view["fds"], view["env"]
    sockets = sorted(k for k, v in links.items() if v.startswith("socket:"))
    assert sockets == ["0", "1"], "the decoder holds other sockets: %r" % links
    assert links.get("2") == "/dev/null", links
    assert sorted(links) == ["0", "1", "2"], links
    assert not [v for v in links.values() if inst.data_dir in v or ".log" in v], links
    env.pop("LC_CTYPE", None)  # set by Python itself in the C locale (PEP 538)
    assert set(env) <= {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}, (
        "the decoder's environment: %r" % sorted(env))
    assert "exited with 1" in inst.server.log(), "the log doesn't say what happened"


@test
def test_decoder_crash_or_garbage_contained():
    """A decoder that crashes (as a crafted file could make libvips do) or answers garbage:
    the upload gets a 500, nothing is kept, the server goes on; the log names the signal"""
    run_with_program("media-crash", "kill -SEGV $$\n")
    refused_with_nothing_kept("a decoder killed by SIGSEGV")
    assert "died of signal 11" in inst.server.log(), "the log doesn't name the crash"
    run_with_program("media-garbage", "head -c 100000 /dev/zero\n")
    refused_with_nothing_kept("a decoder answering zeros")
    run_with_program("media-real", None)
    post_with("alice", "photo.jpg", "image/jpeg", fixture("photo.jpg"))


@test
def test_decoder_breaking_its_filter_is_killed():
    """The decoder's seccomp filter (media/sandbox.h): a decoder that, once confined as
    parasol-image confines itself, opens a socket, opens /etc/passwd or execs a program is
    killed by SIGSYS, and the server answers as for a crash: a 500, nothing kept, the signal
    in the log (tests/unit/test_sandbox --probe plays that decoder)"""
    probe = os.path.join(os.environ["PARASOL_BUILDDIR"], "tests", "unit", "test_sandbox")
    assert os.access(probe, os.X_OK), probe
    for call in ("socket", "open", "execve"):
        run_with_program("media-probe-" + call, "exec %s --probe %s\n" % (probe, call))
        refused_with_nothing_kept("a decoder that tries %s under the filter" % call)
        assert "died of signal %d" % signal.SIGSYS in inst.server.log(), \
            "%s: the log doesn't name SIGSYS" % call
    run_with_program("media-real", None)
    post_with("alice", "photo.jpg", "image/jpeg", fixture("photo.jpg"))


# A decoder that hangs until the test lets it go (a crafted file could make libvips spin or
# wait): each start leaves a mark in GATE, and `release` there (or GATE gone) ends it (an
# answer-less exit).
HANG_SCRIPT = """touch %(gate)s/started.$$
while [ -d %(gate)s ] && [ ! -e %(gate)s/release ]; do sleep 0.05; done
exit 1
"""


def upload_client(who):
    """A fresh connection signed in as who (a member of c), CSRF token read."""
    cl = harness.WebClient(inst.port, timeout=600)
    cl.cookies = dict(c[who].cookies)
    cl.csrf()
    return cl


class Uploads:
    """Uploads sent from threads, each answer kept under its tag as it comes."""

    def __init__(self):
        import threading
        self.threading = threading
        self.results, self.done, self.threads = {}, threading.Condition(), []

    def fire(self, tag, cl, headers=None, data=None):
        def send():
            r = cl.post_multipart("/statuses", {"text": "flood " + tag, "alt1": "x"},
                                  [("image1", "a.jpg", "image/jpeg",
                                    data or fixture("photo.jpg"))], headers=headers)
            with self.done:
                self.results[tag] = r
                self.done.notify_all()
        t = self.threading.Thread(target=send, daemon=True)
        t.start()
        self.threads.append(t)

    def wait(self, n, timeout=None):
        """Waits until n answers came (timeout: at most that long); whether they did."""
        with self.done:
            return self.done.wait_for(lambda: len(self.results) >= n, timeout)

    def join(self):
        for t in self.threads:
            t.join()


def started(gate):
    return len([n for n in os.listdir(gate) if n.startswith("started.")])


def wait_started(gate, n):
    harness.wait_for(lambda: started(gate) >= n, 60, what="%d decoders started" % n)


@test
def test_upload_flood_leaves_the_site_up():
    """Many members' uploads at once while the decoders hang: two decode, one waits for a
    slot, every other one is refused at once with a 503 that says why, instead of holding a
    handler thread until none is left for anyone (before, 12 such uploads stopped every page,
    even a visitor's /about). Another member's page opens meanwhile; when the decoders give
    up the held uploads get a 500, and nothing of any of them is kept"""
    for name in ("flo1", "flo2", "flo3", "flo4", "flo5"):
        c[name] = harness.member(inst, name)
    gate = os.path.join(inst.tmp, "gate")
    os.makedirs(gate)
    run_with_program("media-busy", HANG_SCRIPT % {"gate": gate})
    before = (inst.scalar("SELECT count(*) FROM statuses"),
              inst.scalar("SELECT count(*) FROM media"), files_on_disk())
    release = os.path.join(gate, "release")
    suite.add_cleanup(lambda: os.path.isdir(gate) and open(release, "w").close())
    up = Uploads()
    up.fire("alice", upload_client("alice"))
    up.fire("bob", upload_client("bob"))
    wait_started(gate, 2)  # both slots taken by hanging decoders
    for name in ("flo1", "flo2", "flo3", "flo4", "flo5"):
        up.fire(name, upload_client(name))
    up.wait(4)  # one may wait for a slot; the other four come back at once
    refused = list(up.results.values())
    assert [r.status for r in refused] == [503] * 4, refused
    for r in refused:
        assert "Too many images are being prepared right now" in r.text, r.text[:2000]
    r = c["bob"].get("/settings")
    assert r.status == 200, "another member's page while the decoders hang: %r" % r
    assert started(gate) == 2, "a third decoder ran although both slots were taken"
    open(release, "w").close()
    up.join()
    assert sorted(r.status for r in up.results.values()) == [500] * 3 + [503] * 4, up.results
    after = (inst.scalar("SELECT count(*) FROM statuses"),
             inst.scalar("SELECT count(*) FROM media"), files_on_disk())
    assert before == after, (before, after)
    run_with_program("media-real", None)
    post_with("alice", "photo.jpg", "image/jpeg", fixture("photo.jpg"))


# Decoders that wait until the test says `pass` (then each runs the real parasol-image on
# the same socket) or `release` (an answer-less exit); each start leaves a mark in GATE.
PASS_SCRIPT = """touch %(gate)s/started.$$
while [ -d %(gate)s ] && [ ! -e %(gate)s/release ] && [ ! -e %(gate)s/pass ]; do sleep 0.05; done
[ -e %(gate)s/pass ] && exec %(real)s
exit 1
"""


@test
def test_one_members_flood_leaves_others_uploading():
    """At most one image of a member is decoded at a time: while alice's first image is
    being decoded, her four more uploads are refused at once with a 429, Retry-After and a
    message that says why (on the form's page; as JSON for a JSON caller) and start no
    decoder, and bob's upload meanwhile gets a decoder and is posted. Before, alice's flood
    took both decoders and the waiting place, and bob got a 503"""
    gate = os.path.join(inst.tmp, "gate-member")
    os.makedirs(gate)
    real = os.path.join(os.path.dirname(os.environ["PARASOL_BIN"]), "parasol-image")
    run_with_program("media-member", PASS_SCRIPT % {"gate": gate, "real": real})
    suite.add_cleanup(lambda: os.path.isdir(gate) and
                      open(os.path.join(gate, "release"), "w").close())
    before = int(inst.scalar("SELECT count(*) FROM statuses"))
    up = Uploads()
    up.fire("alice", upload_client("alice"))
    wait_started(gate, 1)
    for i in range(3):
        up.fire("alice-more%d" % i, upload_client("alice"))
    up.fire("alice-json", upload_client("alice"), headers={"Accept": "application/json"})
    assert up.wait(4, timeout=60), "alice's further uploads were not refused at once: %r" % (
        up.results,)
    for tag in ("alice-more0", "alice-more1", "alice-more2", "alice-json"):
        r = up.results[tag]
        assert r.status == 429, (tag, r)
        assert r.header("Retry-After") == "5", (tag, r.headers)
    for i in range(3):
        text = up.results["alice-more%d" % i].text
        assert "Your previous image is still being prepared" in text, text[:2000]
        assert 'name="text"' in text, "not the form again"
    assert "still being prepared" in up.results["alice-json"].json()["error"]
    assert started(gate) == 1, "alice's refused uploads started decoders"
    up.fire("bob", upload_client("bob"), data=fixture("alpha.png"))
    wait_started(gate, 2)  # bob's image has a decoder while alice's is still held
    open(os.path.join(gate, "pass"), "w").close()
    up.join()
    assert up.results["bob"].status == 303, up.results["bob"]
    assert up.results["alice"].status == 303, up.results["alice"]
    assert int(inst.scalar("SELECT count(*) FROM statuses")) == before + 2
    run_with_program("media-real", None)


@test
def test_disk_full():
    """A full disk: a clear 503 page, no post, no row and no partial file (media_dir on a
    64 KiB tmpfs filled to the brim)"""
    mnt = os.path.join(inst.tmp, "small")
    os.makedirs(mnt)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt],
                       capture_output=True, text=True)
    assert p.returncode == 0, "mount (the tests run as root): %s" % p.stderr
    suite.add_cleanup(subprocess.run, ["umount", "-l", mnt])
    inst.server.stop()
    inst.settings["media_dir"] = mnt
    inst.write_config(inst.conf, inst.settings)
    inst.start_server("media-full")
    with open(os.path.join(mnt, "filler"), "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 512)
        except OSError:
            pass
    before = inst.scalar("SELECT count(*) FROM statuses") + "/" + inst.scalar(
        "SELECT count(*) FROM media")
    c["alice"]._csrf_session = None
    r = upload("alice", [("a.jpg", "image/jpeg", fixture("photo.jpg"))], alts=["x"])
    assert r.status == 503, r
    assert "no room to store this image" in r.text, r.text[:2000]
    after = inst.scalar("SELECT count(*) FROM statuses") + "/" + inst.scalar(
        "SELECT count(*) FROM media")
    assert before == after, (before, after)
    assert sorted(os.listdir(mnt)) == ["filler"], os.listdir(mnt)


@test
def test_clean_stop():
    """The server stops cleanly after all this, and its log has no sanitizer report (a leak
    of an image, a buffer or a libvips object would be one)"""
    code, _ = inst.server.stop()
    assert code == 0, code
    harness.assert_no_sanitizer_reports(inst.server.log(), inst.server.log_path)


if __name__ == "__main__":
    suite.run(setup)
