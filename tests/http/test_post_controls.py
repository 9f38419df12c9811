"""A post's controls (issue 11): after Like, Boost, Bookmark or Pin the member lands on the post
again (back#s-ID, back being the page they acted on, older pages included); `back` is taken
only as a path of this site from a strict character set, whatever a hostile form sends; the
delete confirmation, the report form and the moderators' pages show the post without live
controls; every control names its post, and the error page has no post styling."""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("post_controls")
test = suite.test
inst = harness.Instance(suite, "post_controls")
c = {}
ids = {}


def setup():
    inst.setup()
    inst.start_server()
    c["mod"] = harness.member(inst, "mod")
    inst.psql("UPDATE accounts SET role = 'moderator' WHERE username = 'mod'")
    for name in ("alice", "bob"):
        c[name] = harness.member(inst, name)
    ids["a"] = harness.post_and_get_id(inst, c["alice"], "alice", "first post", visibility="public")
    ids["b"] = harness.post_and_get_id(inst, c["alice"], "alice", "second post", visibility="public")


def act(who, sid, action, back):
    fields = {} if back is None else {"back": back}
    return c[who].post("/statuses/%s/%s" % (sid, action), fields)


@test
def test_actions_return_to_the_post():
    """Like, Boost, Bookmark, Pin and their undos redirect to back#s-ID, the notice before
    the fragment"""
    sid = ids["a"]
    for who, action in (("bob", "favourite"), ("bob", "unfavourite"), ("bob", "reblog"),
                        ("bob", "unreblog"), ("bob", "bookmark"), ("bob", "unbookmark"),
                        ("alice", "pin"), ("alice", "unpin")):
        r = act(who, sid, action, "/home")
        harness.assert_status(r, 303, action)
        loc = r.header("Location")
        assert re.fullmatch(r"/home\?notice=\w+#s-%s" % sid, loc), (action, loc)


@test
def test_back_keeps_the_page_and_its_query():
    """an older page (?max_id=) and a profile or thread page are where the member comes back
    to, with the post's fragment"""
    sid = ids["a"]
    for back in ("/home?max_id=%s" % ids["b"], "/@alice", "/@alice/%s" % sid, "/tags/t%C3%A9"):
        r = act("bob", sid, "favourite", back)
        harness.assert_status(r, 303, back)
        sep = "&" if "?" in back else "?"
        assert r.header("Location") == "%s%snotice=liked#s-%s" % (back, sep, sid), r.header("Location")
        act("bob", sid, "unfavourite", "/home")


@test
def test_the_forms_back_field_names_that_page():
    """the action forms on an older page of /home carry that page as back"""
    r = c["alice"].get("/home?max_id=%s" % ids["b"])
    harness.assert_status(r, 200, "older page")
    backs = set(re.findall(r'action="/statuses/\d+/\w+"><input type="hidden" name="csrf" '
                           r'value="[^"]*"><input type="hidden" name="back" value="([^"]*)"',
                           r.text))
    assert backs == {"/home?max_id=%s" % ids["b"]}, backs


@test
def test_hostile_back_falls_back_to_home():
    """another origin, a scheme, backslashes, tabs, newlines, spaces, a fragment of its own or
    no back at all: the redirect goes to /home#s-ID"""
    sid = ids["a"]
    hostile = ["//evil.example/", "https://evil.example/", "/\t/evil.example", "/\\evil.example",
               "\\\\evil.example", "/\n/evil.example", "/ /evil.example", "evil",
               "/home#x", "/\u00e9", "javascript:alert(1)", "", None]
    for back in hostile:
        r = act("bob", sid, "favourite", back)
        harness.assert_status(r, 303, repr(back))
        assert r.header("Location") == "/home?notice=liked#s-%s" % sid, (back, r.header("Location"))
        act("bob", sid, "unfavourite", "/home")


@test
def test_boosted_copy_has_its_own_element_and_returns_to_it():
    """a boost on /home is an element of its own (b-KEY, next to the post's s-ID); its forms
    send at=b-KEY and the action returns there; a hostile "at" is ignored (s-ID)"""
    sid = ids["b"]
    harness.assert_status(c["bob"].post("/@alice/follow", {}), 303, "follow")
    harness.assert_status(act("bob", sid, "reblog", "/home"), 303, "boost")
    try:
        text = c["bob"].get("/home").text
        assert 'id="s-%s"' % sid in text, "the post itself is not on bob's home"
        all_ids = re.findall(r'\bid="([^"]+)"', text)
        assert len(all_ids) == len(set(all_ids)), sorted(i for i in all_ids if all_ids.count(i) > 1)
        boosts = re.findall(r'<article class="status" id="(b-\d+)"', text)
        assert len(boosts) == 1, boosts
        assert 'name="at" value="%s"' % boosts[0] in text
        r = c["bob"].post("/statuses/%s/favourite" % sid, {"back": "/home", "at": boosts[0]})
        assert r.header("Location") == "/home?notice=liked#%s" % boosts[0], r.header("Location")
        act("bob", sid, "unfavourite", "/home")
        for at in ("x-1", "s-", "b-12a", "pin-" + "1" * 21, 's-1"><b>', "s-1#x", "/evil", ""):
            r = c["bob"].post("/statuses/%s/favourite" % sid, {"back": "/home", "at": at})
            assert r.header("Location") == "/home?notice=liked#s-%s" % sid, (at, r.header("Location"))
            act("bob", sid, "unfavourite", "/home")
    finally:
        act("bob", sid, "unreblog", "/home")


