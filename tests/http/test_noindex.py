"""noindex (issue 12): every page says noindex (X-Robots-Tag and the robots meta tag) and
robots.txt disallows everything, unless a member opened their own pages in their settings:
"discoverable" opens their profile page, "indexable" their public posts' pages, each listed
in robots.txt as allowed; the actor document's discoverable/indexable say the same. Their
other pages (unlisted posts, lists, followers-only posts, which visitors can't open anyway)
and everyone else's stay noindex, also when the page comes from the page cache."""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("noindex")
test = suite.test
inst = harness.Instance(suite, "noindex")
AP = "application/activity+json"
META = '<meta name="robots" content="noindex, nofollow">'
c = {}
posts = {}


def setup():
    inst.setup()
    inst.start_server()
    for name in ("alice", "bob", "carol"):
        c[name] = harness.member(inst, name)
        for vis in ("public", "unlisted", "private"):
            posts[name, vis] = harness.post_and_get_id(inst, c[name], name,
                                                       "%s %s post" % (name, vis),
                                                       visibility=vis)


def choose(name, discoverable, indexable):
    fields = {"display_name": "", "bio": ""}
    if discoverable:
        fields["discoverable"] = "1"
    if indexable:
        fields["indexable"] = "1"
    harness.assert_status(c[name].post("/settings/profile", fields), 303, "profile of " + name)


def closed(path, want=200):
    """path says noindex; want: its status (None: any)."""
    r = harness.request(inst.port, "GET", path)
    if want is not None:
        harness.assert_status(r, want, path)
    assert "noindex" in r.header("X-Robots-Tag", ""), "%s: %r" % (path, r.header("X-Robots-Tag"))
    assert r.status != 200 or META in r.text, "%s has no robots meta tag" % path
    return r


def open_(path):
    r = harness.request(inst.port, "GET", path)
    harness.assert_status(r, 200, path)
    assert "noindex" not in r.header("X-Robots-Tag", ""), "%s: %r" % (
        path, r.header("X-Robots-Tag"))
    assert r.header("X-Robots-Tag") == "all", r.header("X-Robots-Tag")
    assert 'name="robots"' not in r.text, "%s still has a robots meta tag" % path
    return r


def robots_lines():
    r = harness.request(inst.port, "GET", "/robots.txt")
    harness.assert_status(r, 200, "robots.txt")
    return [line.strip() for line in r.text.splitlines() if line and not line.startswith("#")]


def actor(name):
    return harness.request(inst.port, "GET", "/users/" + name, headers={"Accept": AP}).json()


def everyone_closed():
    for name in ("alice", "bob", "carol"):
        closed("/@" + name)
        for vis in ("public", "unlisted"):
            closed("/@%s/%s" % (name, posts[name, vis]))
        closed("/@%s/%s" % (name, posts[name, "private"]), 404)
    for path in ("/", "/about", "/local", "/login", "/tags/post", "/@bob/followers"):
        closed(path, None)
    closed("/@nobody", 404)


@test
def test_default_noindex_everywhere():
    """nobody opted in: every page says noindex in its header and its meta tag, robots.txt
    disallows everything, actors say discoverable and indexable false"""
    everyone_closed()
    assert robots_lines() == ["User-agent: *", "Disallow: /"], robots_lines()
    doc = actor("alice")
    assert doc["discoverable"] is False and doc["indexable"] is False, doc


@test
def test_opted_in_member():
    """bob opens both: his profile and public post without noindex (fetched twice, so that
    a page-cache answer is checked too), his unlisted post and his lists still noindex, his followers-only post still
    404 for visitors; robots.txt allows just those; alice unchanged; his actor says so"""
    choose("bob", True, True)
    for _ in range(2):
        open_("/@bob")
        open_("/@bob/%s" % posts["bob", "public"])
    closed("/@bob/%s" % posts["bob", "unlisted"])
    r = closed("/@bob/%s" % posts["bob", "private"], 404)
    assert "bob private post" not in r.text
    closed("/@bob/followers", None)
    closed("/@bob/following", None)
    closed("/@alice")
    closed("/@alice/%s" % posts["alice", "public"])
    assert robots_lines() == ["User-agent: *", "Allow: /@bob$", "Allow: /@bob/",
                              "Disallow: /"], robots_lines()
    doc = actor("bob")
    assert doc["discoverable"] is True and doc["indexable"] is True, doc
    assert actor("alice")["indexable"] is False


@test
def test_profile_only():
    """carol opens only her profile: her posts stay noindex and unlisted in robots.txt"""
    choose("carol", True, False)
    open_("/@carol")
    closed("/@carol/%s" % posts["carol", "public"])
    assert "Allow: /@carol$" in robots_lines() and "Allow: /@carol/" not in robots_lines()
    assert actor("carol")["indexable"] is False and actor("carol")["discoverable"] is True


@test
def test_changing_back_closes_again():
    """bob and carol turn both off: their pages say noindex again at once (the page cache
    does not keep the open version) and robots.txt disallows everything"""
    choose("bob", False, False)
    choose("carol", False, False)
    everyone_closed()
    assert robots_lines() == ["User-agent: *", "Disallow: /"], robots_lines()


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    suite.run(setup)
