"""Notifications: mentions, replies, boosts and likes notify the right member, never oneself,
not across blocks and mutes; the page lists them, marks unread ones, and marks all read."""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("notifications")
test = suite.test
inst = harness.Instance(suite, "notifications")
c = {}


def setup():
    inst.setup()
    inst.start_server()
    for name in ("alice", "bob", "carol", "dan"):
        c[name] = harness.member(inst, name)


def count(to, frm=None, kind=None, status=None):
    q = ("SELECT count(*) FROM notifications n JOIN accounts t ON t.id = n.account_id"
         " JOIN accounts f ON f.id = n.from_account_id WHERE t.username = '%s'" % to)
    if frm:
        q += " AND f.username = '%s'" % frm
    if kind:
        q += " AND n.type = '%s'" % kind
    if status:
        q += " AND n.status_id = %s" % status
    return int(inst.scalar(q))


def new_post(who, text, **kw):
    return harness.post_and_get_id(inst, c[who], who, text, **kw)


@test
def test_mention():
    """a mention notifies each mentioned member once, not unknown names"""
    sid = new_post("alice", "hi @bob and @carol and @bob and @ghost")
    assert count("bob", "alice", "mention", sid) == 1
    assert count("carol", "alice", "mention", sid) == 1
    assert count("dan") == 0


@test
def test_reply():
    """a reply notifies the replied-to author (once, even when mentioned)"""
    parent = new_post("bob", "a question")
    reply = new_post("carol", "@bob an answer", in_reply_to_id=parent)
    assert count("bob", "carol", "reply", reply) == 1
    assert count("bob", "carol", "mention", reply) == 0


@test
def test_boost_and_like():
    """boosting and liking notify the author, once each"""
    sid = new_post("dan", "nice post")
    for action in ("reblog", "favourite"):
        assert c["alice"].post("/statuses/%s/%s" % (sid, action), {}).status == 303
        assert c["alice"].post("/statuses/%s/%s" % (sid, action), {}).status == 303
    assert count("dan", "alice", "reblog", sid) == 1
    assert count("dan", "alice", "favourite", sid) == 1


@test
def test_undo_takes_the_notification_back():
    """unliking and unboosting take their notification back: like, unlike, like again is one"""
    sid = new_post("dan", "liked on and off")
    for action in ("reblog", "favourite"):
        assert c["alice"].post("/statuses/%s/%s" % (sid, action), {}).status == 303
        assert count("dan", "alice", action, sid) == 1
        assert c["alice"].post("/statuses/%s/un%s" % (sid, action), {}).status == 303
        assert count("dan", "alice", action, sid) == 0, "the %s notification stays" % action
        assert c["alice"].post("/statuses/%s/%s" % (sid, action), {}).status == 303
        assert count("dan", "alice", action, sid) == 1


@test
def test_no_self_notification():
    """one's own mention, reply, boost and like notify nobody"""
    before = count("alice")
    sid = new_post("alice", "talking to @alice")
    new_post("alice", "replying to myself", in_reply_to_id=sid)
    c["alice"].post("/statuses/%s/reblog" % sid, {})
    c["alice"].post("/statuses/%s/favourite" % sid, {})
    assert count("alice") == before


@test
def test_blocked_and_muted_senders():
    """a member who blocked or muted someone isn't notified by them"""
    assert c["carol"].post("/@dan/mute", {}).status == 303
    new_post("dan", "hey @carol")
    assert count("carol", "dan") == 0
    assert c["bob"].post("/@dan/block", {}).status == 303
    new_post("dan", "hey @bob")
    assert count("bob", "dan") == 0


@test
def test_invisible_post_no_mention():
    """a followers-only post mentioning a non-follower does not notify them"""
    sid = new_post("alice", "private note to @dan", visibility="private")
    assert count("dan", "alice", "mention", sid) == 0
    sid = new_post("alice", "direct note to @dan", visibility="direct")
    assert count("dan", "alice", "mention", sid) == 1


@test
def test_page_and_mark_read():
    """the page lists notifications newest first with unread ones marked; mark all read"""
    sid = new_post("carol", "for @alice")
    r = c["alice"].get("/notifications")
    assert r.status == 200, r
    assert "mentioned you" in r.text and "New" in r.text
    assert 'href="/@carol/%s"' % sid in r.text
    assert "for <a href=\"/@alice\"" in r.text
    assert "Mark all as read" in r.text
    unread = int(inst.scalar("SELECT count(*) FROM notifications n JOIN accounts a"
                             " ON a.id = n.account_id WHERE a.username = 'alice' AND NOT read"))
    assert unread >= 1
    r = c["alice"].post("/notifications/read", {})
    assert r.status == 303 and "notice=notifications_read" in r.header("Location"), r
    assert inst.scalar("SELECT count(*) FROM notifications n JOIN accounts a"
                       " ON a.id = n.account_id WHERE a.username = 'alice' AND NOT read") == "0"
    r = c["alice"].get("/notifications")
    assert "<strong>New</strong>" not in r.text
    assert c["bob"].post("/notifications/read", {}, csrf=False).status == 403


@test
def test_only_own_notifications():
    """a member's page never lists another member's notifications"""
    new_post("carol", "only for @bob")
    r = c["dan"].get("/notifications")
    assert "only for" not in r.text


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
