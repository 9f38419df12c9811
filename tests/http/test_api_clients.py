"""The Mastodon client API driven by the real clients members use (issue 13): the `toot` CLI
(0.34, Debian's package) and Mastodon.py (1.8, python3-mastodon), against a running node on
loopback. Both are installed by ./dev's TEST_PACKAGES. toot keeps its config under HOME, so
each toot run gets a private HOME; Mastodon.py runs in this process."""

import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from imagetools import assert_clean, exif, fixture  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("api_clients")
test = suite.test
inst = harness.peer_instance(suite, "api_clients", page_cache_seconds=0)
peer = harness.peer_instance(suite, "api_clients_peer")  # a second parasol node, allowlisted
PASSWORD = harness.PASSWORD
state = {}


def setup():
    for node in (inst, peer):
        node.setup()
        node.start_server()
    harness.allow_peer(inst, harness.instance_domain(peer))
    harness.allow_peer(peer, harness.instance_domain(inst))
    for name in ("rose", "lily", "iris"):
        harness.create_account(inst, name)
    harness.create_account(peer, "bob")
    state["home"] = tempfile.mkdtemp(prefix="parasol-toot-")
    suite.add_cleanup(__import__("shutil").rmtree, state["home"], True)


def toot(*args, check=True, stdin=None):
    """Runs the toot CLI with a private HOME (its config.json lives there); stdin answers
    its prompts (without a terminal, getpass reads the password from it)."""
    env = dict(os.environ, HOME=state["home"], XDG_CONFIG_HOME=os.path.join(state["home"], ".config"),
               LANG="C.UTF-8", LC_ALL="C.UTF-8", NO_COLOR="1", TERM="dumb")
    p = subprocess.run(["toot"] + list(args), capture_output=True, text=True, env=env,
                       timeout=60, input=stdin or "")
    if check:
        assert p.returncode == 0, "toot %s: rc %d\nstdout: %s\nstderr: %s" % (
            " ".join(args), p.returncode, p.stdout, p.stderr)
    return p


def instance():
    return "127.0.0.1:%d" % inst.port


# --- toot -----------------------------------------------------------------------------------------

@test
def test_toot_login():
    """toot login_cli (app registration, the password grant with the handle where toot asks
    for an email) then whoami"""
    p = toot("login_cli", "--disable-https", "-i", instance(), "-e", "rose",
             stdin=PASSWORD + "\n")
    assert "Successfully logged in" in p.stdout, p.stdout
    p = toot("whoami")
    assert "@rose" in p.stdout, p.stdout
    # the token is stored hashed: not in the database in clear
    with open(os.path.join(state["home"], ".config", "toot", "config.json")) as f:
        cfg = json.load(f)
    token = next(iter(cfg["users"].values()))["access_token"]
    dump = inst.cluster.dump_data(inst.dbname)
    assert token not in dump, "the access token is in the database in clear"
    app = next(iter(cfg["apps"].values()))
    assert app["client_secret"] not in dump, "the client secret is in the database in clear"
    assert int(inst.scalar("SELECT count(*) FROM oauth_tokens t JOIN accounts a ON "
                           "a.id = t.account_id WHERE a.username = 'rose'")) == 1


@test
def test_toot_post_timeline_delete():
    """toot post, post with a content warning, timeline (fractional-second times, Link
    paging), delete"""
    p = toot("post", "hello from toot #parasol")
    assert "Toot posted" in p.stdout, p.stdout
    url = p.stdout.strip().split()[-1]
    post_id = url.rstrip("/").split("/")[-1]
    assert inst.scalar("SELECT text FROM statuses WHERE id = %d" % int(post_id)) == \
        "hello from toot #parasol"
    p = toot("post", "behind a warning", "--spoiler-text", "cw here", "--visibility", "unlisted")
    cw_id = p.stdout.strip().split()[-1].rstrip("/").split("/")[-1]
    row = inst.psql("SELECT spoiler_text, visibility FROM statuses WHERE id = %d" % int(cw_id))
    assert row == [["cw here", "unlisted"]], row
    p = toot("timeline", "--once")
    assert "hello from toot" in p.stdout and "behind a warning" in p.stdout, p.stdout
    assert "ID %s" % cw_id in p.stdout and "ID %s" % post_id in p.stdout, p.stdout
    p = toot("delete", cw_id)
    assert "deleted" in p.stdout.lower(), p.stdout
    assert inst.scalar("SELECT count(*) FROM statuses WHERE id = %d" % int(cw_id)) == "0"


