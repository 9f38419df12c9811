"""Member pages: a signed-in member's /home, an older page of it and /notifications are kept
in the page cache per session and served again only after one check proves that nothing
they show changed (migration 0032, web/memberpage.c). Exactness is tested differentially:

Server A keeps pages (page_cache_seconds = 600); server B, on the same database, keeps
none. The member's browser cookie is sent to both, so both render for the same session (the
same CSRF token). Before each write from a long list (posts, replies, boosts, likes, edits,
deletes, blocks and mutes by either side, follows, a peer's post applied by A's worker,
moderation by hand, a domain policy, profile and settings changes, the clock moving...) A's
pages are loaded until they come from the cache; after it, each of A's answers must equal
B's, byte for byte. The last test drops one trigger and shows that the comparison then
fails, i.e. that it can see a stale page.

Both servers read the clock from a file (PARASOL_TEST_CLOCK_FILE): the relative times on
the pages ("2 h ago") are the same for both, and moving the clock is one of the writes."""

import os
import re
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import imagetools  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("member_cache")
test = suite.test
A = harness.peer_instance(suite, "member_cache", page_cache_seconds=600)
state = {}
c = {}

PAGES = ["/home", "/notifications"]  # and /home?max_id=... (setup)


def set_clock(t):
    with open(state["clock"], "w") as f:
        f.write("%d\n" % t)
    state["now"] = t


def setup():
    clock = os.path.join(A.tmp, "clock")
    state["clock"] = clock
    set_clock(int(time.time()) + 3 * 3600)
    A.env = {"PARASOL_TEST_CLOCK_FILE": clock}
    A.setup()
    A.start_server()
    # B: its own port and files, A's database, no page cache.
    b = harness.peer_instance(suite, "member_cache_b", page_cache_seconds=0)
    b.dbname = A.dbname
    b.settings = harness.base_settings(b.cluster, A.dbname, b.port, b.data_dir)
    b.settings.update(b._pending)
    b.write_config(b.conf, b.settings)
    b.env = {"PARASOL_TEST_CLOCK_FILE": clock}
    b.start_server()
    state["b"] = b
    harness.create_account(A, "root", role="admin")
    c["root"] = harness.member(A, "root", create=False)
    for name in ("vera", "lou", "kit", "max"):
        c[name] = harness.member(A, name)
    # vera's browser, once more for B: the same session cookie
    vb = harness.WebClient(b.port)
    vb.cookies = dict(c["vera"].cookies)
    c["vera_b"] = vb
    for name in ("lou", "kit"):
        harness.assert_status(c["vera"].post("/@%s/follow" % name, {}), 303, "follow")
    # a remote account vera follows, posting through A's inbox (A's worker applies it)
    peer = harness.FakePeer(suite)
    harness.allow_peer(A, peer.domain)
    pat = peer.add_actor("pat")
    state.update(peer=peer, pat=pat)
    follow_pat()
    pat_post("pat's first")
    pat_post("pat's second")
    state["vera_post"] = post("vera", "vera's own")
    for i in range(24):
        state["lou_last"] = post("lou", "lou number %d" % i)
    state["kit_post"] = post("kit", "kit says hi")
    post("max", "@vera hello from max")
    home = harness.status_ids_on(c["vera"].get("/home").text)
    assert len(home) >= 20, home
    PAGES.append("/home?max_id=%s" % home[10])


def post(who, text, **kw):
    return harness.post_and_get_id(A, c[who], who, text, **kw)


