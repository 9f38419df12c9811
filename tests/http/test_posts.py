"""Posts: compose (content warning, sensitive, visibility), the limits and errors, escaping,
replies, boosts, likes, bookmarks, pins, edits with history, and deletion."""

import os
import re
import sys
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("posts")
test = suite.test
inst = harness.Instance(suite, "posts", post_max_chars=300)
c = {}


def setup():
    inst.setup()
    inst.start_server()
    for name in ("alice", "bob", "carol"):
        c[name] = harness.member(inst, name)


def row(sid, cols):
    return inst.psql("SELECT %s FROM statuses WHERE id = %s" % (cols, sid))


def new_post(who, text, **kw):
    return harness.post_and_get_id(inst, c[who], who, text, **kw)


def thread(who, author, sid):
    return c[who].get("/@%s/%s" % (author, sid)) if who else harness.request(
        inst.port, "GET", "/@%s/%s" % (author, sid))


@test
def test_post_plain():
    """a post is stored, rendered and shown on its thread page"""
    sid = new_post("alice", "Hello neighbours", visibility="public")
    assert row(sid, "text, content, visibility") == [
        ["Hello neighbours", "<p>Hello neighbours</p>", "public"]]
    r = thread(None, "alice", sid)
    assert r.status == 200, r
    assert "<p>Hello neighbours</p>" in r.text


@test
def test_content_warning_and_sensitive():
    """a content warning is stored and shown in a closed <details>; sensitive is stored"""
    sid = new_post("alice", "the details", spoiler_text="long day", sensitive="1")
    assert row(sid, "spoiler_text, sensitive") == [["long day", "t"]]
    r = thread("bob", "alice", sid)
    assert re.search(r"<details><summary>long day</summary>\s*<div class=\"content\">"
                     r"<p>the details</p>", r.text), r.text
    assert "Sensitive" in r.text


@test
def test_each_visibility_stored():
    """every visibility is stored as chosen; no choice gives the member's default"""
    for vis in ("public", "unlisted", "private", "members", "direct"):
        sid = new_post("alice", "vis " + vis, visibility=vis)
        assert row(sid, "visibility") == [[vis]], vis
    inst.psql("UPDATE accounts SET default_visibility = 'members' WHERE username = 'carol'")
    sid = new_post("carol", "no choice made")
    assert row(sid, "visibility") == [["members"]]
    r = harness.publish(c["alice"], "bad", visibility="everyone")
    assert r.status == 422, r


@test
def test_too_long():
    """over the configured limit (post_max_chars = 300) gives 422 with the text kept in the
    form and the limit shown; 300 CJK characters pass"""
    text = "a" * 301
    before = inst.scalar("SELECT count(*) FROM statuses")
    r = harness.publish(c["alice"], text, spoiler_text="kept cw")
    assert r.status == 422, r
    assert "longer than this community allows" in r.text, r.text
    assert "300" in r.text, "the form does not say what the limit is"
    fields = harness.form_fields(r.text)
    assert fields.get("text") == text, "the text is not kept"
    assert fields.get("spoiler_text") == "kept cw"
    assert inst.scalar("SELECT count(*) FROM statuses") == before
    sid = new_post("alice", "性" * 300)
    assert row(sid, "char_length(text)") == [["300"]]


@test
def test_empty():
    """an empty or blank post gives 422"""
    for text in ("", "   \r\n  "):
        r = harness.publish(c["alice"], text)
        assert r.status == 422, r
        assert "Write something" in r.text


@test
def test_missing_csrf():
    """a post without the csrf field is refused with 403 and stores nothing"""
    before = inst.scalar("SELECT count(*) FROM statuses")
    r = c["alice"].post("/statuses", {"text": "forged"}, csrf=False)
    assert r.status == 403, r
    r = c["alice"].post("/statuses", {"text": "forged"}, csrf="x" * 43)
    assert r.status == 403, r
    assert inst.scalar("SELECT count(*) FROM statuses") == before


@test
def test_visitor_cannot_post():
    """a visitor posting is sent to /login"""
    v = harness.WebClient(inst.port)
    r = v.post("/statuses", {"text": "hi"})
    assert r.status == 303 and harness.location_path(r).startswith("/login"), r