@test
def test_toot_reply_favourite_boost_notifications():
    """toot: reply, favourite, boost, and notifications of what another member did"""
    p = toot("post", "rose asks something")
    first = p.stdout.strip().split()[-1].rstrip("/").split("/")[-1]
    p = toot("post", "rose answers herself", "--reply-to", first)
    reply = p.stdout.strip().split()[-1].rstrip("/").split("/")[-1]
    assert inst.scalar("SELECT in_reply_to_id FROM statuses WHERE id = %d" % int(reply)) == first
    p = toot("favourite", first)
    assert int(inst.scalar("SELECT count(*) FROM favourites WHERE status_id = %d"
                           % int(first))) == 1
    toot("reblog", first)
    assert int(inst.scalar("SELECT count(*) FROM statuses WHERE reblog_of_id = %d"
                           % int(first))) == 1
    # iris, through Mastodon.py, likes rose's post and mentions her
    Mastodon, base, cid, secret = mastodon_app("iris's app")
    iris = Mastodon(client_id=cid, client_secret=secret, api_base_url=base)
    iris.log_in("iris", PASSWORD)
    iris.status_favourite(int(first))
    iris.status_post("@rose hello from iris")
    p = toot("notifications")
    assert "iris" in p.stdout and "hello from iris" in p.stdout, p.stdout


@test
def test_toot_follow_remote():
    """toot follow user@peer: the search with resolve finds the account on an allowlisted
    parasol node (toot matches its acct), the follow reaches that node"""
    handle = "bob@" + harness.instance_domain(peer)
    p = toot("follow", handle)
    assert "You are now following " + handle in p.stdout, p.stdout
    harness.wait_for(lambda: peer.scalar(
        "SELECT count(*) FROM follows f JOIN accounts a ON a.id = f.account_id"
        " WHERE a.username = 'rose' AND a.domain = '%s'" % instance()) == "1",
        what="the peer recording rose as bob's follower")
    p = toot("follow", "nobody@" + harness.instance_domain(peer), check=False)
    assert p.returncode != 0 and "Account not found" in p.stderr + p.stdout, p


@test
def test_toot_post_with_image():
    """toot post --media --description (POST /api/v1/media, then the post with media_ids):
    the post carries the image with its description, stored without the GPS it was sent
    with"""
    path = os.path.join(state["home"], "street.jpg")
    with open(path, "wb") as f:
        f.write(fixture("photo.jpg"))
    assert any(k.startswith("GPS:") for k in exif(path)), "the fixture has no GPS"
    p = toot("post", "a photo from toot", "--media", path, "--description", "a quiet street")
    post_id = p.stdout.strip().split()[-1].rstrip("/").split("/")[-1]
    rows = inst.psql("SELECT file_name, thumb_name, description FROM media"
                     " WHERE status_id = %d" % int(post_id))
    assert len(rows) == 1 and rows[0][2] == "a quiet street", rows
    for name in rows[0][:2]:
        tags = assert_clean(os.path.join(inst.data_dir, "media", name))
        assert not any(k.startswith("GPS:") for k in tags), tags


@test
def test_toot_wrong_password():
    """toot login_cli with a wrong password fails and gets no token"""
    before = inst.scalar("SELECT count(*) FROM oauth_tokens")
    p = toot("login_cli", "--disable-https", "-i", instance(), "-e", "lily",
             stdin="not the password\n", check=False)
    assert p.returncode != 0, p.stdout
    assert inst.scalar("SELECT count(*) FROM oauth_tokens") == before


