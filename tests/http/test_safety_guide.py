"""The members' safety guide (/safety, issue 12): open to everyone in both languages, linked
from every page's footer, printable; and true of the code where a test can tell — its list of
what is stored names exactly the database's columns, the buttons and labels it quotes are the
ones on the pages, a session keeps only the browser's and system's names, and a new member's
follows are hidden."""

import html
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("safety_guide")
test = suite.test
inst = harness.Instance(suite, "safety_guide")
UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UQ1A.240205.004) AppleWebKit/537.36 "
      "(KHTML, like Gecko) Gecko/20100101 Firefox/133.0 SERIAL-77123")


def setup():
    inst.setup()
    inst.start_server()
    harness.create_account(inst, "rose")


def guide(lang="en"):
    r = harness.request(inst.port, "GET", "/safety", {"Accept-Language": lang})
    assert r.status == 200, r
    return r.text


def stored_columns(page):
    """{table: [columns]} from the guide's code elements."""
    found = {}
    for table, words in re.findall(r'<code data-table="([a-z_]+)">([^<]*)</code>', page):
        assert table not in found, "the guide lists %s twice" % table
        found[table] = html.unescape(words).split()
    return found


@test
def test_open_to_everyone_in_both_languages():
    """A visitor gets the guide in English and in Chinese, with its sections; the footer of
    other pages links to it"""
    en = guide("en")
    for words in ("Staying safe here", "What this server stores", "What this server never stores",
                  "Who can see what", "What other servers receive", "Photos",
                  "If someone got into your account", "not end-to-end encrypted"):
        assert words in en, "the English guide lacks %r" % words
    zh = guide("zh-CN")
    for words in ("在这里保护自己", "这个服务器保存了你的哪些信息", "没有端到端加密", "快速离开"):
        assert words in zh, "the Chinese guide lacks %r" % words
    assert "Staying safe here" not in zh, "the Chinese guide is in English"
    for path in ("/about", "/login", "/"):
        r = harness.request(inst.port, "GET", path)
        assert 'href="/safety"' in r.text, "%s has no link to the guide" % path


@test
def test_stored_list_is_the_schema():
    """SAFETY: the list of what is stored names every column of every table of the database,
    and nothing that isn't there (a migration adding a column without telling members fails
    here)"""
    listed = stored_columns(guide())
    rows = inst.psql("SELECT table_name, column_name FROM information_schema.columns"
                     " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position")
    schema = {}
    for table, column in rows:
        schema.setdefault(table, []).append(column)
    missing = {t: [col for col in cols if col not in listed.get(t, [])]
               for t, cols in schema.items()}
    missing = {t: cols for t, cols in missing.items() if cols}
    extra = {t: [col for col in cols if col not in schema.get(t, [])]
             for t, cols in listed.items()}
    extra = {t: cols for t, cols in extra.items() if cols}
    assert not missing, "stored but not in the guide (templates/safety.html): %r" % missing
    assert not extra, "in the guide but not in the database: %r" % extra
    # and the same list in the other language (the names are not translated)
    assert stored_columns(guide("zh-CN")) == listed


@test
def test_quoted_labels_are_on_the_pages():
    """The buttons and labels the guide quotes are the pages' own, in both languages"""
    quotes = {"en": ["Don't keep me signed in on this device", "Sign out everywhere",
                     "Quick exit"],
              "zh-CN": ["不要在这台设备上保持登录", "在所有设备上退出登录", "快速离开"]}
    member = harness.member(inst, "lily")
    for lang, words in quotes.items():
        text = html.unescape(guide(lang))
        login = html.unescape(harness.request(inst.port, "GET", "/login",
                                              {"Accept-Language": lang}).text)
        settings = html.unescape(member.get("/settings", {"Accept-Language": lang}).text)
        assert words[0] in text and words[0] in login, (lang, words[0])
        assert words[1] in text and words[1] in settings, (lang, words[1])
        assert words[2] in text and words[2] in login, (lang, words[2])


@test
def test_session_keeps_only_browser_and_system():
    """'the name of the browser and system (for example “Firefox, Android”)': a sign-in with
    a full User-Agent keeps that and nothing more of it"""
    client = harness.WebClient(inst.port)
    client.get("/login", {"User-Agent": UA})
    r = client.post("/login", {"username": "rose", "password": harness.PASSWORD},
                    headers={"User-Agent": UA})
    assert r.status == 303, r
    labels = [row[0] for row in inst.psql(
        "SELECT label FROM sessions WHERE account_id = (SELECT id FROM accounts"
        " WHERE username = 'rose' AND domain IS NULL)")]
    assert labels == ["Firefox, Android"], labels
    dump = inst.cluster.dump_data(inst.dbname)
    for part in ("Pixel 8", "UQ1A", "133.0", "SERIAL-77123", "AppleWebKit"):
        assert part not in dump, "%r of the User-Agent is in the database" % part


@test
def test_follows_hidden_and_pages_not_indexed():
    """'Your follows and followers are hidden unless you choose to show them, and search
    engines are asked not to list any page here': a new member's lists are not shown to a
    visitor, robots.txt disallows everything and the guide itself says noindex"""
    iris = harness.member(inst, "iris")
    r = iris.post("/@rose/follow", {})
    assert r.status == 303, r
    assert inst.scalar("SELECT count(*) FROM follows") == "1"
    for path, other in (("/@iris/following", "rose"), ("/@rose/followers", "iris")):
        r = harness.request(inst.port, "GET", path)
        assert r.status == 200 and "keeps this list hidden" in r.text, (path, r)
        assert 'href="/@%s"' % other not in r.text, (path, r.text)
    r = harness.request(inst.port, "GET", "/robots.txt")
    assert "Disallow: /" in r.text, r.text
    r = harness.request(inst.port, "GET", "/safety")
    assert "noindex" in (r.header("X-Robots-Tag") or ""), r.headers


@test
def test_printable():
    """The stylesheet prints the guide without the site's header, menu and footer"""
    r = harness.request(inst.port, "GET", "/static/parasol.css")
    assert r.status == 200, r
    css = r.text
    m = re.search(r"@media print \{(.*?)\n\}", css, re.S)
    assert m, "no print stylesheet"
    assert ".site-header" in m.group(1) and "display: none" in m.group(1), m.group(1)


if __name__ == "__main__":
    sys.exit(suite.run(setup))