def follow_pat():
    """vera follows pat: A sends the Follow, pat's Accept comes to A's inbox."""
    pat, peer = state["pat"], state["peer"]
    r = c["vera"].get("/search?q=" + "pat@" + peer.domain)
    harness.assert_status(r, 200, "search for pat")
    r = c["vera"].post("/@pat@%s/follow" % peer.domain, {})
    harness.assert_status(r, 303, "follow pat")
    uri = harness.wait_for(lambda: A.scalar(
        "SELECT r.uri FROM follow_requests r JOIN accounts a ON a.id = r.target_account_id"
        " WHERE a.username = 'pat'"), 30, what="vera's follow request to pat")
    accept = {"@context": "https://www.w3.org/ns/activitystreams",
              "id": pat.uri + "#accepts/1", "type": "Accept", "actor": pat.uri,
              "object": {"id": uri, "type": "Follow",
                         "actor": "http://127.0.0.1:%d/users/vera" % A.port,
                         "object": pat.uri}}
    r = pat.post(A.port, "/inbox", accept)
    assert r.status in (200, 202), r
    harness.wait_for(lambda: A.scalar(
        "SELECT count(*) FROM follows f JOIN accounts a ON a.id = f.target_account_id"
        " WHERE a.username = 'pat'") == "1", 30, what="A to apply pat's Accept")


def pat_post(text):
    pat = state["pat"]
    before = int(A.scalar("SELECT count(*) FROM statuses s JOIN accounts a"
                          " ON a.id = s.account_id WHERE a.username = 'pat'"))
    r = pat.post(A.port, "/inbox", harness.activity_create(pat, text))
    assert r.status in (200, 202), r
    harness.wait_for(lambda: int(A.scalar(
        "SELECT count(*) FROM statuses s JOIN accounts a ON a.id = s.account_id"
        " WHERE a.username = 'pat'")) > before, 30, what="A's worker to apply pat's post")


def load(client, path, gzip=False):
    r = client.get(path, headers={"Accept-Encoding": "gzip"} if gzip else None)
    harness.assert_status(r, 200, "GET " + path)
    return r


def warm():
    """Loads A's pages until each comes from the cache (an Age header): the pages the next
    write must make stale are there to be served."""
    for path in PAGES:
        for gzip in (False, True):
            # a few tries: the worker may still be writing what the last write set off
            for _ in range(5):
                load(c["vera"], path, gzip)
                if load(c["vera"], path, gzip).header("Age") is not None:
                    break
            else:
                raise AssertionError("%s was not answered from the cache" % path)


def differences():
    """The pages whose answer from A differs from B's fresh rendering."""
    out = []
    for path in PAGES:
        for gzip in (False, True):
            a = load(c["vera"], path, gzip)
            b = load(c["vera_b"], path, gzip)
            if gzip:
                import zlib
                a_body = zlib.decompress(a.body, 31) if a.header("Content-Encoding") else a.body
                b_body = zlib.decompress(b.body, 31) if b.header("Content-Encoding") else b.body
            else:
                a_body, b_body = a.body, b.body
            if a_body != b_body:
                out.append((path, gzip, a.header("Age")))
    return out


def same_after(what, write):
    warm()
    write()
    diff = differences()
    assert not diff, "after %s, A served pages B renders otherwise: %r" % (what, diff)


def form(who, path, fields=None, status=303):
    harness.assert_status(c[who].post(path, fields or {}), status, "%s POST %s" % (who, path))


def by_hand(sql):
    A.psql(sql)


