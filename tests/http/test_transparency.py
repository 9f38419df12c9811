"""The transparency report on the about page: for the last 12 months with any moderation
activity, newest first, the reports filed by source, the actions taken by kind (dismissals
counted, private notes, pending and rejected actions not) and the appeals filed, granted and
denied, in UTC months; counts only, the same for visitors and members; a fresh node says there
has been nothing yet.

The moderation actions and appeals are being built alongside: besides a real report and a real
role change, these tests insert reports, mod_actions and appeals rows directly with psql."""

import os
import sys
from html.parser import HTMLParser

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("transparency")
test = suite.test
inst = harness.Instance(suite, "transparency")
clients = {}
NOTHING = "There has been no moderation activity here yet."
FIXED = ["Month", "Reports from members", "Reports from other servers",
         "Reports from review rules"]
APPEALS = ["Appeals filed", "Appeals granted", "Appeals denied"]
REPORT_COMMENT = "ivy keeps posting my clients' names"
GRANT_REASON = "rose volunteered for the night shift"


def setup():
    inst.setup()
    # Sessions in a time zone far from UTC: months must still be cut in UTC.
    inst.psql("ALTER DATABASE %s SET timezone = 'Pacific/Kiritimati'" % inst.dbname)
    inst.start_server()
    clients["admin"] = harness.member(inst, "boss", role="admin")
    clients["rose"] = harness.member(inst, "rose")
    clients["ivy"] = harness.member(inst, "ivy")


class TableParser(HTMLParser):
    """The transparency table: caption, header cells (text, scope), rows (cells: tag, scope,
    text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_table = False
        self.caption = None
        self.head = []
        self.rows = []
        self.cell = None
        self.section = None
        self.in_caption = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "transparency" in (a.get("class") or "").split():
            self.in_table = True
        if not self.in_table:
            return
        if tag == "caption":
            self.in_caption, self.caption = True, ""
        elif tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr" and self.section == "tbody":
            self.rows.append({"id": a.get("id"), "cells": []})
        elif tag in ("th", "td"):
            self.cell = [tag, a.get("scope"), ""]

    def handle_data(self, data):
        if self.in_caption:
            self.caption += data
        elif self.cell is not None:
            self.cell[2] += data

    def handle_endtag(self, tag):
        if not self.in_table:
            return
        if tag == "caption":
            self.in_caption = False
        elif tag in ("th", "td") and self.cell is not None:
            cell = (self.cell[0], self.cell[1], self.cell[2].strip())
            if self.section == "thead":
                self.head.append(cell)
            else:
                self.rows[-1]["cells"].append(cell)
            self.cell = None
        elif tag == "table":
            self.in_table = False


def table(text):
    """(header labels, {month: {label: count}}, months in page order) of the about page;
    checks the table's accessible shape on the way."""
    p = TableParser()
    p.feed(text)
    assert p.caption, "no caption"
    assert p.head and all(t == "th" and s == "col" for t, s, _ in p.head), p.head
    labels = [x for _, _, x in p.head]
    months, order = {}, []
    for row in p.rows:
        cells = row["cells"]
        assert cells[0][:2] == ("th", "row"), cells
        assert all(t == "td" for t, _, _ in cells[1:]), cells
        assert len(cells) == len(labels), (labels, cells)
        month = cells[0][2]
        assert row["id"] == "month-" + month
        order.append(month)
        months[month] = {label: int(c[2]) for label, c in zip(labels[1:], cells[1:])}
    return labels, months, order


def about(client=None, lang=None):
    c = client or harness.WebClient(inst.port, lang=lang)
    r = c.get("/about")
    harness.assert_status(r, 200, "GET /about")
    return r


def month(months_ago=0):
    """The UTC month months_ago months before this one, as YYYY-MM."""
    return inst.scalar("SELECT to_char(date_trunc('month', now() AT TIME ZONE 'UTC')"
                       " - interval '%d months', 'YYYY-MM')" % months_ago)


