"""A post past the time it was to delete itself, before the sweep got to it (issue 12's
review): the sweep runs every sweep_interval (300 s by default), and not at all while the
workers are stopped, but the member chose an hour, not an hour and five minutes. Nobody but
the author sees such a post: not a visitor, not another member, not an app, not a peer's
signed fetch, not a timeline. The sweep here runs once a day, so the post stays in the
table for the whole test; its expiry is put in the past by hand."""

import json
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("attack_expiry")
test = suite.test
inst = harness.peer_instance(suite, "attack_expiry", page_cache_seconds=0, sweep_interval="86400")
c = {}
peer = {}


def setup():
    inst.setup()
    inst.start_server()
    c["ada"] = harness.member(inst, "ada")
    c["ben"] = harness.member(inst, "ben")
    p = harness.FakePeer(suite)
    harness.allow_peer(inst, p.domain)
    peer["p"], peer["fay"] = p, p.add_actor("fay")


def signed_get(actor, path):
    h = harness.sign_headers(actor.key, actor.key_id, "GET", path, "127.0.0.1:%d" % inst.port)
    h["Accept"] = "application/activity+json"
    return harness.request(inst.port, "GET", path, headers=h)


@test
def test_expired_post_is_the_authors_only():
    """a public post past its expiry is gone for everyone but its author before the sweep
    deletes it; a post whose expiry is still ahead shows as usual"""
    words = "expiredwords_e5"
    sid = harness.post_and_get_id(inst, c["ada"], "ada", words)
    later = harness.post_and_get_id(inst, c["ada"], "ada", "stillherewords_e5")
    inst.psql("UPDATE statuses SET expires_at = now() + interval '1 hour' WHERE id = %s" % later)
    fay = peer["fay"]
    before = signed_get(fay, "/users/ada/statuses/%s" % sid)
    assert before.status == 200, "a signed fetch before the expiry: %r" % before
    inst.psql("UPDATE statuses SET expires_at = now() - interval '1 minute' WHERE id = %s" % sid)
    visitor = harness.WebClient(inst.port)
    assert visitor.get("/@ada/%s" % sid).status == 404
    assert c["ben"].get("/@ada/%s" % sid).status == 404
    for who, client in (("a visitor", visitor), ("a member", c["ben"])):
        page = client.get("/@ada")
        assert page.status == 200, page
        ids = harness.status_ids_on(page.text)
        assert sid not in ids and later in ids, "%s on the profile: %r" % (who, ids)
    assert words not in c["ben"].get("/local").text
    r = harness.request(inst.port, "GET", "/api/v1/statuses/%s" % sid)
    assert r.status == 404, "the API: %r" % r
    r = signed_get(fay, "/users/ada/statuses/%s" % sid)
    assert r.status in (404, 410), "a peer's signed fetch: %r" % r
    r = signed_get(fay, "/users/ada/outbox?page=true")
    assert r.status == 200 and words not in r.text, "the outbox: %r" % r
    # the author still sees it, saying when it deletes itself
    assert c["ada"].get("/@ada/%s" % sid).status == 200


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
