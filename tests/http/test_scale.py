"""Pages at scale: the counters pages show are kept by the database in the same transaction as
each change (and agree with a full recount), and the timelines that read their rows through
candidates (home, tags, pins, bookmarks) stay exact when the filters thin out a batch: an
older visible post behind many hidden ones is still found, pages neither skip nor repeat."""

import os
import re
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("scale")
test = suite.test
# sweep_interval 1: the periodic sweep trims the home feeds within a second or two
inst = harness.Instance(suite, "scale", sweep_interval="1")
c = {}
ids = {}


def setup():
    inst.setup()
    inst.start_server()
    for name in ("alice", "bob", "carol", "dave", "eve"):
        c[name] = harness.member(inst, name)
        ids[name] = inst.scalar("SELECT id FROM accounts WHERE username = '%s'" % name)


def new_post(who, text, **kw):
    return harness.post_and_get_id(inst, c[who], who, text, **kw)


def page_ids(who, path):
    r = c[who].get(path) if who else harness.request(inst.port, "GET", path)
    assert r.status == 200, (path, r)
    return harness.status_ids_on(r.text)


def counts_on(who, sid):
    """(replies, boosts, likes) as the thread page of sid shows them to who."""
    r = c[who].get("/@%s/%s" % (author_of(sid), sid))
    assert r.status == 200, r
    block = r.text[r.text.index('id="s-%s"' % sid):]
    m = re.search(r"Replies: (\d+) · Boosts: (\d+) · Likes: (\d+)", block)
    assert m, block[:800]
    return tuple(int(x) for x in m.groups())


def author_of(sid):
    return inst.scalar("SELECT a.username FROM statuses s JOIN accounts a ON a.id = s.account_id"
                       " WHERE s.id = %s" % sid)


def bulk_posts(who, n, visibility, text, mention=None):
    """n posts by who made in one INSERT (the counters' triggers run for each row); the ids,
    oldest first."""
    rows = inst.psql(
        "INSERT INTO statuses (account_id, text, content, visibility)"
        " SELECT %s, '%s ' || i, '<p>%s ' || i || '</p>', '%s' FROM generate_series(1, %d) i"
        " RETURNING id" % (ids[who], text, text, visibility, n))
    made = sorted(int(r[0]) for r in rows)
    if mention:
        inst.psql("INSERT INTO mentions (status_id, account_id) SELECT unnest('{%s}'::bigint[]),"
                  " %s" % (",".join(map(str, made)), ids[mention]))
    return [str(x) for x in made]


def follow(who, whom):
    assert c[who].post("/@%s/follow" % whom, {}).status == 303


def all_pages(who, path):
    """Every post id of a timeline, following its "older" links from the first page."""
    seen, url = [], path
    for _ in range(50):
        r = c[who].get(url) if who else harness.request(inst.port, "GET", url)
        assert r.status == 200, (url, r)
        seen += harness.status_ids_on(r.text)
        m = re.search(r'href="([^"]*max_id=\d+[^"]*)"', r.text)
        if not m:
            return seen
        url = m.group(1).replace("&amp;", "&")
    raise AssertionError("more than 50 pages")


@test
def test_counters_follow_likes_and_boosts():
    """a post's counts follow like, unlike, like again, boost, unboost, reply and delete"""
    sid = new_post("alice", "count me")
    assert counts_on("bob", sid) == (0, 0, 0)
    for path, want in (("favourite", (0, 0, 1)), ("unfavourite", (0, 0, 0)),
                       ("favourite", (0, 0, 1)), ("reblog", (0, 1, 1)),
                       ("unreblog", (0, 0, 1))):
        assert c["bob"].post("/statuses/%s/%s" % (sid, path), {}).status == 303, path
        assert counts_on("carol", sid) == want, (path, counts_on("carol", sid))
    reply = new_post("carol", "@alice an answer", in_reply_to_id=sid)
    assert counts_on("bob", sid) == (1, 0, 1)
    assert c["carol"].post("/statuses/%s/delete" % reply, {}).status == 303
    assert counts_on("bob", sid) == (0, 0, 1)


