"""Federation with peers that write ActivityStreams loosely, and with hostile names.

One parasol instance A (alice, bob, and a member called sam) with a job worker, and a fake
signing peer F (this script's stdlib http.server, allowlisted by A) with the actors pat and
sam. F sends what ActivityStreams allows and Fedify, GoToSocial and others do send: `to`, `cc`
and `tag` as single values instead of arrays, `inReplyTo` as an object with an id,
`attributedTo` and `type` as arrays, `url` as a Link object. Then: remote post pages and their
Reply link, the reply prefill keeping the domain (never mentioning the member `sam` when
replying to sam@F), remote mentions linked as h-cards, and actors whose preferredUsername
holds '/', '..', '?' and the like refused with nothing stored.

Inbound activities are applied by a job worker, so checks poll (at most WAIT seconds)."""

import html
import json
import os
import re
import sys
import time
import urllib.parse
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("federation_shapes")
test = suite.test
A = harness.peer_instance(suite, "federation_shapes")
AP = "application/activity+json"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
WAIT = 20  # seconds, the longest any single wait may take

state = {}
clients = {}


def setup():
    A.setup()
    A.start_server()
    clients["alice"] = harness.member(A, "alice")
    clients["bob"] = harness.member(A, "bob")
    clients["sam"] = harness.member(A, "sam")  # a member named like the remote sam
    fake = harness.FakePeer(suite)
    harness.allow_peer(A, fake.domain)
    state.update(fake=fake, pat=fake.add_actor("pat"), rsam=fake.add_actor("sam"))
    # alice follows pat: from pat's profile, then pat's Accept (its object embedded).
    follow_from_ui(clients["alice"], "pat@" + fake.domain)
    pat = state["pat"]
    r = pat.post(A.port, "/inbox", {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": pat.uri + "#accepts/" + uuid.uuid4().hex, "type": "Accept", "actor": pat.uri,
        "object": {"type": "Follow", "actor": actor_uri("alice"), "object": pat.uri}})
    harness.assert_status(r, 202, "pat's Accept")
    harness.wait_for(lambda: A.scalar(
        "SELECT count(*) FROM follows f JOIN accounts a ON a.id = f.account_id"
        " JOIN accounts t ON t.id = f.target_account_id WHERE a.username = 'alice'"
        " AND a.domain IS NULL AND t.uri = '%s'" % q(pat.uri)) == "1", WAIT,
        what="alice -> pat recorded as a follow")


def q(s):
    return s.replace("'", "''")


def base():
    return harness.instance_base(A)


def actor_uri(name):
    return "%s/users/%s" % (base(), name)


def marker(what):
    return "%s%s" % (what, uuid.uuid4().hex[:10])


def local_id(name):
    return A.scalar("SELECT id FROM accounts WHERE domain IS NULL AND username = '%s'" % name)


def main_part(text):
    m = re.search(r"<main.*?</main>", text, re.S)
    return (m.group(0) if m else text)[-2000:]


def follow_from_ui(client, acct):
    r = client.get("/search?q=" + urllib.parse.quote("@" + acct))
    harness.assert_status(r, 200, "search %s" % acct)
    m = re.search(r'<li><a href="([^"]+)">[^<]*</a> <span class="hint">@%s</span>'
                  % re.escape(acct), r.text)
    assert m, "no search result for @%s:\n%s" % (acct, main_part(r.text))
    path = html.unescape(m.group(1))
    page = client.get(path)
    harness.assert_status(page, 200, "profile %s" % path)
    f = re.search(r'<form[^>]*action="([^"]*/follow)"', page.text)
    assert f, "no Follow button on %s:\n%s" % (path, main_part(page.text))
    r = client.post(html.unescape(f.group(1)), {"back": path})
    assert r.status == 303, "follow: %r" % r


