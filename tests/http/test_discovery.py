"""Discovery for peers: WebFinger (RFC 7033), host-meta, NodeInfo 2.0/2.1, the Person and the
instance actor documents, and content negotiation between them and the HTML profile."""

import json
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("discovery")
test = suite.test
inst = harness.Instance(suite, "discovery")
AP = "application/activity+json"


def setup():
    inst.setup()
    inst.start_server()
    harness.member(inst, "rose")
    harness.create_account(inst, "lily")
    inst.psql("UPDATE accounts SET locked = true, bio = 'Bio <b>x</b>' WHERE username = 'lily'")
    harness.create_account(inst, "waiting")
    inst.psql("UPDATE accounts SET approved = false WHERE username = 'waiting'")


def base():
    return "http://127.0.0.1:%d" % inst.port


def domain():
    return "127.0.0.1:%d" % inst.port


def get(path, accept=None):
    headers = {"Accept": accept} if accept else {}
    return harness.request(inst.port, "GET", path, headers=headers)


def webfinger(resource):
    from urllib.parse import quote
    return get("/.well-known/webfinger?resource=" + quote(resource, safe=""))


def doc(r):
    return json.loads(r.body.decode("utf-8"))


@test
def test_webfinger_acct():
    """acct:user@domain gives a JRD with the subject, a self link of type activity+json to
    the actor, the profile page, and a CORS header"""
    r = webfinger("acct:rose@" + domain())
    harness.assert_status(r, 200, "webfinger")
    assert r.header("Content-Type", "").startswith("application/jrd+json"), r.header("Content-Type")
    assert r.header("Access-Control-Allow-Origin") == "*"
    d = doc(r)
    assert d["subject"] == "acct:rose@" + domain(), d
    self_links = [link for link in d["links"] if link["rel"] == "self"]
    assert self_links == [{"rel": "self", "type": AP, "href": base() + "/users/rose"}], d
    assert base() + "/@rose" in d["aliases"]


@test
def test_webfinger_other_forms():
    """the actor URL, the profile URL and a differently cased username resolve to the same
    subject"""
    for resource in (base() + "/users/rose", base() + "/@rose", "acct:ROSE@" + domain()):
        r = webfinger(resource)
        harness.assert_status(r, 200, resource)
        assert doc(r)["subject"].lower() == ("acct:rose@" + domain()).lower(), doc(r)


@test
def test_webfinger_errors():
    """no resource or a malformed one is 400; unknown users, other domains and pending
    applicants are 404, never 410"""
    harness.assert_status(get("/.well-known/webfinger"), 400, "no resource")
    harness.assert_status(webfinger("acct:rose"), 400, "acct without domain")
    harness.assert_status(webfinger("nonsense"), 400, "not a URI")
    for resource in ("acct:nobody@" + domain(), "acct:rose@elsewhere.example",
                     "acct:waiting@" + domain(), "https://elsewhere.example/users/rose"):
        harness.assert_status(webfinger(resource), 404, resource)


@test
def test_host_meta():
    """host-meta is an XRD whose lrdd template points at our WebFinger"""
    r = get("/.well-known/host-meta")
    harness.assert_status(r, 200, "host-meta")
    assert r.header("Content-Type", "").startswith("application/xrd+xml")
    assert 'template="%s/.well-known/webfinger?resource={uri}"' % base() in r.text, r.text


@test
def test_nodeinfo():
    """the well-known document links 2.0 and 2.1; both have the required keys and count
    local members and posts"""
    links = doc(get("/.well-known/nodeinfo"))["links"]
    rels = {link["rel"].rsplit("/", 1)[1]: link["href"] for link in links}
    assert rels == {"2.0": base() + "/nodeinfo/2.0", "2.1": base() + "/nodeinfo/2.1"}, rels
    harness.publish(harness.member(inst, "rose", create=False), "hello nodeinfo")
    for version in ("2.0", "2.1"):
        d = doc(get("/nodeinfo/" + version))
        assert d["version"] == version
        assert d["software"]["name"] == "parasol"
        assert re.fullmatch(r"[a-z0-9-]+", d["software"]["name"])
        assert d["protocols"] == ["activitypub"]
        assert d["openRegistrations"] is False  # invite-only by default
        assert d["usage"]["users"]["total"] == 2, d  # rose and lily; not the applicant
        assert d["usage"]["localPosts"] == 1, d
        assert set(d) == {"version", "software", "protocols", "services",
                          "openRegistrations", "usage", "metadata"}, sorted(d)