WRITES = [
    ("a post by a followed member", lambda: post("lou", "lou again")),
    ("a post by someone not followed", lambda: post("max", "max alone")),
    ("a reply to the member's post",
     lambda: post("lou", "@vera a reply", in_reply_to_id=state["vera_post"])),
    ("a reply by a stranger to a post on the page",
     lambda: post("max", "@lou replying", in_reply_to_id=state["lou_last"])),
    ("a boost by a followed member",
     lambda: form("kit", "/statuses/%s/reblog" % state["lou_last"])),
    ("a like of the member's post",
     lambda: form("max", "/statuses/%s/favourite" % state["vera_post"])),
    ("that like taken back",
     lambda: form("max", "/statuses/%s/unfavourite" % state["vera_post"])),
    ("a like by the member", lambda: form("vera", "/statuses/%s/favourite" % state["kit_post"])),
    ("a bookmark by the member",
     lambda: form("vera", "/statuses/%s/bookmark" % state["kit_post"])),
    ("an edit of a post on the page",
     lambda: form("kit", "/statuses/%s/edit" % state["kit_post"], {"text": "kit edited"})),
    ("a post on the page deleted",
     lambda: form("lou", "/statuses/%s/delete" % state["lou_last"], {"confirm": "1"})),
    ("a peer's post applied by the worker", lambda: pat_post("pat's third")),
    ("a block of the member by a followed member", lambda: form("kit", "/@vera/block")),
    ("that block lifted", lambda: form("kit", "/@vera/unblock")),
    ("the member blocks someone", lambda: form("vera", "/@max/block")),
    ("and unblocks them", lambda: form("vera", "/@max/unblock")),
    ("the member mutes a followed member", lambda: form("vera", "/@lou/mute")),
    ("and unmutes them", lambda: form("vera", "/@lou/unmute")),
    ("the member unfollows", lambda: form("vera", "/@kit/unfollow")),
    ("and follows again", lambda: form("vera", "/@kit/follow")),
    ("a follow of the member", lambda: form("max", "/@vera/follow")),
    ("a profile edit of a followed member",
     lambda: form("lou", "/settings/profile", {"display_name": "Lou Renamed", "bio": "hi"})),
    ("the member's own profile edit",
     lambda: form("vera", "/settings/profile", {"display_name": "Vera V", "bio": ""})),
    ("the member's time zone",
     lambda: form("vera", "/settings/preferences", {"language": "en",
                                                    "time_zone": "Europe/Berlin",
                                                    "default_visibility": "public"})),
    ("notifications marked read", lambda: form("vera", "/notifications/read")),
    ("a post made sensitive by hand",
     lambda: by_hand("UPDATE statuses SET sensitive = true WHERE id = %s" % state["kit_post"])),
    ("a post hidden by the moderators (by hand)",
     lambda: by_hand("UPDATE statuses SET mod_hidden = true WHERE id = (SELECT max(s.id)"
                     " FROM statuses s JOIN accounts a ON a.id = s.account_id"
                     " WHERE a.username = 'lou')")),
    ("a followed member suspended (by hand)",
     lambda: by_hand("UPDATE accounts SET suspended_at = now() WHERE username = 'lou'")),
    ("and unsuspended",
     lambda: by_hand("UPDATE accounts SET suspended_at = NULL WHERE username = 'lou'")),
    ("a domain policy limiting the peer (by hand)",
     lambda: by_hand("INSERT INTO domain_policies (domain, limited) VALUES ('%s', true)"
                     % state["peer"].domain)),
    ("the peer's account renamed (by hand)",
     lambda: by_hand("UPDATE accounts SET display_name = 'Pat P' WHERE username = 'pat'")),
    ("the instance renamed",
     lambda: harness.db_change(A, "INSERT INTO instance_settings VALUES ('instance_name',"
                               " 'Renamed') ON CONFLICT (key) DO UPDATE SET value = 'Renamed'",
                               "settings", servers=[A.server, state["b"].server])),
    ("the member made a moderator (by hand)",
     lambda: by_hand("UPDATE accounts SET role = 'moderator' WHERE username = 'vera'")),
    ("an hour passing", lambda: set_clock(state["now"] + 3600)),
    ("a day passing", lambda: set_clock(state["now"] + 86400)),
]


def make_write_test(what, write):
    def t():
        same_after(what, write)
    t.__name__ = "test_after_" + re.sub(r"\W+", "_", what)
    t.__doc__ = "after %s, the kept pages are what a fresh rendering shows" % what
    return t


for _what, _write in WRITES:
    test(make_write_test(_what, _write))


