"""The zh-CN catalogue follows po/glossary-zh_CN.txt: one term per concept (审核 for
moderation, 管理 only for admin), and every term of the glossary is used wherever its English
word is. No server is needed: the catalogue is the thing tested."""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

suite = harness.Suite("glossary")
test = suite.test
GLOSSARY = os.path.join(harness.SRCDIR, "po", "glossary-zh_CN.txt")


def glossary():
    terms, avoid = [], []
    with open(GLOSSARY, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            assert len(cols) == 3 and all(c.strip() for c in cols), \
                "glossary line %d: three tab-separated columns: %r" % (n, line)
            if cols[0] == "avoid":
                avoid.append((cols[1], cols[2]))
            else:
                terms.append((cols[0], [t.strip() for t in cols[1].split(" / ")], cols[2]))
    return terms, avoid


def uses(msgid, word):
    """Whether msgid uses word at a word start, outside {placeholders}."""
    text = re.sub(r"\{[A-Za-z0-9_.]+\}", " ", msgid)
    return re.search(r"(?<![A-Za-z])" + re.escape(word), text, re.I) is not None


@test
def test_glossary_has_the_issue_terms():
    """the glossary names moderation 审核, moderator 版主 and admin 管理员 / 管理, each with a
    line saying what it means"""
    terms, avoid = glossary()
    got = dict((en, zh) for en, zh, _ in terms)
    assert got.get("moderation") == ["审核"], got
    assert got.get("moderator") == ["版主"], got
    assert got.get("admin") == ["管理员", "管理"], got
    assert ("moderat", "管理") in avoid, avoid


@test
def test_catalogue_follows_the_glossary():
    """every msgid using a glossary word has a translation with the glossary's term"""
    zh = harness.po_translations("zh_CN")
    terms, _ = glossary()
    bad = []
    for en, forms, _ in terms:
        for msgid, msgstr in zh.items():
            if uses(msgid, en) and not any(f in msgstr for f in forms):
                bad.append("%s -> %s: %r = %r" % (en, "/".join(forms), msgid, msgstr))
    assert not bad, "\n".join(bad)


@test
def test_catalogue_avoids_other_concepts_terms():
    """no translation of a moderation msgid says 管理 (admin) unless the msgid is about
    admins too, and no approval says 审核 (moderation)"""
    zh = harness.po_translations("zh_CN")
    terms, avoid = glossary()
    owners = {}
    for en, forms, _ in terms:
        for f in forms:
            owners.setdefault(f, []).append(en)
    bad = []
    for word, zh_word in avoid:
        for msgid, msgstr in zh.items():
            if not uses(msgid, word) or zh_word not in msgstr:
                continue
            # fine when the msgid also has the word the zh-CN term belongs to
            if any(uses(msgid, en) for en in owners.get(zh_word, [])):
                continue
            bad.append("%s must not be %s: %r = %r" % (word, zh_word, msgid, msgstr))
    assert not bad, "\n".join(bad)


if __name__ == "__main__":
    sys.exit(suite.run())