# --- Mastodon.py ----------------------------------------------------------------------------------

def mastodon_app(name="parasol test"):
    from mastodon import Mastodon
    base = "http://" + instance()
    client_id, client_secret = Mastodon.create_app(name, api_base_url=base)
    return Mastodon, base, client_id, client_secret


@test
def test_mastodonpy_flow():
    """Mastodon.py: app registration, log_in, status_post in each visibility,
    timeline_home paged with fetch_next (the Link header), status_favourite"""
    Mastodon, base, cid, secret = mastodon_app()
    api = Mastodon(client_id=cid, client_secret=secret, api_base_url=base)
    token = api.log_in("lily", PASSWORD)
    assert token
    me = api.account_verify_credentials()
    assert me["acct"] == "lily" and me["username"] == "lily"
    made = {}
    for vis in ("public", "unlisted", "private", "direct"):
        st = api.status_post("lily's %s post" % vis, visibility=vis)
        assert st["visibility"] == vis, st
        made[vis] = st["id"]
    for vis, sid in made.items():
        assert inst.scalar("SELECT visibility FROM statuses WHERE id = %d" % sid) == vis
    for i in range(5):
        api.status_post("page filler %d" % i)
    page = api.timeline_home(limit=3)
    assert len(page) == 3
    seen = [s["id"] for s in page]
    nxt = api.fetch_next(page)
    assert nxt is not None and len(nxt) == 3, nxt
    seen += [s["id"] for s in nxt]
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 6, seen
    fav = api.status_favourite(made["public"])
    assert fav["favourited"] is True and fav["favourites_count"] == 1, fav
    assert int(inst.scalar("SELECT count(*) FROM favourites WHERE status_id = %d"
                           % made["public"])) == 1


@test
def test_mastodonpy_search_and_follow():
    """Mastodon.py: search_v2 (all three keys) finds a member here and, with resolve, bob on
    the allowlisted peer; account_follow follows both (the peer records iris as bob's
    follower)"""
    Mastodon, base, cid, secret = mastodon_app()
    api = Mastodon(client_id=cid, client_secret=secret, api_base_url=base)
    api.log_in("iris", PASSWORD, scopes=["read", "write", "follow"])
    found = api.search_v2("lily", resolve=False)
    assert set(found) >= {"accounts", "hashtags", "statuses"}, found
    lily = [a for a in found["accounts"] if a["acct"] == "lily"]
    assert lily, found["accounts"]
    rel = api.account_follow(lily[0]["id"])
    assert rel["following"] is True, rel
    handle = "bob@" + harness.instance_domain(peer)
    found = api.search_v2(handle, resolve=True)
    bob = [a for a in found["accounts"] if a["acct"] == handle]
    assert bob, found["accounts"]
    rel = api.account_follow(bob[0]["id"])
    assert rel["following"] is True or rel["requested"] is True, rel
    harness.wait_for(lambda: peer.scalar(
        "SELECT count(*) FROM follows f JOIN accounts a ON a.id = f.account_id"
        " WHERE a.username = 'iris' AND a.domain = '%s'" % instance()) == "1",
        what="the peer recording iris as bob's follower")
    assert inst.scalar("SELECT count(*) FROM follows f JOIN accounts a ON a.id = f.account_id"
                       " JOIN accounts t ON t.id = f.target_account_id"
                       " WHERE a.username = 'iris' AND t.username = 'lily'"
                       " AND t.domain IS NULL") == "1"


@test
def test_mastodonpy_trailing_slash_and_version():
    """Mastodon.py reads /api/v1/instance/ (trailing slash) and parses the version"""
    Mastodon, base, cid, secret = mastodon_app()
    api = Mastodon(client_id=cid, client_secret=secret, api_base_url=base,
                   version_check_mode="created")
    info = api.instance()
    assert info["version"].startswith("4.0.0 (compatible; parasol "), info["version"]
    assert api.verify_minimum_version("4.0.0", cached=False)


def setup_all():
    setup()


if __name__ == "__main__":
    sys.exit(suite.run(setup_all))
