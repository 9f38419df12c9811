"""Review rules: moderators write phrases, regular expressions, link domains and remote
domains, scoped to local or remote posts; a match only files the post in the review queue
(a reports row with source 'rule') and the post stays published and visible; members read
the list; a fresh node has none; bad input is refused with nothing stored."""

import html
import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("review_rules")
test = suite.test
inst = harness.peer_instance(suite, "review_rules")
clients = {}
state = {}
ADMIN = "/admin/review-rules"
MEMBERS = "/moderation/review-rules"
NONE_YET = "There are no review rules."
NEVER_HIDES = "is only sent to a person for review: it is never hidden"


def setup():
    inst.setup()
    inst.start_server()
    clients["rose"] = harness.member(inst, "rose")
    clients["ivy"] = harness.member(inst, "ivy")
    clients["mod"] = harness.member(inst, "keeper", role="moderator")
    fake = harness.FakePeer(suite)
    harness.allow_peer(inst, fake.domain)
    state.update(fake=fake, pat=fake.add_actor("pat"))


# --- helpers ------------------------------------------------------------------------------------

def rule_count():
    return int(inst.scalar("SELECT count(*) FROM review_rules"))


def rule_id(kind, pattern):
    """The id of the rule, "" when there is none."""
    rows = inst.psql("SELECT id FROM review_rules WHERE kind = '%s' AND pattern = '%s'"
                     % (kind, pattern.replace("'", "''")))
    assert len(rows) <= 1, rows
    return rows[0][0] if rows else ""


def queue(status_id):
    """The rule items filed for a post: [(rule id, comment, target username, state)]."""
    return [tuple(r) for r in inst.psql(
        "SELECT coalesce(r.review_rule_id::text, ''), r.comment, a.username, r.state"
        " FROM reports r JOIN accounts a ON a.id = r.target_account_id"
        " WHERE r.source = 'rule' AND r.status_id = %s ORDER BY r.id" % status_id)]


def rule_items():
    return int(inst.scalar("SELECT count(*) FROM reports WHERE source = 'rule'"))


def add_rule(kind, pattern, scope="both", note=""):
    r = clients["mod"].post(ADMIN, {"kind": kind, "pattern": pattern, "scope": scope,
                                    "note": note})
    harness.assert_status(r, 303, "add %s rule %r" % (kind, pattern))
    assert harness.location_path(r).startswith(ADMIN), harness.location_path(r)
    return r


def post(client, username, text, **fields):
    return harness.post_and_get_id(inst, client, username, text, **fields)


def refused(fields, status, message, what):
    """Posts the add form; asserts status, the message on the page and nothing stored."""
    n, items = rule_count(), rule_items()
    r = clients["mod"].post(ADMIN, fields)
    harness.assert_status(r, status, what)
    assert message in html.unescape(r.text), "%s: no %r in the page" % (what, message)
    assert rule_count() == n, what + ": a rule was stored"
    assert rule_items() == items
    return r


# --- a fresh node -------------------------------------------------------------------------------

@test
def test_fresh_node_has_none():
    """a fresh node has no review rules: the members' page says so, and a post with 'escort'
    files nothing"""
    assert rule_count() == 0
    r = clients["rose"].get(MEMBERS)
    harness.assert_status(r, 200, "members' page")
    assert NONE_YET in r.text and NEVER_HIDES in r.text
    sid = post(clients["rose"], "rose", "escort agency, booking now")
    assert queue(sid) == []
    assert int(inst.scalar("SELECT count(*) FROM reports")) == 0


@test
def test_who_may_see():
    """a member gets 403 on the admin page and can't add or delete; a visitor is sent to sign
    in from both pages"""
    harness.assert_status(clients["rose"].get(ADMIN), 403, "member GET admin")
    r = clients["rose"].post(ADMIN, {"kind": "phrase", "pattern": "x", "scope": "both"})
    harness.assert_status(r, 403, "member POST admin")
    assert rule_count() == 0
    visitor = harness.WebClient(inst.port)
    for path in (MEMBERS, ADMIN):
        r = visitor.get(path)
        harness.assert_status(r, 303, "visitor GET " + path)
        assert harness.location_path(r).startswith("/login"), harness.location_path(r)
        assert "review" not in r.text.lower()
    r = clients["mod"].post(ADMIN, {"kind": "phrase", "pattern": "x", "scope": "both"},
                            csrf=False)
    harness.assert_status(r, 403, "no csrf")
    assert rule_count() == 0


# --- phrases ------------------------------------------------------------------------------------

