"""Public pages: language negotiation, translations, escaping of configured text, and what
every page must (not) contain."""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

NAME = '<b>Rose & "Co"</b>'
NAME_ESCAPED = "&lt;b&gt;Rose &amp; &quot;Co&quot;&lt;/b&gt;"
DESCRIPTION = "<script>alert(1)</script> Safe & sound"
DESCRIPTION_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; Safe &amp; sound"
MEMBERS = 2

suite = harness.Suite("pages")
test = suite.test
# With the page cache on: languages must not mix in it (nothing here writes behind its back).
inst = harness.Instance(suite, "pages", instance_name=NAME, instance_description=DESCRIPTION,
                        page_cache_seconds=3600)
ZH = harness.po_translations("zh_CN")


def zh(msgid):
    assert msgid in ZH, "po/zh_CN.po has no translation of %r" % msgid
    return ZH[msgid]


def setup():
    inst.setup()
    inst.start_server()
    for i in range(MEMBERS):
        p = inst.cli("admin", "create-account", "member%d" % i, stdin="a long enough password\n")
        assert p.returncode == 0, harness.describe(p)


def get(path, lang=None):
    headers = {"Accept-Language": lang} if lang is not None else {}
    return harness.request(inst.port, "GET", path, headers)


def html_lang(r):
    m = re.search(r'<html[^>]*\blang="([^"]*)"', r.text)
    return m.group(1) if m else None


def assert_language(r, tag, what):
    assert html_lang(r) == tag, "%s: <html lang=%r>, want %r" % (what, html_lang(r), tag)
    assert r.header("Content-Language") == tag, "%s: Content-Language %r" % (
        what, r.header("Content-Language"))
    vary = [v.strip().lower() for v in ",".join(r.headers.get_all("Vary") or []).split(",")]
    assert "accept-language" in vary, "%s: Vary %r" % (what, r.headers.get_all("Vary"))


def assert_english(r, what):
    assert_language(r, "en", what)
    assert "Sign in" in r.text, "%s: no 'Sign in'" % what
    assert zh("Sign in") not in r.text, "%s: has Chinese" % what


def assert_chinese(r, what):
    assert_language(r, "zh-CN", what)
    assert zh("Sign in") in r.text, "%s: no %r" % (what, zh("Sign in"))
    assert "Sign in" not in r.text, "%s: still has 'Sign in'" % what


@test
def test_home_chinese():
    """Accept-Language: zh-CN,zh;q=0.9 gives the Chinese home page"""
    r = get("/", "zh-CN,zh;q=0.9")
    assert r.status == 200, r
    assert_chinese(r, "/ in zh-CN")


@test
def test_home_english():
    """Accept-Language: en gives the English home page"""
    r = get("/", "en")
    assert r.status == 200, r
    assert_english(r, "/ in en")


@test
def test_home_default():
    """no Accept-Language gives English (the default language)"""
    r = get("/")
    assert r.status == 200, r
    assert_english(r, "/ without Accept-Language")


@test
def test_home_preference_order():
    """Accept-Language: fr, zh;q=0.5 gives Chinese (the best language we have)"""
    r = get("/", "fr, zh;q=0.5")
    assert_chinese(r, "/ for fr, zh;q=0.5")
    r = get("/", "zh;q=0.5, en;q=0.8")
    assert_english(r, "/ for zh;q=0.5, en;q=0.8")


def member_count(r):
    m = re.search(r"<dd>\s*(\d+)\s*</dd>", r.text)
    return int(m.group(1)) if m else None


@test
def test_about_english():
    """/about in English: member count and the privacy section"""
    r = get("/about", "en")
    assert r.status == 200, r
    assert_english(r, "/about in en")
    assert re.search(r"<dt>Members</dt>\s*<dd>%d</dd>" % MEMBERS, r.text), \
        "no member count of %d in:\n%s" % (MEMBERS, r.text)
    for text in ("Privacy", "IP addresses."):
        assert text in r.text, "no %r" % text