def at(months_ago, offset):
    """SQL for a timestamptz: the start of that UTC month plus offset (an interval literal)."""
    return ("((date_trunc('month', now() AT TIME ZONE 'UTC') - interval '%d months'"
            " + interval '%s') AT TIME ZONE 'UTC')" % (months_ago, offset))


def account_id(name):
    return inst.scalar("SELECT id FROM accounts WHERE username = '%s'" % name)


@test
def test_fresh_node():
    """a fresh node says there has been no moderation activity yet, and shows no table"""
    for client in (None, clients["rose"]):
        r = about(client)
        assert NOTHING in r.text
        assert "<table" not in r.text
    # a rule, and a note a moderator keeps for themselves, are no public activity
    inst.psql("INSERT INTO mod_actions (kind, moderator_id, target_account_id, target_acct,"
              " reason, effective_at) VALUES ('note', %s, %s, 'ivy', 'private note', now())"
              % (account_id("boss"), account_id("ivy")))
    r = about()
    assert NOTHING in r.text and "<table" not in r.text
    assert "private note" not in r.text


@test
def test_report_and_grant():
    """a member's report and an admin's grant show as this month's row: 1 report, 1 appointment"""
    post = harness.post_and_get_id(inst, clients["ivy"], "ivy", "a public post")
    r = clients["rose"].post("/statuses/%s/report" % post, {"comment": REPORT_COMMENT})
    harness.assert_status(r, 303, "report")
    r = clients["admin"].post("/admin/roles", {"username": "rose", "reason": GRANT_REASON})
    harness.assert_status(r, 303, "grant")
    page = about()
    assert NOTHING not in page.text
    labels, months, order = table(page.text)
    assert labels == FIXED + ["Moderators appointed"] + APPEALS, labels
    assert order == [month(0)], order
    assert months[month(0)] == {
        "Reports from members": 1, "Reports from other servers": 0,
        "Reports from review rules": 0, "Moderators appointed": 1,
        "Appeals filed": 0, "Appeals granted": 0, "Appeals denied": 0}, months
    # counts only: no name, comment or reason
    for secret in ("rose", "ivy", "boss", REPORT_COMMENT, GRANT_REASON, "private note"):
        assert secret not in page.text, secret


@test
def test_same_for_everyone():
    """a visitor, a member, a moderator and a visitor reading Chinese see the same counts"""
    want = table(about().text)
    for client in (clients["ivy"], clients["rose"], clients["admin"]):
        assert table(about(client).text) == want
    # the labels may be translated; the months and numbers are the same
    _, months, order = table(about(lang="zh-CN").text)
    assert order == want[2]
    assert [list(m.values()) for m in months.values()] == \
        [list(m.values()) for m in want[1].values()]