@test
def test_profile_counts():
    """a profile's posts, followers and following counts follow posts, deletes and follows"""
    def counts():
        r = c["bob"].get("/@eve")
        assert r.status == 200, r
        return [int(inst.scalar("SELECT COALESCE(sum(%s), 0) FROM account_stats"
                                " WHERE account_id = %s" % (col, ids["eve"])))
                for col in ("statuses_count", "followers_count", "following_count")]
    before = counts()
    sid = new_post("eve", "eve posts")
    follow("dave", "eve")
    follow("eve", "alice")
    assert counts() == [before[0] + 1, before[1] + 1, before[2] + 1], counts()
    r = c["bob"].get("/@eve")
    assert re.search(r"\b%d\b" % (before[0] + 1), r.text), "the page doesn't show the count"
    assert c["eve"].post("/statuses/%s/delete" % sid, {}).status == 303
    assert c["dave"].post("/@eve/unfollow", {}).status == 303
    assert counts() == [before[0], before[1], before[2] + 1], counts()


@test
def test_home_finds_older_posts_behind_hidden_ones():
    """home finds a followed account's older post behind 60 newer ones the viewer can't see

    carol follows dave, whose 60 newest posts are direct messages to eve; the candidates come
    in batches until the page is full."""
    follow("carol", "dave")
    old = new_post("dave", "dave's older public post")
    hidden = bulk_posts("dave", 60, "direct", "for eve only", mention="eve")
    home = page_ids("carol", "/home")
    assert old in home, home
    assert not set(hidden) & set(home), "a direct message to someone else shows"
    # muting dave empties carol's home of dave, however many of his posts there are
    assert c["carol"].post("/@dave/mute", {}).status == 303
    assert old not in page_ids("carol", "/home")
    assert c["carol"].post("/@dave/unmute", {}).status == 303


@test
def test_home_pages_neither_skip_nor_repeat():
    """home's older links show 70 posts of three followed accounts once each, newest first"""
    for who in ("alice", "carol", "eve"):
        follow("bob", who)
    rows = inst.psql(
        "INSERT INTO statuses (account_id, text, content, visibility)"
        " SELECT (ARRAY[%s, %s, %s]::bigint[])[1 + i %% 3], 'paged ' || i, '<p>paged</p>',"
        " CASE WHEN i %% 4 = 0 THEN 'private' ELSE 'public' END"
        " FROM generate_series(1, 70) i RETURNING id"
        % (ids["alice"], ids["carol"], ids["eve"]))
    made = [r[0] for r in rows]
    seen = all_pages("bob", "/home")
    mine = [x for x in seen if x in set(made)]
    assert mine == sorted(made, key=int, reverse=True), (len(mine), len(made))
    assert len(seen) == len(set(seen)), "a post shows twice"


def newer_page(who, min_id):
    """The ids /home?min_id= shows: the 20 oldest above min_id, newest first."""
    return page_ids(who, "/home?min_id=%s" % min_id)