@test
def test_phrase_files_and_keeps_post_visible():
    """a local-scope phrase rule files a matching post (case-insensitively, in the text or
    the content warning) with the rule as the reason; the post stays everywhere it was"""
    add_rule("phrase", "  Escort  ", "local", "Screening: check the thread for bad dates")
    rid = rule_id("phrase", "Escort")
    assert rid, "the phrase is stored trimmed"
    text = "New in town, ESCORTING by appointment %d" % time.time()
    sid = post(clients["rose"], "rose", text)
    assert queue(sid) == [(rid, 'phrase "Escort"', "rose", "open")], queue(sid)
    row = inst.psql("SELECT reporter_id IS NULL, rule_ids::text FROM reports"
                    " WHERE status_id = %s" % sid)
    assert row == [["t", "{}"]], row
    # still published, unchanged, everywhere
    assert inst.scalar("SELECT mod_hidden FROM statuses WHERE id = %s" % sid) == "f"
    visitor = harness.WebClient(inst.port)
    page = visitor.get("/@rose/%s" % sid)
    harness.assert_status(page, 200, "visitor reads the post")
    assert text in page.text
    assert sid in harness.status_ids_on(clients["ivy"].get("/local").text)
    assert sid in harness.status_ids_on(visitor.get("/@rose").text)
    state["escort_post"] = sid
    # the content warning counts too
    cw = post(clients["rose"], "rose", "details inside", spoiler_text="escort work")
    assert [q[0] for q in queue(cw)] == [rid]
    # a post without the phrase files nothing
    plain = post(clients["rose"], "rose", "a quiet day at the beach")
    assert queue(plain) == []


@test
def test_edit_files_once():
    """editing a filed post doesn't file it again while the item is open; editing a post
    that didn't match so that it does files it"""
    sid = state["escort_post"]
    r = clients["rose"].post("/statuses/%s/edit" % sid, {"text": "escort, edited"})
    harness.assert_status(r, 303, "edit")
    assert len(queue(sid)) == 1, queue(sid)
    other = post(clients["ivy"], "ivy", "nothing to see")
    assert queue(other) == []
    r = clients["ivy"].post("/statuses/%s/edit" % other, {"text": "now an Escort ad"})
    harness.assert_status(r, 303, "edit into a match")
    assert [q[2] for q in queue(other)] == ["ivy"]


@test
def test_boost_not_checked():
    """a boost is not checked itself (only the post it boosts was)"""
    sid = state["escort_post"]
    n = rule_items()
    r = clients["ivy"].post("/statuses/%s/reblog" % sid, {"back": "/home"})
    assert r.status in (200, 303), r
    boost = inst.scalar("SELECT id FROM statuses WHERE reblog_of_id = %s" % sid)
    assert boost, "no boost stored"
    assert queue(boost) == [] and rule_items() == n


@test
def test_private_posts_not_checked():
    """followers-only and direct posts are never matched (private conversations stay out of
    the queue); members-only posts are"""
    n = rule_items()
    for vis in ("private", "direct"):
        sid = post(clients["rose"], "rose", "@ivy escort talk, %s" % vis, visibility=vis)
        assert queue(sid) == [], vis
    assert rule_items() == n
    sid = post(clients["rose"], "rose", "escort talk for members", visibility="members")
    assert len(queue(sid)) == 1, queue(sid)


# --- regular expressions --------------------------------------------------------------------------

@test
def test_regex():
    """a regex rule matches with PostgreSQL's engine, case-insensitively"""
    add_rule("regex", r"\mcolou?r\s+\d{3}\M")
    rid = rule_id("regex", r"\mcolou?r\s+\d{3}\M")
    hit = post(clients["rose"], "rose", "Call me: COLOR 555")
    assert queue(hit) == [(rid, 'regex "\\mcolou?r\\s+\\d{3}\\M"', "rose", "open")], queue(hit)
    miss = post(clients["rose"], "rose", "colour 55 and discolour 5555")
    assert queue(miss) == []


@test
def test_bad_input():
    """a bad regular expression, an empty or too long pattern, an unknown kind or scope, a
    link or remote domain that is not a domain, a remote domain watched locally, a long note
    and a duplicate are refused with a clear message; nothing is stored"""
    r = refused({"kind": "regex", "pattern": "(unclosed", "scope": "both"}, 422,
                "That regular expression is not valid.", "bad regex")
    assert 'value="(unclosed"' in r.text, "the form lost the pattern"
    assert re.search(r'<option value="regex" selected', r.text), "the kind choice was lost"
    refused({"kind": "regex", "pattern": "a{2,1}", "scope": "both"}, 422,
            "That regular expression is not valid.", "bad quantifier")
    refused({"kind": "phrase", "pattern": "   ", "scope": "both"}, 422,
            "Write what the rule looks for.", "empty")
    refused({"kind": "phrase", "pattern": "é" * 501, "scope": "both"}, 422,
            "at most 500 characters", "501 characters")
    refused({"kind": "word", "pattern": "x", "scope": "both"}, 422,
            "Choose what the rule looks for", "unknown kind")
    refused({"kind": "phrase", "pattern": "x", "scope": "everywhere"}, 422,
            "Choose which posts the rule watches", "unknown scope")
    refused({"kind": "link_domain", "pattern": "not a domain!", "scope": "both"}, 422,
            "That is not a domain.", "bad link domain")
    refused({"kind": "remote_domain", "pattern": "bad_name.example", "scope": "remote"}, 422,
            "That is not a domain.", "bad remote domain")
    refused({"kind": "remote_domain", "pattern": "x.example", "scope": "local"}, 422,
            "can only watch remote posts", "remote domain, local scope")
    refused({"kind": "phrase", "pattern": "x", "scope": "both", "note": "n" * 501}, 422,
            "A note can have at most 500 characters.", "long note")
    refused({"kind": "phrase", "pattern": " escort ", "scope": "local"}, 409,
            "exists already", "duplicate")
    # 500 characters are fine
    add_rule("phrase", "é" * 500, "local")