@test
def test_remote_image_arriving():
    """a followed peer's post whose image is not loaded yet: the kept /home shows "Image not
    loaded yet"; once the worker's media_fetch job stored the image, the next /home shows it,
    as a fresh rendering does, with no clock moved; and a kept page served again marks the
    image shown, so that the remote-media cache doesn't expire an image members still see"""
    pat, peer = state["pat"], state["peer"]
    release = threading.Event()
    suite.add_cleanup(release.set)

    def held(_p):
        release.wait(60)
        return (200, imagetools.fixture("photo.jpg"), "image/jpeg", {})
    peer.routes["/media/cat.jpg"] = held
    url = peer.base + "/media/cat.jpg"
    act = harness.activity_create(pat, "pat's cat")
    act["object"]["attachment"] = [{"type": "Document", "mediaType": "image/jpeg",
                                    "url": url, "name": "A cat on a windowsill"}]
    r = pat.post(A.port, "/inbox", act)
    assert r.status in (200, 202), r
    uri = act["object"]["id"]
    sid = harness.wait_for(lambda: A.scalar("SELECT id FROM statuses WHERE uri = '%s'" % uri),
                           30, what="pat's post with an image stored")
    state_of = "SELECT state FROM remote_files WHERE url = '%s'" % url

    def article():
        r = load(c["vera"], "/home")
        m = re.search(r'<article class="status" id="s-%s".*?</article>' % sid, r.text, re.S)
        assert m, r.text[:3000]
        return r, m.group(0)
    warm()
    r, art = article()
    assert r.header("Age") is not None, "/home was not kept"
    assert "Image not loaded yet" in art and "<img" not in art, art
    assert A.scalar(state_of) == "pending"
    release.set()
    harness.wait_for(lambda: A.scalar(state_of) == "cached", 60, what="the image stored")
    diff = differences()
    assert not diff, "after the image arrived, A served pages B renders otherwise: %r" % diff
    r, art = article()
    assert "Image not loaded yet" not in art and '<img src="/media/' in art, art
    # the image was last shown long ago: the kept page, served again, shows it now
    A.psql("UPDATE remote_files SET last_shown_at = now() - interval '10 days'"
           " WHERE url = '%s'" % url)
    r, _ = article()
    assert r.header("Age") is not None, "/home was not kept"
    assert A.scalar("SELECT last_shown_at > now() - interval '1 hour' FROM remote_files"
                    " WHERE url = '%s'" % url) == "t", "the kept page didn't mark it shown"


@test
def test_hit_is_one_check():
    """an unchanged /home is answered from the cache, with one check and no page query"""
    load(c["vera"], "/home")
    log_before = len(A.server.log())
    r = load(c["vera"], "/home")
    assert r.header("Age") is not None
    assert r.header("Cache-Control") and "no-store" in r.header("Cache-Control"), \
        r.header("Cache-Control")
    # the request's own line is written once its answer is sent
    harness.wait_for(lambda: "GET (page cache) 200" in A.server.log()[log_before:], 10,
                     what="the request's log line")
    new = A.server.log()[log_before:]
    assert new.count("member page: kept page served after its check") == 1, new[-800:]
    assert "member page: rendered" not in new, new[-800:]


@test
def test_sign_out_drops_the_sessions_pages():
    """after sign-out the old cookie gets the sign-in redirect and no page of it is kept"""
    w = harness.member(A, "wanda")
    load(w, "/home")
    assert load(w, "/home").header("Age") is not None
    cookies = dict(w.cookies)
    before = A.server.log().count("member page: dropped")
    harness.assert_status(w.logout(), 303, "sign-out")
    assert "member page: dropped 1 kept pages" in A.server.log()[-4000:], \
        A.server.log()[-2000:]
    assert A.server.log().count("member page: dropped") == before + 1
    old = harness.WebClient(A.port)
    old.cookies = cookies
    r = old.get("/home")
    assert r.status == 303 and "/login" in r.header("Location", ""), r


@test
def test_a_missing_trigger_is_seen():
    """with the trigger on mutes dropped, a mute leaves a stale page that the comparison
    catches (so the comparisons above could fail)"""
    by_hand("DROP TRIGGER page_marks_mutes_row ON mutes")
    try:
        warm()
        form("vera", "/@kit/mute")
        diff = differences()
        assert diff, "the comparison saw no stale page with a trigger missing"
    finally:
        by_hand("CREATE TRIGGER page_marks_mutes_row AFTER INSERT OR DELETE ON mutes"
                " FOR EACH ROW EXECUTE FUNCTION page_marks_pair_row()")
        form("vera", "/@kit/unmute")


harness.add_server_end_tests(suite, lambda: A.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