@test
def test_home_feed_floor_is_invisible():
    """bob's home is the same, older and newer pages alike, whether its rows come from his
    feed, from the accounts he follows (below a trimmed feed's floor) or both: trimmed,
    rebuilt, without a feed; a follow after the trim brings old and new posts, an unfollow
    takes them away"""
    bob = ids["bob"]
    full = all_pages("bob", "/home")
    assert len(full) >= 70, len(full)
    oldest_first = list(reversed(full))

    def expect_newer(min_id):
        above = [x for x in oldest_first if int(x) > int(min_id)]
        return list(reversed(above[:20]))

    def check(what):
        assert all_pages("bob", "/home") == full, what
        for k in (0, 5, 19, 20, 21, 40, len(full) - 2):
            m = oldest_first[k]
            assert newer_page("bob", m) == expect_newer(m), (what, k)

    check("feed complete")
    # trimmed to its newest 10 rows: the floor rises, the rest is read per followed account
    inst.psql("SELECT parasol_trim_home_feeds(10, 0, 1000)")
    floor = inst.scalar("SELECT floor_id FROM home_feeds WHERE account_id = %s" % bob)
    assert int(floor) > 0
    assert inst.scalar("SELECT count(*) FROM home_feed WHERE account_id = %s" % bob) == "10"
    check("feed trimmed")
    # a followed account's post from hours before the rest lies below the window that pages
    # under the floor read first (db/statuses.c, below_floor_desc): found by the read below
    ancient = str(min(int(x) for x in full) - (1 << 40))
    inst.psql("INSERT INTO statuses (id, account_id, text, content, visibility) VALUES"
              " (%s, %s, 'ancient', '<p>ancient</p>', 'public')" % (ancient, ids["alice"]))
    assert all_pages("bob", "/home") == full + [ancient], "the post below the window"
    inst.psql("DELETE FROM statuses WHERE id = %s" % ancient)
    # dave's older posts (below the floor) and a new one show after a follow, and go after
    # an unfollow
    dave_old = new_post("dave", "dave before the follow")
    inst.psql("UPDATE home_feeds SET floor_id = %s + 1 WHERE account_id = %s"
              % (dave_old, bob))
    follow("bob", "dave")
    dave_new = new_post("dave", "dave after the follow")
    home = all_pages("bob", "/home")
    assert dave_old in home and dave_new in home, (dave_old, dave_new)
    daves = set(r[0] for r in inst.psql("SELECT id FROM statuses WHERE account_id = %s"
                                        % ids["dave"]))
    assert [x for x in home if x not in daves] == full
    assert c["bob"].post("/@dave/unfollow", {}).status == 303
    assert all_pages("bob", "/home") == full
    assert inst.scalar("SELECT count(*) FROM home_feed h JOIN statuses s ON s.id = h.status_id"
                       " WHERE h.account_id = %s AND s.account_id = %s" % (bob, ids["dave"])) \
        == "0"
    # rebuilt from scratch, then without any feed at all
    inst.psql("SELECT parasol_rebuild_home_feeds(15)")
    check("feed rebuilt")
    inst.psql("DELETE FROM home_feeds WHERE account_id = %s" % bob)
    check("no feed")
    inst.psql("SELECT parasol_rebuild_home_feeds(800)")
    check("feed rebuilt whole")


@test
def test_tag_finds_older_posts_behind_hidden_ones():
    """a tag shows visitors an old public post behind 50 followers-only ones; followers all"""
    pub = new_post("alice", "an old #scaletag post", visibility="public")
    priv = bulk_posts("alice", 50, "private", "quiet #scaletag")
    tag = inst.scalar("SELECT id FROM tags WHERE lower(name) = 'scaletag'")
    inst.psql("INSERT INTO status_tags (tag_id, status_id) SELECT %s, unnest('{%s}'::bigint[])"
              % (tag, ",".join(priv)))
    assert page_ids(None, "/tags/scaletag") == [pub]
    follow("dave", "alice")
    seen = all_pages("dave", "/tags/scaletag")
    assert seen == sorted(priv + [pub], key=int, reverse=True), seen


@test
def test_pins_of_a_member_with_many_posts():
    """a pinned old post leads a profile with 300 newer posts; unpinned, it leaves page one"""
    old = new_post("eve", "pin me")
    bulk_posts("eve", 300, "public", "newer")
    assert c["eve"].post("/statuses/%s/pin" % old, {}).status == 303
    r = harness.request(inst.port, "GET", "/@eve")
    assert harness.status_ids_on(r.text)[0] == old, harness.status_ids_on(r.text)[:3]
    assert c["eve"].post("/statuses/%s/unpin" % old, {}).status == 303
    r = harness.request(inst.port, "GET", "/@eve")
    assert old not in harness.status_ids_on(r.text)


