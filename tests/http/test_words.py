"""The safety promise: no word list. Posts about sex work publish and show unchanged in every
timeline (home, local, tag, profile, thread): no content warning or sensitive flag is added,
nothing is hidden, nothing is held back."""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("words")
test = suite.test
inst = harness.Instance(suite, "words")
c = {}

WORDS = ["sex", "sex work is work", "escort", "nude", "性工作者"]
posts = {}  # text -> id


def setup():
    inst.setup()
    inst.start_server()
    c["worker"] = harness.member(inst, "worker")
    c["friend"] = harness.member(inst, "friend")
    assert c["friend"].post("/@worker/follow", {}).status == 303
    harness.db_change(inst, "INSERT INTO instance_settings (key, value)"
                      " VALUES ('local_timeline_public', 'true')"
                      " ON CONFLICT (key) DO UPDATE SET value = 'true'", "settings")
    for w in WORDS:
        text = "%s #words" % w
        posts[w] = harness.post_and_get_id(inst, c["worker"], "worker", text,
                                           visibility="public")


@test
def test_stored_unchanged():
    """each post is stored as written, with no content warning and not sensitive"""
    for w, sid in posts.items():
        rows = inst.psql("SELECT text, spoiler_text, sensitive, visibility FROM statuses"
                         " WHERE id = %s" % sid)
        assert rows == [["%s #words" % w, "", "f", "public"]], (w, rows)


def shows(page_text, w, sid):
    return ('id="s-%s"' % sid) in page_text and ("<p>%s " % w) in page_text


@test
def test_every_timeline():
    """each post shows, unchanged and not folded away, on home, local, tag, profile, thread"""
    problems = []
    for who, client in (("friend", c["friend"]), ("visitor", harness.WebClient(inst.port))):
        for path in ("/home", "/local", "/tags/words", "/@worker"):
            if who == "visitor" and path == "/home":
                continue
            r = client.get(path)
            for w, sid in posts.items():
                if r.status != 200 or not shows(r.text, w, sid):
                    problems.append("%s: %r missing on %s (%d)" % (who, w, path, r.status))
            if "<details><summary>" in r.text:
                problems.append("%s: a post is folded on %s" % (who, path))
        for w, sid in posts.items():
            r = client.get("/@worker/%s" % sid)
            if r.status != 200 or not shows(r.text, w, sid) or "<details><summary>" in r.text:
                problems.append("%s: thread of %r (%d)" % (who, w, r.status))
    assert not problems, "\n".join(problems)


@test
def test_words_in_hashtags():
    """hashtags with these words work like any other"""
    sid = harness.post_and_get_id(inst, c["worker"], "worker", "#sexwork #性工作者 #escort")
    for tag in ("sexwork", "%E6%80%A7%E5%B7%A5%E4%BD%9C%E8%80%85", "escort"):
        r = harness.request(inst.port, "GET", "/tags/" + tag)
        assert r.status == 200 and sid in harness.status_ids_on(r.text), tag


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
