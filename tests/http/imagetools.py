"""Image helpers shared by the image tests: the committed fixtures (tests/fixtures/images,
whose README says how each was made and what metadata it carries), a decompression bomb made
here, and the exiftool check that a stored file holds nothing but pixels."""

import json
import os
import re
import struct
import subprocess
import zlib

import harness

FIXTURES = os.path.join(harness.SRCDIR, "tests", "fixtures", "images")

# What the fixtures carry and no stored file may: GPS, camera serials and make, names in
# EXIF, XMP and IPTC, comments and text chunks.
SECRETS = [b"SN-PARASOL-4242", b"LENS-4242", b"SecretCam", b"Jane", b"Realname",
           b"Iptcville", b"secret", b"SN-WEBP-77", b"SN-HEIC-99"]
# exiftool groups (-G1) that only metadata has.
METADATA_GROUPS = re.compile(
    r"^(IFD\d|ExifIFD|GPS|SubIFD|InteropIFD|MakerNotes|XMP.*|IPTC|ICC.*|Photoshop|APP\d+|"
    r"Ducky|FlashPix|MPF\d*|Kodak|Canon|Nikon|Sony|Apple|QuickTime)$")


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def png_bomb(w, h):
    """A PNG declaring w x h pixels whose data is a few bytes of zeros."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    comp = zlib.compressobj(9)
    row = b"\0" * (1 + 3 * w)
    data = b"".join(comp.compress(row) for _ in range(8)) + comp.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def exif(path):
    p = subprocess.run(["exiftool", "-j", "-a", "-u", "-G1", "-b", path], capture_output=True,
                       timeout=60)
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    return json.loads(p.stdout)[0]


def assert_clean(path):
    """No metadata: exiftool finds no metadata group and no comment, and none of the fixtures'
    secrets is in the bytes."""
    tags = exif(path)
    bad = [k for k in tags if METADATA_GROUPS.match(k.split(":")[0])]
    assert not bad, "%s keeps metadata: %s" % (os.path.basename(path), bad)
    for k in tags:
        assert not re.search(r":(Comment|Author|Description|Title|Software|Artist|Copyright)$",
                             k), "%s keeps %s" % (path, k)
    with open(path, "rb") as f:
        data = f.read()
    for s in SECRETS:
        assert s not in data, "%s holds %r" % (path, s)
    return tags