def controls(text):
    """The action forms and edit/delete/report links on a page."""
    return re.findall(r'(?:form)?action="/statuses/\d+/(?:favourite|unfavourite|reblog|unreblog|'
                      r'bookmark|unbookmark|pin|unpin)"|href="/statuses/\d+/(?:edit|delete|report)"',
                      text)


@test
def test_previews_have_no_live_controls():
    """the delete confirmation, the report form, the reply preview and the moderators' queue
    item and account pages show the post without Like/Boost/Edit/Delete"""
    sid = ids["b"]
    r = c["alice"].get("/statuses/%s/delete" % sid)
    harness.assert_status(r, 200, "delete page")
    assert 'id="s-%s"' % sid in r.text
    assert controls(r.text) == [], controls(r.text)
    assert 'action="/statuses/%s/delete"' % sid in r.text, "no confirm button"
    r = c["bob"].get("/statuses/%s/report" % sid)
    harness.assert_status(r, 200, "report page")
    assert 'id="s-%s"' % sid in r.text and controls(r.text) == [], controls(r.text)
    r = c["bob"].get("/statuses/new?in_reply_to_id=%s" % sid)
    harness.assert_status(r, 200, "reply page")
    assert 'id="s-%s"' % sid in r.text and controls(r.text) == [], controls(r.text)
    harness.assert_status(c["bob"].post("/statuses/%s/report" % sid, {"comment": "test report"}),
                          303, "report")
    item = inst.scalar("SELECT id FROM reports ORDER BY id DESC LIMIT 1")
    alice = inst.scalar("SELECT id FROM accounts WHERE username = 'alice'")
    for path in ("/admin/queue/%s" % item, "/admin/accounts/%s" % alice):
        r = c["mod"].get(path)
        harness.assert_status(r, 200, path)
        assert 'id="s-%s"' % sid in r.text, path
        assert controls(r.text) == [], (path, controls(r.text))
    # a timeline still has them
    assert controls(c["bob"].get("/home").text) or controls(c["bob"].get("/@alice").text)


@test
def test_every_control_names_its_post():
    """each control's text ends with the post's author and time (hidden on screen), and the
    article is labelled by its byline and time"""
    r = c["bob"].get("/@alice")
    harness.assert_status(r, 200, "profile")
    for sid in (ids["a"], ids["b"]):
        m = re.search(r'<article class="status" id="s-%s" aria-labelledby="s-%s-by s-%s-time">'
                      r'(.*?)</article>' % (sid, sid, sid), r.text, re.S)
        assert m, "no labelled article for %s" % sid
        body = m.group(1)
        assert 'id="s-%s-by"' % sid in body and 'id="s-%s-time"' % sid in body
        when = re.search(r'<time datetime="[^"]+">([^<]+)</time>', body).group(1)
        suffix = '<span class="vh"> (post by alice, %s)</span>' % when
        names = re.findall(r'<(?:button|a) class="action"[^>]*>(.*?)</(?:button|a)>', body, re.S)
        assert len(names) >= 4, names  # Reply, Boost, Like, Bookmark, Report
        for n in names:
            assert n.endswith(suffix), n


@test
def test_pinned_copy_has_its_own_element_id():
    """a pinned post shown twice on a profile has two distinct element ids"""
    harness.assert_status(act("alice", ids["a"], "pin", "/@alice"), 303, "pin")
    text = c["bob"].get("/@alice").text
    assert 'id="pin-%s"' % ids["a"] in text and 'id="s-%s"' % ids["a"] in text
    all_ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(all_ids) == len(set(all_ids)), sorted(i for i in all_ids if all_ids.count(i) > 1)
    act("alice", ids["a"], "unpin", "/@alice")


@test
def test_error_page_has_no_post_class():
    """the error page's status code is not styled as a post (a stray border)"""
    r = c["bob"].get("/no-such-page")
    harness.assert_status(r, 404, "error page")
    assert 'class="status"' not in r.text
    assert '<span class="error-code">404</span>' in r.text


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