def note(actor, text, **props):
    """A Note by a FakeActor; props replace or add properties (None removes one)."""
    nid = "%s/statuses/%s" % (actor.uri, uuid.uuid4().hex)
    obj = {"id": nid, "type": "Note", "attributedTo": actor.uri,
           "content": "<p>%s</p>" % text, "to": [PUBLIC], "cc": [actor.uri + "/followers"],
           "published": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "url": nid}
    for k, v in props.items():
        if v is None:
            obj.pop(k, None)
        else:
            obj[k] = v
    return obj


def create(actor, obj, **props):
    act = {"@context": "https://www.w3.org/ns/activitystreams", "id": obj["id"] + "/activity",
           "type": "Create", "actor": actor.uri, "object": obj}
    for k in ("to", "cc"):
        if k in obj:
            act[k] = obj[k]
    act.update(props)
    return act


def send(actor, activity):
    r = actor.post(A.port, "/inbox", activity)
    harness.assert_status(r, 202, "%s's %s" % (actor.name, activity.get("type")))


def stored(uri):
    """(id, visibility, in_reply_to_id, url, content) of the post with that URI, or None."""
    rows = A.psql("SELECT id, visibility, in_reply_to_id, url, content FROM statuses"
                  " WHERE uri = '%s'" % q(uri))
    return rows[0] if rows else None


def wait_stored(uri, what):
    return harness.wait_for(lambda: stored(uri), WAIT, what=what)


def inbox_idle():
    return A.scalar("SELECT count(*) FROM jobs WHERE kind = 'inbox'") == "0"


def remote_page(actor, sid):
    return "/@%s@%s/%s" % (actor.name, state["fake"].domain, sid)