@test
def test_kinds_sources_and_appeals():
    """reports by source, done and reversed actions by kind (not notes, pending or rejected),
    appeals filed and decided, each in its own UTC month"""
    boss, ivy, rose = account_id("boss"), account_id("ivy"), account_id("rose")
    # Rows inserted directly (the queue, actions and appeals pages are being built alongside).
    # Month A is three months ago, month B two months ago.
    inst.psql(
        "INSERT INTO reports (source, reporter_id, origin_domain, target_account_id, created_at)"
        " VALUES ('member', %(rose)s, NULL, %(ivy)s, %(a10)s),"
        " ('peer', NULL, 'remote.example', %(ivy)s, %(a10)s),"
        " ('peer', NULL, 'remote.example', %(ivy)s, %(a_last)s),"
        " ('rule', NULL, NULL, %(ivy)s, %(a_first)s)"
        % {"rose": rose, "ivy": ivy, "a10": at(3, "10 days"),
           # 23:30 UTC on A's last day: already the next day in the sessions' time zone
           "a_last": at(2, "-30 minutes"), "a_first": at(3, "30 minutes")})
    inst.psql(
        "INSERT INTO mod_actions (kind, moderator_id, target_account_id, target_acct, reason,"
        " state, created_at, effective_at) VALUES"
        " ('dismiss', %(boss)s, %(ivy)s, 'ivy', 'r', 'done', %(a)s, %(a)s),"
        " ('hide', %(boss)s, %(ivy)s, 'ivy', 'r', 'done', %(a)s, %(a)s),"
        " ('suspend', %(boss)s, %(ivy)s, 'ivy', 'r', 'reversed', %(a)s, %(a)s),"
        # waits for a second moderator: not taken yet
        " ('limit', %(boss)s, %(ivy)s, 'ivy', 'r', 'pending', %(a)s, NULL),"
        # refused by the second moderator
        " ('warn', %(boss)s, %(ivy)s, 'ivy', 'r', 'rejected', %(a)s, NULL),"
        # private
        " ('note', %(boss)s, %(ivy)s, 'ivy', 'r', 'done', %(a)s, %(a)s),"
        # proposed in the month before A, effective (approved) in A: counts in A
        " ('delete', %(boss)s, %(ivy)s, 'ivy', 'r', 'done', %(before_a)s, %(a)s),"
        # no effective_at: counted by created_at
        " ('defederate', %(boss)s, NULL, NULL, 'r', 'done', %(a)s, NULL)"
        % {"boss": boss, "ivy": ivy, "a": at(3, "12 days"), "before_a": at(4, "20 days")})

    def action(kind):
        return inst.scalar("SELECT id FROM mod_actions WHERE kind = '%s'" % kind)

    inst.psql(
        "INSERT INTO appeals (action_id, account_id, text, state, decided_by, created_at,"
        " decided_at) VALUES"
        " (%s, %s, 't', 'granted', %s, %s, %s),"  # filed in A, granted in B
        " (%s, %s, 't', 'denied', %s, %s, %s),"   # filed and denied in A
        " (%s, %s, 't', 'open', NULL, %s, NULL)"  # filed in A, open
        % (action("suspend"), ivy, boss, at(3, "14 days"), at(2, "3 days"),
           action("hide"), ivy, boss, at(3, "14 days"), at(3, "20 days"),
           action("dismiss"), ivy, at(3, "15 days")))
    labels, months, order = table(about().text)
    assert labels == FIXED + ["Reports dismissed", "Posts hidden", "Posts deleted",
                              "Accounts suspended", "Servers defederated",
                              "Moderators appointed"] + APPEALS, labels
    assert order == [month(0), month(2), month(3)], order
    zero = {label: 0 for label in labels[1:]}
    assert months[month(3)] == dict(zero, **{
        "Reports from members": 1, "Reports from other servers": 2,
        "Reports from review rules": 1, "Reports dismissed": 1, "Posts hidden": 1,
        "Posts deleted": 1, "Accounts suspended": 1, "Servers defederated": 1,
        "Appeals filed": 3, "Appeals denied": 1}), months[month(3)]
    assert months[month(2)] == dict(zero, **{"Appeals granted": 1}), months[month(2)]
    assert months[month(0)] == dict(zero, **{"Reports from members": 1,
                                             "Moderators appointed": 1}), months[month(0)]
    assert "remote.example" not in about().text


@test
def test_twelve_months():
    """only the 12 newest months with activity are shown, newest first"""
    inst.psql("INSERT INTO reports (source, reporter_id, target_account_id, created_at)"
              " SELECT 'member', %s, %s, (date_trunc('month', now() AT TIME ZONE 'UTC')"
              " - make_interval(months => i) + interval '1 day') AT TIME ZONE 'UTC'"
              " FROM generate_series(20, 33) i" % (account_id("rose"), account_id("ivy")))
    _, months, order = table(about().text)
    want = [month(0), month(2), month(3)] + [month(i) for i in range(20, 29)]
    assert order == want, order
    assert all(months[m]["Reports from members"] == 1 for m in want[3:])


harness.add_server_end_tests(suite, lambda: inst.server)

if __name__ == "__main__":
    sys.exit(suite.run(setup))