@test
def test_html_escaped():
    """HTML a member writes is shown as text, never as markup"""
    evil = '<script>alert(1)</script> "><img src=x onerror=alert(2)> javascript:alert(3)'
    sid = new_post("alice", evil, spoiler_text="<b>cw</b>")
    for path in ("/@alice/" + sid, "/@alice", "/local", "/home"):
        r = c["alice"].get(path)
        assert r.status == 200, (path, r)
        assert "<script>alert" not in r.text, path
        assert "<img src=x" not in r.text, path
        assert "<b>cw</b>" not in r.text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text, path
        assert 'href="javascript' not in r.text, path


@test
def test_reply_on_thread():
    """a reply records its parent, shows on the thread page, and links back"""
    parent = new_post("alice", "parent post")
    reply = new_post("bob", "@alice a reply", in_reply_to_id=parent,
                     back="/@alice/" + parent)
    assert row(reply, "in_reply_to_id, in_reply_to_account_id") == [
        [parent, inst.scalar("SELECT id FROM accounts WHERE username = 'alice'")]]
    r = thread("carol", "alice", parent)
    ids = harness.status_ids_on(r.text)
    assert ids == [parent, reply], ids
    r = thread("carol", "bob", reply)
    assert harness.status_ids_on(r.text) == [parent, reply]
    assert 'href="/@alice/%s"' % parent in r.text


@test
def test_reply_to_invisible():
    """replying to a post one can't see (or that doesn't exist) is 404"""
    hidden = new_post("alice", "followers only", visibility="private")
    r = harness.publish(c["bob"], "sneaky", in_reply_to_id=hidden)
    assert r.status == 404, r
    r = harness.publish(c["bob"], "sneaky", in_reply_to_id="999999")
    assert r.status == 404, r


def act(who, sid, action):
    r = c[who].post("/statuses/%s/%s" % (sid, action), {"back": "/home"})
    return r


@test
def test_back_stays_on_this_node():
    """an action's `back` is followed only when it is a strict local path, else the fallback"""
    sid = new_post("alice", "where do I go back to")
    cases = [
        ("/@alice/%s#s-%s" % (sid, sid), "/@alice/%s" % sid),
        ("/\t/evil.example", "/home"),
        ("//evil.example", "/home"),
        ("/\\evil.example", "/home"),
        ("https://evil.example", "/home"),
        ("/%09/evil.example", "/home"),
        ("/%5C%5Cevil.example", "/home"),
        ("/\n/evil.example", "/home"),
    ]
    for back, want in cases:
        for action in ("favourite", "unfavourite"):
            r = c["bob"].post("/statuses/%s/%s" % (sid, action), {"back": back})
            assert r.status == 303, "back=%r: %r" % (back, r)
            loc = r.header("Location")
            assert loc.startswith("/") and not loc.startswith("//") and \
                urllib.parse.urlsplit(loc).path == want, \
                "back=%r: Location %r, want the path %r" % (back, loc, want)


@test
def test_boost_unboost():
    """a boost makes a row and shows on the booster's profile; unboost removes it"""
    sid = new_post("alice", "boost me")
    r = act("bob", sid, "reblog")
    assert r.status == 303 and "notice=boosted" in r.header("Location"), r
    q = "SELECT count(*) FROM statuses WHERE reblog_of_id = %s" % sid
    assert inst.scalar(q) == "1"
    act("bob", sid, "reblog")  # twice is fine
    assert inst.scalar(q) == "1"
    r = c["carol"].get("/@bob")
    assert sid in harness.status_ids_on(r.text) and "Boosted by bob" in r.text
    act("bob", sid, "unreblog")
    assert inst.scalar(q) == "0"
    priv = new_post("alice", "not for boosting", visibility="private")
    inst.psql("INSERT INTO follows (account_id, target_account_id) SELECT b.id, a.id FROM"
              " accounts a, accounts b WHERE a.username = 'alice' AND b.username = 'bob'"
              " ON CONFLICT DO NOTHING")
    r = act("bob", priv, "reblog")
    assert r.status == 422, r
    assert inst.scalar("SELECT count(*) FROM statuses WHERE reblog_of_id = %s" % priv) == "0"