# --- links --------------------------------------------------------------------------------------

@test
def test_link_domain():
    """a link_domain rule (normalised) matches links to the domain and its subdomains, not
    look-alikes or a mention of the name without a link"""
    add_rule("link_domain", "https://Example.ORG/some/page")
    rid = rule_id("link_domain", "example.org")
    assert rid, "the domain was not normalised"
    sub = post(clients["rose"], "rose", "see https://sub.example.org/page?x=1 for rates")
    assert queue(sub) == [(rid, 'link domain "example.org"', "rose", "open")], queue(sub)
    bare = post(clients["rose"], "rose", "my site: http://EXAMPLE.org")
    assert [q[0] for q in queue(bare)] == [rid]
    for text in ("https://notexample.org/x", "https://example.org.evil.net/x",
                 "https://evil.net/?u=example.org", "example.org without a link"):
        sid = post(clients["rose"], "rose", text)
        assert queue(sid) == [], (text, queue(sid))


# --- scopes and remote posts --------------------------------------------------------------------

@test
def test_remote_scope_skips_local_posts():
    """a remote-scope rule doesn't match a local post"""
    add_rule("phrase", "moonlight", "remote")
    sid = post(clients["rose"], "rose", "Moonlight walk tonight")
    assert queue(sid) == []


def remote_create(text):
    pat = state["pat"]
    act = harness.activity_create(pat, text)
    mention = {"type": "Mention", "href": harness.instance_base(inst) + "/users/rose",
               "name": "@rose"}
    act["object"]["tag"] = [mention]
    act["object"]["content"] = '<p><span class="h-card"><a href="%s/users/rose">@rose</a>' \
        '</span> %s</p>' % (harness.instance_base(inst), text)
    r = pat.post(inst.port, "/inbox", act)
    harness.assert_status(r, 202, "Create from the peer")
    uri = act["object"]["id"]
    return uri, harness.wait_for(
        lambda: inst.scalar("SELECT id FROM statuses WHERE uri = '%s'" % uri),
        what="the remote post stored")


@test
def test_remote_post():
    """a remote post matches a remote-scope phrase and a remote_domain rule, not a
    local-scope rule; an Update doesn't file it again; it stays visible"""
    fake = state["fake"]
    add_rule("remote_domain", fake.domain, "remote", "a test peer")
    dom = rule_id("remote_domain", fake.domain)
    moon = rule_id("phrase", "moonlight")
    escort = rule_id("phrase", "Escort")
    assert dom and moon and escort
    uri, sid = remote_create("MOONLIGHT escort meetup")
    got = harness.wait_for(lambda: len(queue(sid)) == 2 and queue(sid),
                           what="two queue items for the remote post")
    assert sorted(q[0] for q in got) == sorted([dom, moon]), got
    assert {q[2] for q in got} == {"pat"}, got
    assert 'remote domain "%s"' % fake.domain in [q[1] for q in got]
    # an Update: still one item per rule
    pat = state["pat"]
    upd = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Update",
           "id": uri + "#update-1", "actor": pat.uri,
           "object": {"id": uri, "type": "Note", "attributedTo": pat.uri,
                      "content": "<p>moonlight meetup, edited</p>",
                      "to": ["https://www.w3.org/ns/activitystreams#Public"]}}
    harness.assert_status(pat.post(inst.port, "/inbox", upd), 202, "Update")
    harness.wait_for(lambda: "edited" in inst.scalar(
        "SELECT text FROM statuses WHERE id = %s" % sid), what="the update applied")
    time.sleep(1)  # the check runs just after the update is stored
    assert len(queue(sid)) == 2, queue(sid)
    page = clients["rose"].get("/@pat@%s/%s" % (fake.domain, sid))  # a remote post's page
    harness.assert_status(page, 200, "the remote post's page")
    assert "moonlight meetup, edited" in page.text