@test
def test_about_chinese():
    """/about in Chinese: member count and the privacy section"""
    r = get("/about", "zh-CN")
    assert r.status == 200, r
    assert_chinese(r, "/about in zh-CN")
    assert re.search(r"<dt>%s</dt>\s*<dd>%d</dd>" % (re.escape(zh("Members")), MEMBERS),
                     r.text), "no member count of %d in:\n%s" % (MEMBERS, r.text)
    for text in ("Privacy", "IP addresses."):
        assert zh(text) in r.text, "no %r" % zh(text)
        assert text not in r.text, "untranslated %r" % text


@test
def test_not_found_chinese():
    """the 404 page in Chinese"""
    r = get("/nope", "zh-CN")
    assert r.status == 404, r
    assert_chinese(r, "404 in zh-CN")
    assert zh("Page not found") in r.text, "no %r" % zh("Page not found")


@test
def test_instance_text_escaped():
    """the configured instance name and description appear HTML-escaped"""
    for path in ("/", "/about"):
        r = get(path)
        assert NAME_ESCAPED in r.text, "%s: no escaped name" % path
        assert DESCRIPTION_ESCAPED in r.text, "%s: no escaped description" % path
        assert "<b>Rose" not in r.text, "%s: the name is raw HTML" % path
        assert "<script" not in r.text.lower(), "%s: the description is raw HTML" % path


PAGES = [("/", "en"), ("/", "zh-CN"), ("/about", "en"), ("/about", "zh-CN"), ("/nope", "en"),
         ("/nope", "zh-CN")]


def each_page(check):
    problems = []
    for path, lang in PAGES:
        r = get(path, lang)
        for p in check(r):
            problems.append("%s (%s): %s" % (path, lang, p))
    assert not problems, "\n".join(problems)


@test
def test_no_external_resources():
    """no page loads anything from another site"""
    attr = re.compile(r"""\b(src|href|action|srcset|poster|data)\s*=\s*["']?([^"'\s>]*)""", re.I)
    link = re.compile(r"<link\b[^>]*>", re.I)

    def check(r):
        for tag in re.findall(r"<(?:script|img|link|iframe|source|video|audio|object|embed)\b[^>]*>",
                              r.text, re.I):
            for _, url in attr.findall(tag):
                if re.match(r"(?i)(https?:)?//", url):
                    yield "external resource: %s" % tag
        for tag in link.findall(r.text):
            if re.search(r"(?i)href\s*=\s*[\"']?(https?:)?//", tag):
                yield "external <link>: %s" % tag
        for m in re.finditer(r"(?i)\bsrc\s*=\s*[\"']?(https?:)?//", r.text):
            yield "external src at %d" % m.start()

    each_page(check)


@test
def test_no_scripts():
    """no page has a <script> tag or inline event handlers"""
    def check(r):
        if re.search(r"(?i)<script\b", r.text):
            yield "has <script>"
        if re.search(r"(?i)<[^>]+\son[a-z]+\s*=", r.text):
            yield "has an on* handler"
        if re.search(r"(?i)javascript:", r.text):
            yield "has a javascript: URL"

    each_page(check)


@test
def test_small_pages_with_viewport():
    """every page is under 50 KB and has <meta name="viewport">"""
    def check(r):
        if len(r.body) >= 50 * 1024:
            yield "%d bytes" % len(r.body)
        if not re.search(r'<meta\s+name="viewport"', r.text):
            yield "no viewport meta"
        if not r.header("Content-Type", "").startswith("text/html; charset=utf-8"):
            yield "Content-Type %r" % r.header("Content-Type")

    each_page(check)


@test
def test_every_template_text_translated():
    """every {{_ text}} in templates/ has a Chinese translation in po/zh_CN.po (a new page
    that skips `make update-po` and the translation fails here)"""
    tdir = os.path.join(harness.SRCDIR, "templates")
    missing = []
    for name in sorted(os.listdir(tdir)):
        if not name.endswith(".html"):
            continue
        with open(os.path.join(tdir, name), encoding="utf-8") as f:
            text = f.read()
        # "}}}" ends a text whose last placeholder closes just before the tag does.
        for m in re.finditer(r"\{\{_\s+(.*?\}?)\s*\}\}(?!\})", text, re.S):
            msgid = m.group(1).strip()
            if msgid not in ZH:
                missing.append("%s: %r" % (name, msgid))
    assert not missing, "untranslated:\n" + "\n".join(missing)


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