@test
def test_like_unlike():
    """like and unlike change the favourites row and the count"""
    sid = new_post("alice", "like me")
    q = "SELECT count(*) FROM favourites WHERE status_id = %s" % sid
    assert act("bob", sid, "favourite").status == 303
    assert inst.scalar(q) == "1"
    assert "Likes: 1" in thread("carol", "alice", sid).text
    assert act("bob", sid, "unfavourite").status == 303
    assert inst.scalar(q) == "0"


@test
def test_bookmark():
    """a bookmark shows on /bookmarks and goes away when removed"""
    sid = new_post("alice", "keep me")
    assert act("carol", sid, "bookmark").status == 303
    assert sid in harness.status_ids_on(c["carol"].get("/bookmarks").text)
    assert sid not in harness.status_ids_on(c["bob"].get("/bookmarks").text)
    assert act("carol", sid, "unbookmark").status == 303
    assert sid not in harness.status_ids_on(c["carol"].get("/bookmarks").text)


@test
def test_pins():
    """five pins are allowed, the sixth is refused with a clear error; others can't pin"""
    ids = [new_post("carol", "pin %d" % i) for i in range(6)]
    for sid in ids[:5]:
        assert act("carol", sid, "pin").status == 303
    r = act("carol", ids[5], "pin")
    assert r.status == 422, r
    assert "up to five" in r.text
    assert inst.scalar("SELECT count(*) FROM pins p JOIN accounts a ON a.id = p.account_id"
                       " WHERE a.username = 'carol'") == "5"
    assert act("bob", ids[5], "pin").status == 403
    assert act("carol", ids[0], "unpin").status == 303
    assert act("carol", ids[5], "pin").status == 303


@test
def test_edit_keeps_history():
    """an edit changes the post, records the old version and lists both in the history"""
    sid = new_post("alice", "first version #one")
    r = c["alice"].get("/statuses/%s/edit" % sid)
    assert r.status == 200 and "first version #one" in r.text
    r = c["alice"].post("/statuses/%s/edit" % sid, {"text": "second version #two"})
    assert r.status == 303, r
    assert row(sid, "text, edited_at IS NOT NULL") == [["second version #two", "t"]]
    assert inst.scalar("SELECT count(*) FROM status_edits WHERE status_id = %s" % sid) == "1"
    tags = inst.psql("SELECT g.name FROM status_tags st JOIN tags g ON g.id = st.tag_id"
                     " WHERE st.status_id = %s" % sid)
    assert tags == [["two"]], tags
    r = c["alice"].get("/statuses/%s/history" % sid)
    assert r.status == 200
    assert "second version" in r.text and "first version" in r.text
    assert r.text.index("second version") < r.text.index("first version")
    r = c["alice"].post("/statuses/%s/edit" % sid, {"text": ""})
    assert r.status == 422, r