@test
def test_hidden_pin_leaves_the_profile():
    """a pinned post a moderator hid leaves its profile for others, and stays for its author;
    a pin of another member's post never shows"""
    sid = new_post("dave", "pinned, then hidden")
    assert c["dave"].post("/statuses/%s/pin" % sid, {}).status == 303
    assert sid in page_ids("bob", "/@dave")
    inst.psql("UPDATE statuses SET mod_hidden = true WHERE id = %s" % sid)
    assert sid not in page_ids(None, "/@dave"), "a visitor sees the hidden pin"
    assert sid not in page_ids("bob", "/@dave"), "a member sees the hidden pin"
    assert sid in page_ids("dave", "/@dave"), "its author lost it"
    other = new_post("alice", "alice's, pinned by dave by hand")
    inst.psql("INSERT INTO pins (account_id, status_id) VALUES (%s, %s)" % (ids["dave"], other))
    assert other not in page_ids("bob", "/@dave")


@test
def test_bookmarks_pages():
    """bookmarks of posts far apart in time page in order, without the ones un-bookmarked"""
    posts = bulk_posts("alice", 45, "public", "keep")
    for sid in posts:
        assert c["carol"].post("/statuses/%s/bookmark" % sid, {}).status == 303
    gone = posts[10]
    assert c["carol"].post("/statuses/%s/unbookmark" % gone, {}).status == 303
    seen = all_pages("carol", "/bookmarks")
    want = sorted((p for p in posts if p != gone), key=int, reverse=True)
    assert seen == want, (len(seen), len(want))


@test
def test_sweep_trims_a_long_home_feed():
    """the periodic sweep trims a home feed past 1,600 rows to its newest 800 and raises its
    floor; the first page and the pages across the floor still show the newest posts"""
    bob = ids["bob"]
    made = bulk_posts("alice", 1700, "public", "bulk")
    deadline = time.monotonic() + 60
    while inst.scalar("SELECT floor_id FROM home_feeds WHERE account_id = %s" % bob) == "0" \
            or int(inst.scalar("SELECT count(*) FROM home_feed WHERE account_id = %s"
                               % bob)) > 800:
        assert time.monotonic() < deadline, "the sweep did not trim bob's feed"
        time.sleep(0.2)
    assert inst.scalar("SELECT count(*) FROM home_feed WHERE account_id = %s" % bob) == "800"
    floor = inst.scalar("SELECT floor_id FROM home_feeds WHERE account_id = %s" % bob)
    newest = list(reversed(made))
    assert floor == newest[799], (floor, newest[799])
    assert page_ids("bob", "/home") == newest[:20]
    assert page_ids("bob", "/home?max_id=%s" % newest[789]) == newest[790:810]
    assert page_ids("bob", "/home?min_id=%s" % newest[810]) == newest[790:810]


@test
def test_counters_agree_with_a_recount():
    """the counters the triggers kept through the tests above equal a full recount"""
    q = ("SELECT string_agg(format('%s', x), ';' ORDER BY x::text) FROM (SELECT status_id,"
         " replies_count, reblogs_count, favourites_count FROM status_stats WHERE replies_count"
         " + reblogs_count + favourites_count > 0) x")
    qa = ("SELECT string_agg(format('%s', x), ';' ORDER BY x::text) FROM (SELECT account_id,"
          " statuses_count, public_statuses_count, followers_count, following_count"
          " FROM account_stats WHERE statuses_count + followers_count + following_count > 0) x")
    before = (inst.scalar(q), inst.scalar(qa))
    assert before[0] and before[1], "no counters at all"
    inst.psql("SELECT parasol_recount_stats()")
    assert (inst.scalar(q), inst.scalar(qa)) == before


harness.add_server_end_tests(suite, lambda: inst.server)
suite.run(setup)