@test
def test_person():
    """the actor document: id equal to its URL, the activity+json type, inbox, collections,
    a public key whose id is the key id we sign with, and no private key anywhere"""
    r = get("/users/rose", AP)
    harness.assert_status(r, 200, "actor")
    assert r.header("Content-Type") == AP, r.header("Content-Type")
    d = doc(r)
    assert "https://www.w3.org/ns/activitystreams" in d["@context"]
    assert d["id"] == base() + "/users/rose"
    assert d["type"] == "Person" and d["preferredUsername"] == "rose"
    for key in ("inbox", "outbox", "followers", "following"):
        assert d[key] == "%s/users/rose/%s" % (base(), key), (key, d[key])
    assert d["endpoints"]["sharedInbox"] == base() + "/inbox"
    assert d["url"] == base() + "/@rose"
    pk = d["publicKey"]
    assert pk["id"] == base() + "/users/rose#main-key" and pk["owner"] == d["id"]
    assert pk["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----"), pk
    assert "PRIVATE" not in r.text
    assert r.header("Set-Cookie") is None, "a peer's fetch got a cookie: %r" % r.header("Set-Cookie")
    # The same key every time: made once, kept.
    assert doc(get("/users/rose", AP))["publicKey"]["publicKeyPem"] == pk["publicKeyPem"]


@test
def test_person_honours_choices():
    """discoverable and indexable are false (nobody opted in); a locked account says
    manuallyApprovesFollowers; the published date has no time of day"""
    d = doc(get("/users/lily", AP))
    assert d["discoverable"] is False and d["indexable"] is False, d
    assert d["manuallyApprovesFollowers"] is True
    assert d["published"].endswith("T00:00:00Z"), d["published"]
    assert doc(get("/users/rose", AP))["manuallyApprovesFollowers"] is False
    # The bio is plain text the member wrote: it reaches peers escaped, never as markup.
    assert "&lt;b&gt;" in d["summary"] and "<b>" not in d["summary"], d["summary"]


@test
def test_discoverable_opt_in():
    """a member who ticks the two boxes on the settings page is discoverable and indexable;
    unticking turns both off again"""
    rose = harness.member(inst, "rose", create=False)
    r = rose.post("/settings/profile", {"display_name": "Rose", "discoverable": "1",
                                        "indexable": "1"})
    harness.assert_status(r, 303, "opt in")
    d = doc(get("/users/rose", AP))
    assert d["discoverable"] is True and d["indexable"] is True, d
    r = rose.post("/settings/profile", {"display_name": "Rose"})
    harness.assert_status(r, 303, "opt out")
    d = doc(get("/users/rose", AP))
    assert d["discoverable"] is False and d["indexable"] is False, d


@test
def test_content_negotiation():
    """a browser asking for /users/rose is sent to the profile page; ld+json gets the
    document; unknown and pending accounts are 404"""
    r = get("/users/rose", "text/html")
    harness.assert_status(r, 303, "browser")
    assert harness.location_path(r) == "/@rose"
    r = get("/users/rose", 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"')
    harness.assert_status(r, 200, "ld+json")
    assert doc(r)["id"] == base() + "/users/rose"
    harness.assert_status(get("/users/nobody", AP), 404, "unknown")
    harness.assert_status(get("/users/waiting", AP), 404, "pending applicant")


@test
def test_instance_actor():
    """the instance actor is an Application with its own key, served unsigned"""
    r = get("/actor", AP)
    harness.assert_status(r, 200, "instance actor")
    d = doc(r)
    assert d["type"] == "Application" and d["id"] == base() + "/actor"
    assert d["publicKey"]["id"] == base() + "/actor#main-key"
    assert d["publicKey"]["publicKeyPem"] != doc(get("/users/rose", AP))["publicKey"]["publicKeyPem"]
    assert inst.scalar("SELECT count(*) FROM instance_actor") == "1"


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