@test
def test_remote_link_domain():
    """a link in a remote post's HTML counts for link_domain"""
    _, sid = remote_create('see <a href="https://www.Example.org/x">this</a>')
    rid = rule_id("link_domain", "example.org")
    got = harness.wait_for(lambda: queue(sid), what="queue items for the link")
    assert rid in [q[0] for q in got], got


@test
def test_failed_check_keeps_post():
    """when the check itself fails (here a regular expression PostgreSQL refuses, stored
    behind the form's back), the post is published all the same and the failure is logged"""
    inst.psql("INSERT INTO review_rules (kind, pattern, scope) VALUES ('regex', '(', 'both')")
    try:
        n = rule_items()
        text = "escort, but the check breaks %d" % time.time()
        sid = post(clients["rose"], "rose", text)
        assert text in clients["ivy"].get("/@rose/%s" % sid).text
        assert rule_items() == n, "a broken check filed something"
        assert "post %s not checked against the review rules" % sid in inst.server.log()
    finally:
        inst.psql("DELETE FROM review_rules WHERE pattern = '('")


# --- the members' page and deleting -------------------------------------------------------------

@test
def test_members_page_lists_rules():
    """every member reads every rule with its kind, pattern, scope and note, and that a match
    never hides a post; the moderator's name is not shown"""
    r = clients["ivy"].get(MEMBERS)
    harness.assert_status(r, 200, "members' page")
    text = html.unescape(r.text)
    assert NEVER_HIDES in r.text
    assert NONE_YET not in r.text
    for kind, pattern in inst.psql("SELECT kind, pattern FROM review_rules"):
        assert '<code class="pattern">%s</code>' % pattern in text, pattern
    assert "Screening: check the thread for bad dates" in text
    for label in ("Phrase", "Regular expression", "Links to a domain",
                  "Posts from a remote domain", "Local posts", "Remote posts",
                  "Local and remote posts"):
        assert label in text, label
    assert "keeper" not in text
    assert text.count('<li id="review-rule-') == rule_count()
    admin = clients["mod"].get(ADMIN)
    harness.assert_status(admin, 200, "admin page")
    assert html.unescape(admin.text).count('<li id="review-rule-') == rule_count()
    assert "@keeper" in admin.text


@test
def test_pagination():
    """the lists are paged 50 at a time, oldest first, with links both ways"""
    for i in range(50):
        inst.psql("INSERT INTO review_rules (kind, pattern, scope) VALUES"
                  " ('phrase', 'filler %02d', 'local')" % i)
    first = clients["ivy"].get(MEMBERS)
    ids = re.findall(r'<li id="review-rule-(\d+)"', first.text)
    assert len(ids) == 50, len(ids)
    m = re.search(r'href="(/moderation/review-rules\?min_id=\d+)" rel="next"', first.text)
    assert m and "rel=\"prev\"" not in first.text, "no link to the next page"
    second = clients["ivy"].get(html.unescape(m.group(1)))
    more = re.findall(r'<li id="review-rule-(\d+)"', second.text)
    assert more and not set(more) & set(ids) and len(ids) + len(more) == rule_count()
    assert 'rel="prev"' in second.text
    harness.assert_status(clients["ivy"].get(MEMBERS + "?max_id=x"), 400, "bad page link")
    inst.psql("DELETE FROM review_rules WHERE pattern LIKE 'filler %'")


@test
def test_delete():
    """a moderator deletes a rule: it leaves both lists and stops matching; the items it
    filed stay with their comment; a member can't delete; a second delete is 404"""
    rid = rule_id("phrase", "Escort")
    sid = state["escort_post"]
    r = clients["rose"].post("%s/%s/delete" % (ADMIN, rid), {})
    harness.assert_status(r, 403, "member deletes")
    r = clients["mod"].post("%s/%s/delete" % (ADMIN, rid), {})
    harness.assert_status(r, 303, "delete")
    assert rule_id("phrase", "Escort") == ""
    assert 'review-rule-%s"' % rid not in clients["ivy"].get(MEMBERS).text
    assert queue(sid) == [("", 'phrase "Escort"', "rose", "open")], queue(sid)
    later = post(clients["rose"], "rose", "escort again")
    assert queue(later) == []
    harness.assert_status(clients["mod"].post("%s/%s/delete" % (ADMIN, rid), {}), 404,
                          "delete again")
    harness.assert_status(clients["mod"].post(ADMIN + "/nope/delete", {}), 404, "bad id")


@test
def test_logs_keep_patterns_out():
    """the server log holds no pattern and no post text"""
    log = inst.server.log()
    for secret in ("(unclosed", "Escort", "MOONLIGHT", "colou?r"):
        assert secret not in log, secret


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
