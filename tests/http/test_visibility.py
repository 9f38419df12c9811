"""The one visibility rule on every page: for each visibility, who sees the post on the thread
page, the author's profile, home, local and the hashtag page: the author, a follower, a member
who doesn't follow, a mentioned member, a visitor and an account the author blocked."""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("visibility")
test = suite.test
inst = harness.Instance(suite, "visibility")
c = {}
posts = {}  # visibility -> id

VISIBILITIES = ("public", "unlisted", "private", "members", "direct")
VIEWERS = ("author", "follower", "member", "mentioned", "visitor", "blocked")

# Who may see a post of each visibility at all (thread page, profile).
SEES = {
    "public": {"author", "follower", "member", "mentioned", "visitor"},
    "unlisted": {"author", "follower", "member", "mentioned", "visitor"},
    "private": {"author", "follower"},
    "members": {"author", "follower", "member", "mentioned"},
    "direct": {"author", "mentioned"},
}


def setup():
    inst.setup()
    inst.start_server()
    for name in ("author", "follower", "member", "mentioned", "blocked"):
        c[name] = harness.member(inst, name)
    c["visitor"] = harness.WebClient(inst.port)
    r = c["follower"].post("/@author/follow", {"back": "/home"})
    assert r.status == 303, r
    r = c["author"].post("/@blocked/block", {"back": "/home"})
    assert r.status == 303, r
    assert inst.scalar("SELECT count(*) FROM follows") == "1", "the follow did not happen"
    assert inst.scalar("SELECT count(*) FROM blocks") == "1", "the block did not happen"
    for vis in VISIBILITIES:
        posts[vis] = harness.post_and_get_id(
            inst, c["author"], "author", "a %s post for @mentioned #vis%s #visall" % (vis, vis),
            visibility=vis)
    harness.db_change(inst, "INSERT INTO instance_settings (key, value)"
                      " VALUES ('local_timeline_public', 'true')"
                      " ON CONFLICT (key) DO UPDATE SET value = 'true'", "settings")


def listed(viewer, path):
    r = c[viewer].get(path)
    return r, set(harness.status_ids_on(r.text))


def check(page, expect):
    """expect(vis, viewer) -> bool; compares with what each viewer's page lists."""
    problems = []
    for viewer in VIEWERS:
        r, ids = listed(viewer, page)
        for vis in VISIBILITIES:
            want = expect(vis, viewer)
            got = posts[vis] in ids
            if want != got:
                problems.append("%s %s post on %s: want %s, got %s (status %d)" % (
                    viewer, vis, page, want, got, r.status))
    assert not problems, "\n".join(problems)


@test
def test_thread_page():
    """thread page: each viewer sees exactly the posts the rule allows, 404 otherwise"""
    problems = []
    for vis in VISIBILITIES:
        for viewer in VIEWERS:
            r = c[viewer].get("/@author/%s" % posts[vis])
            want = 200 if viewer in SEES[vis] else 404
            if r.status != want:
                problems.append("%s on a %s post: %d, want %d" % (viewer, vis, r.status, want))
            if r.status == 404 and ("a %s post" % vis) in r.text:
                problems.append("%s on a %s post: 404 page shows the text" % (viewer, vis))
    assert not problems, "\n".join(problems)


@test
def test_profile():
    """profile: the posts each viewer may see; the blocked account gets 404"""
    check("/@author", lambda vis, viewer: viewer in SEES[vis])
    assert c["blocked"].get("/@author").status == 404
    assert c["visitor"].get("/@author").status == 200


@test
def test_home():
    """home: the author and the follower (not for direct posts) only"""
    check("/home", lambda vis, viewer: viewer == "author" or (
        viewer == "follower" and vis != "direct"))


@test
def test_local():
    """local: public posts only, for everyone but the blocked account"""
    check("/local", lambda vis, viewer: vis == "public" and viewer != "blocked")


@test
def test_tag_page():
    """tag page: visitors see public posts; members what they may see except direct and
    unlisted posts (unlisted stays off tag pages, as on Mastodon)"""
    def expect(vis, viewer):
        if viewer == "visitor":
            return vis == "public"
        return viewer in SEES[vis] and vis not in ("direct", "unlisted")
    check("/tags/visall", expect)
    for vis in VISIBILITIES:
        r, ids = listed("member", "/tags/vis" + vis)
        assert (posts[vis] in ids) == expect(vis, "member"), vis


@test
def test_history_and_actions_follow_the_rule():
    """history, boosting and liking a post one can't see is 404 (the history of one they can
    see is still only for its author and the moderators: 403)"""
    sid = posts["private"]
    assert c["member"].get("/statuses/%s/history" % sid).status == 404
    assert c["follower"].get("/statuses/%s/history" % sid).status == 403
    assert c["author"].get("/statuses/%s/history" % sid).status == 200
    for action in ("reblog", "favourite", "bookmark"):
        r = c["member"].post("/statuses/%s/%s" % (sid, action), {})
        assert r.status == 404, (action, r)
    r = c["blocked"].post("/statuses/%s/favourite" % posts["public"], {})
    assert r.status == 404, r


@test
def test_block_hides_in_both_directions():
    """the author doesn't see the blocked account's posts either"""
    sid = harness.post_and_get_id(inst, c["blocked"], "blocked", "from the blocked account")
    assert c["author"].get("/@blocked/%s" % sid).status == 404
    assert sid not in harness.status_ids_on(c["author"].get("/local").text)
    assert sid in harness.status_ids_on(c["member"].get("/local").text)


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