def textarea(page):
    m = re.search(r'<textarea id="text" name="text"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(m.group(1)) if m else None


# --- single values where arrays are usual ------------------------------------------------------

@test
def test_followers_only_with_to_as_string():
    """a followers-only post whose `to` is the followers URL as one string (Fedify) is stored
    followers-only: alice (a follower) sees it on her home and its page; bob and visitors get
    404 and never see it"""
    pat = state["pat"]
    word = marker("fonly")
    obj = note(pat, "for my followers " + word, to=pat.uri + "/followers", cc=None)
    send(pat, create(pat, obj))
    row = wait_stored(obj["id"], "the followers-only post on A")
    assert row[1] == "private", "stored as %r, not followers-only (private)" % row[1]
    harness.wait_for(lambda: word in clients["alice"].get("/home").text, WAIT,
                     what="the post on alice's home")
    page = remote_page(pat, row[0])
    harness.assert_status(clients["alice"].get(page), 200, "alice opens " + page)
    assert word not in clients["bob"].get("/home").text, "bob sees a followers-only post"
    harness.assert_status(clients["bob"].get(page), 404, "bob opens " + page)
    r = harness.request(A.port, "GET", page)
    harness.assert_status(r, 404, "a visitor opens " + page)
    assert word not in r.text


@test
def test_direct_with_single_tag_object():
    """a direct message whose `to` is alice as a string and whose `tag` is one Mention object
    (not an array) reaches alice with a notification; bob and visitors get 404"""
    pat = state["pat"]
    word = marker("dm")
    obj = note(pat, '<span class="h-card"><a href="%s" class="u-url mention">@<span>alice'
               '</span></a></span> just you %s' % (actor_uri("alice"), word),
               to=actor_uri("alice"), cc=None,
               tag={"type": "Mention", "href": actor_uri("alice"),
                    "name": "@alice@" + harness.instance_domain(A)})
    send(pat, create(pat, obj))
    row = wait_stored(obj["id"], "the direct message on A")
    assert row[1] == "direct", row
    assert A.scalar("SELECT count(*) FROM mentions WHERE status_id = %s"
                    " AND account_id = %s" % (row[0], local_id("alice"))) == "1"
    harness.wait_for(lambda: A.scalar(
        "SELECT count(*) FROM notifications WHERE account_id = %s AND status_id = %s"
        " AND type = 'mention'" % (local_id("alice"), row[0])) == "1", WAIT,
        what="alice's mention notification")
    assert word in clients["alice"].get("/notifications").text
    page = remote_page(pat, row[0])
    harness.assert_status(clients["alice"].get(page), 200, "alice opens " + page)
    harness.assert_status(clients["bob"].get(page), 404, "bob opens " + page)
    harness.assert_status(harness.request(A.port, "GET", page), 404, "a visitor opens " + page)
    assert A.scalar("SELECT count(*) FROM notifications WHERE status_id = %s" % row[0]) == "1"


@test
def test_single_values_and_objects():
    """a reply whose `type` and `attributedTo` are arrays, `inReplyTo` an object with an id,
    `cc` the public collection as one string and `url` a Link object is stored as an
    unlisted reply to alice's post, with the Link's href as its url; the activity's own
    `type` as an array works too"""
    pat = state["pat"]
    parent = harness.post_and_get_id(A, clients["alice"], "alice", "a post " + marker("p"),
                                     visibility="public")
    parent_uri = "%s/users/alice/statuses/%s" % (base(), parent)
    word = marker("shapes")
    obj = note(pat, "a loose reply " + word, type=["Note"], attributedTo=[pat.uri],
               inReplyTo={"id": parent_uri, "type": "Note"}, to=pat.uri + "/followers",
               cc=PUBLIC)
    obj["url"] = {"type": "Link", "mediaType": "text/html", "href": obj["id"] + "/page"}
    send(pat, create(pat, obj, type=["Create"]))
    row = wait_stored(obj["id"], "the loose reply on A")
    assert row[1] == "unlisted", row
    assert row[2] == parent, "in_reply_to_id %r, want %s" % (row[2], parent)
    assert row[3] == obj["id"] + "/page", "url %r" % row[3]
    harness.wait_for(lambda: A.scalar(
        "SELECT count(*) FROM notifications WHERE account_id = %s AND status_id = %s"
        " AND type = 'reply'" % (local_id("alice"), row[0])) == "1", WAIT,
        what="alice's reply notification")


@test
def test_attributed_to_someone_else_is_refused():
    """`attributedTo` naming another actor first (as an array or an object) is not stored"""
    pat, rsam = state["pat"], state["rsam"]
    for attributed in ([rsam.uri, pat.uri], {"type": "Person", "id": rsam.uri}):
        obj = note(pat, "not mine " + marker("forged"), attributedTo=attributed)
        send(pat, create(pat, obj))
    harness.wait_for(inbox_idle, WAIT, what="the inbox jobs to be done")
    assert A.scalar("SELECT count(*) FROM statuses WHERE text LIKE '%not mine%'") == "0"


# --- remote post pages, reply prefill -----------------------------------------------------------

@test
def test_remote_post_page_and_reply():
    """a remote post's page /@pat@F/ID answers 200 with its Reply link on the same page, and
    the reply form is prefilled with @pat@F (the domain kept)"""
    pat = state["pat"]
    word = marker("page")
    obj = note(pat, "a public post " + word)
    send(pat, create(pat, obj))
    row = wait_stored(obj["id"], "pat's public post on A")
    home = clients["alice"].get("/home").text
    m = re.search(r'<article class="status" id="s-%s"[^>]*>.*?<p class="meta"><a href="([^"]+)"'
                  % row[0], home, re.S)
    assert m, "pat's post is not on alice's home"
    page = html.unescape(m.group(1))
    assert page == remote_page(pat, row[0]), page
    r = clients["alice"].get(page)
    harness.assert_status(r, 200, "alice opens " + page)
    assert word in r.text
    reply = re.search(r'<a class="action" href="([^"]+)">Reply<span class="vh">', r.text)
    assert reply and html.unescape(reply.group(1)) == page + "#reply", reply
    assert textarea(r.text) == "@pat@%s " % state["fake"].domain, textarea(r.text)
    harness.assert_status(harness.request(A.port, "GET", page), 200, "a visitor opens " + page)
    harness.assert_status(clients["alice"].get("/@pat/%s" % row[0]), 404, "the bare name")
    compose = clients["alice"].get("/statuses/new?in_reply_to_id=%s" % row[0])
    harness.assert_status(compose, 200, "the compose page for a reply")
    assert textarea(compose.text) == "@pat@%s " % state["fake"].domain, textarea(compose.text)


@test
def test_reply_to_remote_sam_is_not_to_member_sam():
    """replying to sam@F with the prefilled text mentions sam@F (delivered to F) and never the
    member sam, who gets no notification"""
    rsam, fake = state["rsam"], state["fake"]
    word = marker("samsays")
    obj = note(rsam, "hello alice " + word, tag=[{"type": "Mention", "href": actor_uri("alice"),
                                                  "name": "@alice"}])
    send(rsam, create(rsam, obj))
    row = wait_stored(obj["id"], "sam@F's post on A")
    page = clients["alice"].get(remote_page(rsam, row[0]))
    harness.assert_status(page, 200, "sam@F's post page")
    prefill = textarea(page.text)
    assert prefill == "@sam@%s " % fake.domain, prefill
    reply_word = marker("toremotesam")
    r = harness.publish(clients["alice"], prefill + reply_word, in_reply_to_id=row[0],
                        visibility="public")
    assert r.status == 303, r
    reply = A.scalar("SELECT id FROM statuses WHERE text LIKE '%%%s%%'" % reply_word)
    mentioned = A.psql("SELECT a.username, a.domain FROM mentions m JOIN accounts a"
                       " ON a.id = m.account_id WHERE m.status_id = %s" % reply)
    assert mentioned == [["sam", fake.domain]], mentioned
    assert A.scalar("SELECT count(*) FROM notifications WHERE account_id = %s"
                    % local_id("sam")) == "0", "the member sam was notified"
    harness.wait_for(lambda: [x for x in fake.requests_to("POST")
                              if reply_word.encode() in x["body"]], WAIT,
                     what="the reply delivered to F")


# --- remote mentions as h-cards -----------------------------------------------------------------

HCARD = ('<span class="h-card"><a class="u-url mention" href="%s">@<span>%s</span></a>'
         '</span>')


@test
def test_remote_mention_is_an_h_card():
    """alice's post mentioning @pat@F holds pat's h-card link (href: pat's profile url) in
    the stored HTML, on its page and in the Create F receives; a plain-text address nobody
    answers to stays text"""
    pat, fake = state["pat"], state["fake"]
    word = marker("hcard")
    sid = harness.post_and_get_id(A, clients["alice"], "alice",
                                  "hi @pat@%s and @nobody@%s %s" % (fake.domain, fake.domain,
                                                                    word),
                                  visibility="public")
    card = HCARD % (pat.document()["url"], "pat")
    content = A.scalar("SELECT content FROM statuses WHERE id = %s" % sid)
    assert card in content, content
    assert "@nobody@%s" % fake.domain in content and content.count("h-card") == 1, content
    page = clients["alice"].get("/@alice/%s" % sid)
    assert card in page.text, main_part(page.text)
    got = harness.wait_for(lambda: [x for x in fake.requests_to("POST")
                                    if word.encode() in x["body"]], WAIT,
                           what="the Create at F")
    delivered = json.loads(got[0]["body"])["object"]["content"]
    assert card in delivered, delivered


@test
def test_sanitiser_keeps_the_h_card_only():
    """a remote note's h-card mention keeps exactly its markup: extra classes, attributes and
    styles are dropped"""
    pat = state["pat"]
    word = marker("hcardin")
    dirty = ('<span class="h-card evil" style="color:red" data-x="1"><a href="%s" '
             'class="u-url mention big" onclick="alert(1)" title="t" id="x">@<span '
             'class="huge" style="font-size:9em">alice</span></a></span> %s'
             % (actor_uri("alice"), word))
    obj = note(pat, dirty, tag={"type": "Mention", "href": actor_uri("alice")})
    send(pat, create(pat, obj))
    row = wait_stored(obj["id"], "the note with an h-card on A")
    want = ('<p><span class="h-card"><a href="%s" class="u-url mention" rel="nofollow noopener'
            ' noreferrer" target="_blank">@<span>alice</span></a></span> %s</p>'
            % (actor_uri("alice"), word))
    assert row[4] == want, "stored %r\nwant   %r" % (row[4], want)


# --- hostile names ------------------------------------------------------------------------------

class NamedActor(harness.FakeActor):
    """A FakeActor whose preferredUsername is not its path name."""

    def __init__(self, peer, path_name, username, key):
        super().__init__(peer, path_name, key)
        self.username = username

    def document(self):
        doc = super().document()
        doc["preferredUsername"] = self.username
        return doc


HOSTILE = ["../admin", "x/y", "a?b", "a#b", "..", "a..b", "a b", "", ".hidden", "trail-",
           "caf\u00e9", "a%2Fb", "a@b", "a\nb", "127.0.0.1:1"]  # the last: a host, not its own


@test
def test_hostile_preferred_username_is_refused():
    """an actor whose preferredUsername holds '/', '..', '?', '#', a space, '%', '@',
    non-ASCII, or is empty, is refused (401) and nothing of it is stored; one with '.' and
    '-' inside (first.last-x) is accepted"""
    fake = state["fake"]
    key = harness.RSAKey(suite)  # one key for all: what is refused is the name
    for i, name in enumerate(HOSTILE):
        actor = NamedActor(fake, "hostile%d" % i, name, key)
        fake.actors[actor.name] = actor
        word = marker("hostile")
        before = A.scalar("SELECT count(*) FROM jobs")
        r = actor.post(A.port, "/inbox", harness.activity_create(actor, word))
        harness.assert_status(r, 401, "preferredUsername %r" % name)
        assert A.scalar("SELECT count(*) FROM accounts WHERE uri = '%s'" % q(actor.uri)) == "0"
        assert A.scalar("SELECT count(*) FROM jobs") == before
    ok = NamedActor(fake, "dotted", "first.last-x", harness.RSAKey(suite))
    fake.actors[ok.name] = ok
    r = ok.post(A.port, "/inbox", harness.activity_create(ok, marker("dotted")))
    harness.assert_status(r, 202, "preferredUsername first.last-x")
    assert A.scalar("SELECT username FROM accounts WHERE uri = '%s'" % q(ok.uri)) == \
        "first.last-x"
    state["dotted"] = ok


@test
def test_search_refuses_hostile_user_part():
    """searching @../x@F or @a?b@F asks F nothing and stores nothing"""
    fake = state["fake"]
    fake.clear()
    for acct in ("../x@" + fake.domain, "a?b@" + fake.domain, "a/b@" + fake.domain):
        r = clients["alice"].get("/search?q=" + urllib.parse.quote("@" + acct))
        assert r.status in (200, 422), r
    assert fake.requests_to("GET") == [], fake.requests_to("GET")


@test
def test_dotted_remote_name_page_and_mention():
    """first.last-x@F's post page answers 200, the reply prefill keeps the whole address, and
    a reply with it mentions first.last-x@F (not a member called `first`)"""
    ok, fake = state["dotted"], state["fake"]
    harness.create_account(A, "first")
    obj = note(ok, "dotted hello", tag={"type": "Mention", "href": actor_uri("alice")})
    send(ok, create(ok, obj))
    row = wait_stored(obj["id"], "first.last-x's post on A")
    page = "/@first.last-x@%s/%s" % (fake.domain, row[0])
    r = clients["alice"].get(page)
    harness.assert_status(r, 200, page)
    prefill = textarea(r.text)
    assert prefill == "@first.last-x@%s " % fake.domain, prefill
    word = marker("dotreply")
    harness.assert_status(harness.publish(clients["alice"], prefill + word,
                                          in_reply_to_id=row[0], visibility="public"),
                          303, "the reply")
    reply = A.scalar("SELECT id FROM statuses WHERE text LIKE '%%%s%%'" % word)
    mentioned = A.psql("SELECT a.username, a.domain FROM mentions m JOIN accounts a"
                       " ON a.id = m.account_id WHERE m.status_id = %s" % reply)
    assert mentioned == [["first.last-x", fake.domain]], mentioned


harness.add_server_end_tests(suite, lambda: A.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
