"""A full disk (issue 12): an image upload when the media directory has no room left is
refused with a precise 503 that says so, and leaves nothing behind — no post, no media row,
no file (not even the temporary one); once room is made, the same upload goes through
without a restart.

The server runs in its own mount namespace where its media directory is a 64 KiB tmpfs,
filled up to its last page before the upload; the test looks into that namespace with
nsenter. As root that is `unshare -m`; otherwise a user namespace gives the right to mount
(`unshare -rm`: root's own would lose its access to the PostgreSQL socket, which belongs to
a user the namespace doesn't map)."""

import os
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from imagetools import fixture  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("disk_full")
test = suite.test
inst = harness.Instance(suite, "disk_full")
c = {}
FILLER = ".filler"
ROOT = os.geteuid() == 0


def media_dir():
    return os.path.join(inst.data_dir, "media")


def inside(*argv):
    """Runs argv in the server's mount namespace; returns its stdout."""
    p = subprocess.run(["nsenter", "-t", str(inst.server.pid), "-m"] +
                       ([] if ROOT else ["-U", "--preserve-credentials"]) + list(argv),
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, "nsenter %s: %s" % (" ".join(argv), p.stderr)
    return p.stdout


def files():
    return sorted(inside("ls", "-A", media_dir()).split())


def setup():
    inst.setup()
    # a tmpfs of 64 KiB on the media directory, all but its last 4 KiB page taken
    inst.wrapper = ["unshare", "-m" if ROOT else "-rm", "sh", "-c",
                    'mkdir -p "$0" && mount -t tmpfs -o size=64k tmpfs "$0" && '
                    'head -c 61440 /dev/zero > "$0/%s" && exec "$@"' % FILLER, media_dir()]
    inst.start_server()
    c["alice"] = harness.member(inst, "alice")


def upload(text):
    return c["alice"].post_multipart(
        "/statuses", {"text": text, "alt1": "a view"},
        [("image1", "photo.jpg", "image/jpeg", fixture("photo.jpg"))])


def counts():
    return inst.psql("SELECT (SELECT count(*) FROM statuses), (SELECT count(*) FROM media)")[0]


@test
def test_upload_refused_when_full():
    """no room: 503 saying so, and no post, row or file left"""
    assert files() == [FILLER], files()
    before = counts()
    r = upload("a photo on a full disk")
    assert r.status == 503, "want 503, got %r" % r
    assert "no room to store this image" in r.text, r.text[:2000]
    assert counts() == before, "a partial write: %r -> %r" % (before, counts())
    assert files() == [FILLER], "files left behind: %r" % files()
    assert "media write: No space left on device" in inst.server.log() or \
        "media fsync: No space left on device" in inst.server.log(), \
        "the log names the cause:\n%s" % inst.server.log_tail()


@test
def test_upload_works_once_room_is_made():
    """room made: the same upload goes through, without a restart"""
    inside("rm", os.path.join(media_dir(), FILLER))
    r = upload("a photo once there is room")
    assert r.status == 303, "want 303, got %r" % r
    sid = harness.last_status_id(inst, "alice")
    names = inst.psql("SELECT file_name, thumb_name FROM media WHERE status_id = %s" % sid)
    assert len(names) == 1, names
    assert sorted(names[0]) == files(), "%r on disk for %r" % (files(), names)
    assert inst.server.alive()


if __name__ == "__main__":
    suite.run(setup)