@test
def test_history_author_and_moderators_only():
    """a post's earlier versions are read only by its author and the moderators: a visitor is
    sent to sign in, another member gets 403 and no link to them; the author may erase an
    earlier version (not the current one, not someone else's) after a page that shows it and
    asks, and it is gone for good"""
    sid = new_post("alice", "my real name is Alice Example", visibility="public")
    r = c["alice"].post("/statuses/%s/edit" % sid, {"text": "no name here"})
    assert r.status == 303, r
    path = "/statuses/%s/history" % sid
    r = harness.request(inst.port, "GET", path)
    assert r.status == 303 and harness.location_path(r).startswith("/login"), r
    assert "Alice Example" not in r.text
    r = c["bob"].get(path)
    assert r.status == 403, r
    assert "Alice Example" not in r.text
    for who in (None, "bob"):
        page = thread(who, "alice", sid)
        assert page.status == 200 and "no name here" in page.text, page
        assert path not in page.text, "a link to the history is offered to %s" % who
        assert "Edited" in page.text
    assert path in thread("alice", "alice", sid).text
    mod = harness.member(inst, "histmod", role="moderator")
    r = mod.get(path)
    assert r.status == 200 and "Alice Example" in r.text, r
    assert "/erase" not in r.text, "a moderator is offered to erase the author's version"
    edit_id = inst.scalar("SELECT id FROM status_edits WHERE status_id = %s" % sid)
    erase = "%s/%s/erase" % (path, edit_id)
    r = c["alice"].get(path)
    assert r.status == 200 and erase in r.text, r
    assert r.text.count("/erase") == 1, "the current version may not be erased"
    # others can't erase it; malformed and unknown versions are refused
    assert c["bob"].post(erase, {}).status == 403
    assert c["bob"].post(erase, {"confirm": "1"}).status == 403
    assert mod.post(erase, {}).status == 403
    assert mod.post(erase, {"confirm": "1"}).status == 403
    assert c["alice"].post(erase, {}, csrf=False).status == 403
    assert c["alice"].post("%s/x1/erase" % path, {}).status == 400
    assert c["alice"].post("%s/0/erase" % path, {}).status == 400
    assert c["alice"].post("%s/12345/erase" % path, {}).status == 404
    assert inst.scalar("SELECT count(*) FROM status_edits WHERE status_id = %s" % sid) == "1"
    # the button asks first: a page showing the version, whose form confirms
    r = c["alice"].post(erase, {})
    assert r.status == 200 and "Erase this version?" in r.text, r
    assert "Alice Example" in r.text and 'name="confirm" value="1"' in r.text, r.text
    assert 'action="%s"' % erase in r.text and 'href="%s"' % path in r.text, r.text
    assert inst.scalar("SELECT count(*) FROM status_edits WHERE status_id = %s" % sid) == "1"
    r = c["alice"].post(erase, {"confirm": "1"})
    assert r.status == 303 and "notice=version_erased" in r.header("Location"), r
    assert inst.scalar("SELECT count(*) FROM status_edits WHERE status_id = %s" % sid) == "0"
    r = c["alice"].get(path)
    assert r.status == 200 and "Alice Example" not in r.text and "no name here" in r.text
    assert c["alice"].post(erase, {}).status == 404
    assert c["alice"].post(erase, {"confirm": "1"}).status == 404


@test
def test_non_author_cannot_edit_or_delete():
    """others get 403 on edit and delete; nothing changes"""
    sid = new_post("alice", "mine")
    assert c["bob"].get("/statuses/%s/edit" % sid).status == 403
    assert c["bob"].post("/statuses/%s/edit" % sid, {"text": "yours"}).status == 403
    assert c["bob"].get("/statuses/%s/delete" % sid).status == 403
    assert c["bob"].post("/statuses/%s/delete" % sid, {}).status == 403
    assert row(sid, "text") == [["mine"]]
    hidden = new_post("alice", "hidden", visibility="direct")
    assert c["bob"].post("/statuses/%s/delete" % hidden, {}).status == 404


@test
def test_delete_everywhere():
    """a deleted post is gone: its thread is 404, timelines don't list it, its boosts go"""
    sid = new_post("alice", "short-lived #gone")
    act("bob", sid, "reblog")
    act("bob", sid, "favourite")
    r = c["alice"].get("/statuses/%s/delete" % sid)
    assert r.status == 200 and "Delete this post?" in r.text
    r = c["alice"].post("/statuses/%s/delete" % sid, {})
    assert r.status == 303 and "notice=deleted" in r.header("Location"), r
    assert thread("alice", "alice", sid).status == 404
    for path in ("/home", "/local", "/@alice", "/@bob", "/tags/gone"):
        assert sid not in harness.status_ids_on(c["bob"].get(path).text), path
    assert inst.scalar("SELECT count(*) FROM statuses WHERE id = %s OR reblog_of_id = %s"
                       % (sid, sid)) == "0"
    assert inst.scalar("SELECT count(*) FROM favourites WHERE status_id = %s" % sid) == "0"


@test
def test_unknown_ids():
    """malformed and unknown ids are 404, the wrong author in the path too"""
    sid = new_post("alice", "where am I")
    assert thread("bob", "bob", sid).status == 404
    assert thread("bob", "alice", "12abc").status == 404
    assert act("bob", "999", "favourite").status == 404
    assert act("bob", sid, "explode").status == 404


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
