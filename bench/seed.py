#!/usr/bin/env python3
"""seed.py - fills a freshly migrated parasol database with a large, made-up community, fast.

    bench/seed.py --db parasol_bench [--posts N] [--accounts N] [--small] [--seed S] ...

Contract: the database named by --db (reached through PGHOST/PGPORT/PGUSER, as a superuser)
must hold parasol's schema and no data of its own; this script adds accounts, posts, boosts,
replies, likes, mentions, tags, follows, blocks, mutes, notifications and peers, every table
through `COPY ... FROM STDIN` piped into psql (never one INSERT per row), with foreign keys
and triggers off for the loading sessions (session_replication_role = replica). Afterwards it
calls parasol_recount_stats() and parasol_rebuild_home_feeds(800) when migrations made them,
runs VACUUM ANALYZE, and records what it made in the table bench_seed (./dev bench reads it
to skip seeding again). It prints what it made and how long it took; it exits non-zero
when psql fails.

The data is a pure function of the parameters and --seed: ids are time-ordered like
parasol_id() makes them ((milliseconds since the epoch << 16) | sequence), posts spread over
the past year, so id order is time order. Fixed names the benchmark relies on:

    rose      a local member, password ROSE_PASSWORD, following 200 accounts, ~1 % of the posts
              (10,000 at 1M)
    every local member gets the notifications of the likes, boosts, replies, mentions and
              follows the data holds (1.1M at 1M posts), 97 % of them read
    admin     a local admin (same password)
    bencher   a remote account on peer00.bench.test; ./dev bench puts its own key in it
    #bench    a tag on ~6 % of the posts
    a thread  one public post of rose's with 50 replies (its id is in bench_seed.facts)

Only the Python standard library is used.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time

SEED_VERSION = 4  # bump when the generated data changes: ./dev bench then seeds again
ROSE_PASSWORD = "rose-bench-password"
# argon2id of ROSE_PASSWORD with parasol's parameters (core/account.c), made once with
# libargon2; every local account shares it, since hashing 7,000 passwords would take minutes.
PASSWORD_HASH = ("$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0YmVuY2gxNg$"
                 "pjKUwopDGBH2nUTWE4XEzV3hoKrEWlp6GUFCwC9EFZ8")
PEER_DOMAIN = "peer%02d.bench.test"
THREAD_REPLIES = 50
# tables whose indexes are dropped while loading and built again afterwards
BIG_TABLES = ("statuses", "favourites", "mentions", "status_tags", "follows", "notifications")
ROSE_FOLLOWS = 200
VIS = ("public", "unlisted", "private", "members", "direct")
PUBLIC, UNLISTED, PRIVATE, MEMBERS, DIRECT = range(5)
# cumulative visibility mix of new posts: 55 % public, 12 % unlisted, 13 % followers only,
# 12 % members only, 8 % direct
VIS_CUM = (0.55, 0.67, 0.80, 0.92, 1.0)
WORDS = ("the", "market", "safety", "rent", "tonight", "meeting", "a", "new", "list", "of",
         "clients", "to", "avoid", "thanks", "everyone", "who", "came", "out", "for", "our",
         "picnic", "coffee", "union", "rights", "downtown", "again", "is", "open", "weekend",
         "shift", "bus", "late", "photos", "soon", "read", "this", "thread", "please", "share",
         "love", "and", "solidarity", "ask", "me", "anything", "about", "taxes", "we", "did",
         "it")
SENTENCES = tuple(" ".join(random.Random(i).choice(WORDS) for _ in range(6 + i % 9)).capitalize()
                  + "." for i in range(64))


def log(msg):
    print(msg, flush=True)


# --- parameters ------------------------------------------------------------------------------

def parameters(args):
    """The numbers to generate, from the command line: --small scales everything down to a
    1,000-post node; explicit options win over both defaults."""
    if args.small:
        p = dict(posts=1000, accounts=300, favourites=1000, follows=3000, blocks=20, mutes=20)
    else:
        p = dict(posts=1_000_000, accounts=10_000, favourites=1_000_000, follows=200_000,
                 blocks=2000, mutes=2000)
    for k in p:
        v = getattr(args, k)
        if v is not None:
            p[k] = v
    p["domains"] = args.domains
    p["seed"] = args.seed
    p["version"] = SEED_VERSION
    if args.tag:
        p["migrations_tag"] = args.tag
    if p["accounts"] < ROSE_FOLLOWS + 60:
        sys.exit("seed.py: --accounts must be at least %d" % (ROSE_FOLLOWS + 60))
    if p["posts"] < THREAD_REPLIES + 200:
        sys.exit("seed.py: --posts must be at least %d" % (THREAD_REPLIES + 200))
    return p


# --- talking to PostgreSQL ---------------------------------------------------------------------

def psql_args(db):
    return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db]


def psql(db, sql):
    """Runs sql in db; returns its unaligned, tuples-only output. Exits on failure."""
    r = subprocess.run(psql_args(db) + ["-tA", "-c", sql], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("seed.py: psql failed: %s\n%s" % (sql[:200], r.stderr))
    return r.stdout.strip()


class Copy:
    """One `COPY table (columns) FROM STDIN` running in its own psql, with foreign keys and
    triggers off for that session. write() takes lines already in COPY text format; close()
    waits for psql and exits on failure."""

    def __init__(self, db, table, columns):
        self.table = table
        self.rows = 0
        self.buf = []
        env = dict(os.environ, PGOPTIONS="-c session_replication_role=replica")
        cmd = "\\copy %s (%s) from pstdin" % (table, ", ".join(columns))
        self.proc = subprocess.Popen(psql_args(db) + ["-c", cmd], stdin=subprocess.PIPE,
                                     env=env)

    def row(self, line):
        self.buf.append(line)
        if len(self.buf) >= 20000:
            self.flush()

    def flush(self):
        if self.buf:
            self.rows += len(self.buf)
            self.proc.stdin.write(("\n".join(self.buf) + "\n").encode())
            self.buf = []

    def close(self):
        self.flush()
        self.proc.stdin.close()
        if self.proc.wait() != 0:
            sys.exit("seed.py: COPY into %s failed" % self.table)
        return self.rows


class Indexes:
    """The indexes of the big tables, dropped before loading and built again afterwards (a
    sorted build is several times faster than a million random inserts). Indexes behind a
    primary key or unique constraint stay when another table's foreign key points at the
    table (statuses, accounts); on the other tables their constraints go and come back."""

    SQL = """
        SELECT 'DROP INDEX ' || i.indexrelid::regclass, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY (ARRAY[%(tables)s]::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        UNION ALL
        SELECT 'ALTER TABLE ' || c.conrelid::regclass || ' DROP CONSTRAINT '
                   || quote_ident(c.conname),
               'ALTER TABLE ' || c.conrelid::regclass || ' ADD CONSTRAINT '
                   || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.contype IN ('p', 'u') AND c.conrelid = ANY (ARRAY[%(tables)s]::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f'
                          AND f.confrelid = c.conrelid)"""

    def __init__(self, db, tables):
        self.db = db
        out = psql(db, self.SQL % {"tables": ", ".join("'%s'" % t for t in tables)})
        self.pairs = [line.split("|", 1) for line in out.splitlines() if line]

    def drop(self):
        if self.pairs:
            psql(self.db, "; ".join(d for d, _ in self.pairs))
        log("  dropped %d indexes for the load" % len(self.pairs))

    def build(self):
        """Builds them again in two sessions at once (two cores)."""
        t = time.time()
        # statuses in one session, the other tables in the other: a table's statements stay
        # in one session, each in its own transaction, so the two never wait for each other
        queues = [[], []]
        for drop, create in self.pairs:
            queues[0 if " ON public.statuses " in create or " statuses " in drop else 1] += [
                "-c", create]
        env = dict(os.environ, PGOPTIONS="-c maintenance_work_mem=256MB")
        procs = [subprocess.Popen(psql_args(self.db) + q, env=env) for q in queues if q]
        if any(p.wait() != 0 for p in procs):
            sys.exit("seed.py: building the indexes again failed")
        log("  built %d indexes again: %.1f s" % (len(self.pairs), time.time() - t))


def n(v):
    """A value in COPY text format: None is NULL."""
    return "\\N" if v is None else str(v)


class Clock:
    """Time-ordered ids and timestamps: ids are (ms << 16) | seq, unique per table."""

    def __init__(self):
        self.used = {}
        self.stamps = {}

    def id(self, table, ms):
        used = self.used.setdefault(table, set())
        i = ms << 16
        while i in used:
            i += 1
        used.add(i)
        return i

    days = {}

    @classmethod
    def stamp(cls, ms):
        """ms since the epoch as a timestamptz literal (UTC); the date part is cached, since
        strftime for a million posts would take seconds."""
        day, rest = divmod(ms, 86400_000)
        d = cls.days.get(day)
        if d is None:
            d = cls.days[day] = time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
        sec, milli = divmod(rest, 1000)
        return "%s %02d:%02d:%02d.%03d+00" % (d, sec // 3600, sec // 60 % 60, sec % 60, milli)


# --- the data ----------------------------------------------------------------------------------

class Seeder:
    """Generates the rows and pipes them into COPYs. Accounts are indices 0..A-1 (0 rose,
    1 admin, 2 bencher, locals first), posts indices 0..P-1 in time order; ids are computed
    from the indices."""

    def __init__(self, db, p):
        self.db, self.p = db, p
        self.rnd = random.Random(p["seed"])
        self.clock = Clock()
        self.now_ms = int(time.time() * 1000) - 3600_000
        self.t0 = self.now_ms - 365 * 86400_000
        self.facts = {}
        self.notif = None  # the notifications COPY, open from social() to notifications()
        self.n_notif = self.n_notif_rose = 0

    # accounts ---------------------------------------------------------------------------------
    def accounts(self):
        p, rnd = self.p, self.rnd
        A = p["accounts"]
        self.n_local = max(ROSE_FOLLOWS, int(A * 0.7))
        domains = [PEER_DOMAIN % d for d in range(p["domains"])]
        # bencher is remote but sits at index 2, among the locals, so that its index is fixed
        self.domain = [None, None, domains[0]] + [None] * (self.n_local - 2) + [
            domains[rnd.randrange(len(domains))] for _ in range(A - self.n_local - 1)]
        assert len(self.domain) == A
        self.acc_id = []
        self.name = []
        special = {0: "rose", 1: "admin", 2: "bencher"}
        protected = {0, 1, 2}
        self.suspended = set()
        self.limited = set()
        for i in range(3, A):
            r = rnd.random()
            if r < 0.01:
                self.suspended.add(i)
            elif r < 0.02:
                self.limited.add(i)
        cp = Copy(self.db, "accounts", (
            "id", "username", "password_hash", "role", "created_at", "display_name", "bio",
            "locked", "domain", "uri", "url", "inbox_url", "shared_inbox_url", "followers_url",
            "key_id", "discoverable", "indexable", "limited", "suspended_at"))
        for i in range(A):
            ms = self.t0 - (A - i) * 60_000
            aid = self.clock.id("accounts", ms)
            self.acc_id.append(aid)
            dom = self.domain[i]
            name = special.get(i) or ("user%05d" % i if dom is None else "remote%05d" % i)
            self.name.append(name)
            if dom is None:
                uri = url = inbox = shared = followers = key_id = None
            else:
                base = "https://%s/users/%s" % (dom, name)
                uri, url, inbox = base, "https://%s/@%s" % (dom, name), base + "/inbox"
                shared, followers = "https://%s/inbox" % dom, base + "/followers"
                key_id = base + "#main-key"
            susp = Clock.stamp(self.now_ms - 86400_000) if i in self.suspended else None
            cp.row("\t".join((
                str(aid), name, "\\N" if dom else PASSWORD_HASH,
                "admin" if i == 1 else "member", Clock.stamp(ms),
                "Rose" if i == 0 else name.capitalize(),
                "Sex worker, organiser. Benchmark account." if i == 0 else SENTENCES[i % 64],
                "t" if i not in protected and rnd.random() < 0.05 else "f",
                n(dom), n(uri), n(url), n(inbox), n(shared), n(followers), n(key_id),
                "t" if i == 0 else "f", "f", "t" if i in self.limited else "f", n(susp))))
        log("  accounts: %d (%d local, %d remote on %d domains, %d limited, %d suspended)" % (
            cp.close(), self.n_local, A - self.n_local, len(domains), len(self.limited),
            len(self.suspended)))
        psql(self.db, "INSERT INTO peers (domain, note) SELECT d, 'bench peer' FROM unnest("
             "ARRAY[%s]) d ON CONFLICT DO NOTHING" % ",".join("'%s'" % d for d in domains))
        if len(domains) > 1:
            # one peer is limited as a whole: its accounts are treated as limited ones
            psql(self.db, "INSERT INTO domain_policies (domain, limited) VALUES ('%s', true) "
                 "ON CONFLICT DO NOTHING" % domains[-1])

    def notify(self, ms, kind, to, frm, status_id):
        """A notification for account index `to` (local members only) from `frm` about
        status_id (None for a follow)."""
        if to == frm or self.domain[to] is not None:
            return
        self.notif.row("%d\t%d\t%d\t%s\t%s\t%s\t%s" % (
            self.clock.id("notifications", ms), self.acc_id[to], self.acc_id[frm], kind,
            "\\N" if status_id is None else status_id,
            "t" if self.rnd.random() < 0.97 else "f", Clock.stamp(ms)))
        self.n_notif += 1
        self.n_notif_rose += to == 0

    # follows, blocks, mutes -------------------------------------------------------------------
    def social(self):
        p, rnd = self.p, self.rnd
        A = p["accounts"]
        pairs = set()
        # rose follows 200 accounts, about half local; 300 accounts follow rose
        cands = [i for i in range(3, A) if i not in self.suspended]
        rnd.shuffle(cands)
        self.rose_follows = cands[:ROSE_FOLLOWS]
        for t in self.rose_follows:
            pairs.add((0, t))
        for f in cands[ROSE_FOLLOWS:ROSE_FOLLOWS + min(300, A // 3)]:
            pairs.add((f, 0))
        while len(pairs) < p["follows"]:
            a, b = rnd.randrange(A), rnd.randrange(A)
            if a != b and a != 0:
                pairs.add((a, b))
        self.notif = Copy(self.db, "notifications", (
            "id", "account_id", "from_account_id", "type", "status_id", "read", "created_at"))
        cp = Copy(self.db, "follows", ("id", "account_id", "target_account_id"))
        span = self.now_ms - self.t0
        for a, b in sorted(pairs):
            ms = self.t0 + rnd.randrange(span)
            cp.row("%d\t%d\t%d" % (self.clock.id("follows", ms), self.acc_id[a], self.acc_id[b]))
            self.notify(ms, "follow", b, a, None)
        log("  follows: %d (rose follows %d)" % (cp.close(), len(self.rose_follows)))
        following = set(self.rose_follows)
        for table, count in (("blocks", p["blocks"]), ("mutes", p["mutes"])):
            got = set()
            if table == "blocks":
                # rose blocks a few accounts she doesn't follow, a few block her
                others = [i for i in cands[ROSE_FOLLOWS + 400:] if i not in following]
                for t in others[:5]:
                    got.add((0, t))
                for t in others[5:10]:
                    got.add((t, 0))
            while len(got) < count:
                a, b = rnd.randrange(A), rnd.randrange(A)
                if a != b and 0 not in (a, b):
                    got.add((a, b))
            cp = Copy(self.db, table, ("id", "account_id", "target_account_id"))
            for a, b in sorted(got):
                ms = self.t0 + rnd.randrange(span)
                cp.row("%d\t%d\t%d" % (self.clock.id(table, ms), self.acc_id[a],
                                       self.acc_id[b]))
            log("  %s: %d" % (table, cp.close()))

    # posts ------------------------------------------------------------------------------------
    def posts(self):
        p, rnd = self.p, self.rnd
        P, A = p["posts"], p["accounts"]
        random_ = rnd.random
        randrange = rnd.randrange
        # authors: rose ~1 % (at least 100, so her pages are full even at 1,000 posts), the
        # rest heavy-tailed over the other accounts
        rose_n = max(100, P // 100)
        weights = [min(rnd.paretovariate(1.2), 200.0) for _ in range(A)]
        weights[0] = 0.0
        author = rnd.choices(range(A), weights=weights, k=P)
        for i in rnd.sample(range(P), rose_n):
            author[i] = 0
        # the thread: a public post of rose's near the end, 50 replies in the next posts
        root = P - 3 * THREAD_REPLIES - 100
        thread = sorted(rnd.sample(range(root + 1, root + 3 * THREAD_REPLIES), THREAD_REPLIES))
        author[root] = 0
        thread_pos = {i: k for k, i in enumerate(thread)}
        thread_set = set(thread)
        for i in thread:
            if author[i] in self.suspended:
                author[i] = 3 + i % 50
        # tags
        n_tags = max(10, min(200, P // 1000))
        tag_names = ["bench"] + ["topic%03d" % t for t in range(1, n_tags)]
        tag_ids = [self.clock.id("tags", self.t0 - 1000 + t) for t in range(n_tags)]
        cp = Copy(self.db, "tags", ("id", "name"))
        for t in range(n_tags):
            cp.row("%d\t%s" % (tag_ids[t], tag_names[t]))
        cp.close()

        st = Copy(self.db, "statuses", (
            "id", "account_id", "text", "content", "spoiler_text", "sensitive", "visibility",
            "in_reply_to_id", "in_reply_to_account_id", "reblog_of_id", "created_at", "uri",
            "url", "mod_hidden"))
        men = Copy(self.db, "mentions", ("status_id", "account_id"))
        stg = Copy(self.db, "status_tags", ("status_id", "tag_id"))
        ids = [0] * P
        vis = bytearray(P)
        boostable = []  # public/unlisted original posts, for boosts and likes
        originals = []  # every original (not a boost), for replies
        boosts = set()
        counts = [0] * 5
        n_boost = n_reply = n_mention = n_tagged = n_bench = 0
        span = self.now_ms - self.t0
        last_ms = 0
        acc_id, name, domain, notify = self.acc_id, self.name, self.domain, self.notify
        for i in range(P):
            ms = self.t0 + span * i // P
            if ms <= last_ms:
                ms = last_ms + 1
            last_ms = ms
            sid = (ms << 16) | (i & 0xFFFF)
            ids[i] = sid
            a = author[i]
            dom = domain[a]
            uri = url = "\\N"
            if dom is not None:
                uri = "https://%s/users/%s/statuses/%d" % (dom, name[a], sid)
                url = "https://%s/@%s/%d" % (dom, name[a], sid)
            stamp = Clock.stamp(ms)
            r = random_()
            # a boost of a recent public or unlisted post
            if i not in thread_set and i != root and r < 0.08 and len(boostable) > 100:
                target = boostable[-1 - int(random_() * min(len(boostable), 50000))]
                if (a, target) not in boosts and author[target] != a:
                    boosts.add((a, target))
                    v = vis[target]
                    vis[i] = v
                    counts[v] += 1
                    n_boost += 1
                    st.row("%d\t%d\t\t\t\tf\t%s\t\\N\t\\N\t%d\t%s\t%s\t%s\tf" % (
                        sid, acc_id[a], VIS[v], ids[target], stamp, uri, url))
                    notify(ms, "reblog", author[target], a, ids[target])
                    continue
            # visibility
            if i == root or i in thread_set:
                v = PUBLIC
            else:
                x = random_()
                v = 0
                while x >= VIS_CUM[v]:
                    v += 1
                if v == MEMBERS and dom is not None:
                    v = PUBLIC  # remote accounts can't write members-only posts
            vis[i] = v
            counts[v] += 1
            # reply?
            parent = None
            if i in thread_set:
                # most replies answer the root, some answer an earlier reply
                k = thread_pos[i]
                parent = root if k == 0 or random_() < 0.6 else thread[randrange(k)]
            elif i != root and r < 0.33 and originals:
                parent = originals[-1 - int(random_() * min(len(originals), 20000))]
            words = SENTENCES[i & 63]
            html = words
            mentioned = []
            if parent is not None:
                n_reply += 1
                pa = author[parent]
                if pa != a:
                    mentioned.append(pa)
                notify(ms, "reply", pa, a, sid)
            if v == DIRECT or random_() < 0.05:
                m = 0 if random_() < 0.02 else int(random_() * A)
                if m != a and m not in mentioned:
                    mentioned.append(m)
                if not mentioned:
                    mentioned.append(1 if a != 1 else 0)
            if mentioned:
                at = []
                for m in mentioned:
                    men.row("%d\t%d" % (sid, acc_id[m]))
                    n_mention += 1
                    handle = name[m] if domain[m] is None else "%s@%s" % (name[m], domain[m])
                    at.append(('@' + handle, '<a href="/@%s" class="mention">@%s</a>' % (
                        handle, handle)))
                    if parent is None or m != author[parent]:
                        notify(ms, "mention", m, a, sid)
                words = " ".join(t for t, _ in at) + " " + words
                html = " ".join(h for _, h in at) + " " + html
            # tags: #bench on ~6 %, one topic tag on ~20 %
            if v != DIRECT:
                x = random_()
                tag = None
                if x < 0.06 or i == root:
                    tag = 0
                    n_bench += 1
                elif x < 0.26:
                    tag = 1 + int(random_() * (n_tags - 1))
                if tag is not None:
                    n_tagged += 1
                    stg.row("%d\t%d" % (sid, tag_ids[tag]))
                    words += " #" + tag_names[tag]
                    html += ' <a href="/tags/%s" class="hashtag">#%s</a>' % (
                        tag_names[tag], tag_names[tag])
            cw = "spoilers" if r > 0.97 else ""
            st.row("%d\t%d\t%s\t<p>%s</p>\t%s\t%s\t%s\t%s\t%s\t\\N\t%s\t%s\t%s\t%s" % (
                sid, acc_id[a], words, html, cw, "t" if cw else "f", VIS[v],
                "\\N" if parent is None else ids[parent],
                "\\N" if parent is None else acc_id[author[parent]], stamp, uri, url,
                "t" if r > 0.998 else "f"))
            originals.append(i)
            if v <= UNLISTED:
                boostable.append(i)
        log("  statuses: %d (%s; %d boosts, %d replies; rose %d)" % (
            st.close(), ", ".join("%s %d" % (VIS[k], counts[k]) for k in range(5)),
            n_boost, n_reply, rose_n))
        log("  mentions: %d; status_tags: %d (%d tags, #bench on %d posts)" % (
            men.close(), stg.close(), n_tags, n_bench))
        self.ids, self.author, self.vis, self.boostable = ids, author, vis, boostable
        self.facts["thread_id"] = ids[root]
        self.facts["thread_replies"] = THREAD_REPLIES

    # likes ------------------------------------------------------------------------------------
    def favourites(self):
        p, rnd = self.p, self.rnd
        A, F = p["accounts"], p["favourites"]
        ids, author, notify, boostable = self.ids, self.author, self.notify, self.boostable
        random_ = rnd.random
        cp = Copy(self.db, "favourites", ("id", "account_id", "status_id"))
        seen = set()
        nb = len(boostable)
        made = 0
        used = set()
        limit = min(F, A * nb // 2)
        while made < limit:
            a = int(random_() * A)
            s = boostable[int(random_() * nb)]
            k = a * 4_000_000_000 + s
            if k in seen or author[s] == a:
                continue
            seen.add(k)
            ms = min((ids[s] >> 16) + int(random_() * 3 * 86400_000), self.now_ms)
            fid = ms << 16
            while fid in used:
                fid += 1
            used.add(fid)
            cp.row("%d\t%d\t%d" % (fid, self.acc_id[a], ids[s]))
            made += 1
            notify(ms, "favourite", author[s], a, ids[s])
        log("  favourites: %d" % cp.close())

    # notifications, written along the way --------------------------------------------------
    def notifications(self):
        self.notif.close()
        log("  notifications: %d (rose %d)" % (self.n_notif, self.n_notif_rose))

    def settings(self):
        psql(self.db, "INSERT INTO instance_settings (key, value) VALUES "
             "('local_timeline_public', 'true'), ('instance_name', 'parasol bench') "
             "ON CONFLICT (key) DO UPDATE SET value = excluded.value")

    def finish(self, seconds):
        if psql(self.db, "SELECT count(*) FROM pg_proc WHERE proname = 'parasol_recount_stats'") \
                != "0":
            t = time.time()
            # without the foreign-key checks of its hundreds of thousands of inserts
            env = dict(os.environ, PGOPTIONS="-c session_replication_role=replica "
                       "-c work_mem=256MB")
            if subprocess.run(psql_args(self.db) + ["-c", "SELECT parasol_recount_stats()"],
                              env=env, stdout=subprocess.DEVNULL).returncode != 0:
                sys.exit("seed.py: parasol_recount_stats() failed")
            log("  parasol_recount_stats(): %.1f s" % (time.time() - t))
        if psql(self.db, "SELECT count(*) FROM pg_proc WHERE proname = "
                "'parasol_rebuild_home_feeds'") != "0":
            t = time.time()
            # the home feeds' triggers did not run for the rows COPY wrote
            env = dict(os.environ, PGOPTIONS="-c session_replication_role=replica "
                       "-c work_mem=256MB")
            if subprocess.run(psql_args(self.db) + ["-c",
                              "SELECT parasol_rebuild_home_feeds(800)"],
                              env=env, stdout=subprocess.DEVNULL).returncode != 0:
                sys.exit("seed.py: parasol_rebuild_home_feeds() failed")
            log("  parasol_rebuild_home_feeds(800): %.1f s" % (time.time() - t))
        t = time.time()
        psql(self.db, "VACUUM (ANALYZE)")
        log("  VACUUM ANALYZE: %.1f s" % (time.time() - t))
        facts = dict(self.facts, seconds=round(seconds + time.time() - t, 1))
        record(self.db, self.p, facts)


def record(db, params, facts):
    """Writes bench_seed: the parameters, the migrations the data was made against and the
    facts the benchmark needs (thread id), so that ./dev bench can reuse the database."""
    psql(db, "CREATE TABLE IF NOT EXISTS bench_seed (params jsonb NOT NULL, migrations text "
         "NOT NULL, facts jsonb NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now())")
    migrations = psql(db, "SELECT string_agg(version::text, ',' ORDER BY version) "
                          "FROM schema_migrations")
    psql(db, "DELETE FROM bench_seed; INSERT INTO bench_seed (params, migrations, facts) "
         "VALUES ('%s', '%s', '%s')" % (json.dumps(params, sort_keys=True), migrations,
                                         json.dumps(facts, sort_keys=True)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="database name (PGHOST/PGPORT/PGUSER reach it)")
    ap.add_argument("--small", action="store_true", help="a 1,000-post node")
    ap.add_argument("--posts", type=int)
    ap.add_argument("--accounts", type=int)
    ap.add_argument("--favourites", type=int)
    ap.add_argument("--follows", type=int)
    ap.add_argument("--blocks", type=int)
    ap.add_argument("--mutes", type=int)
    ap.add_argument("--domains", type=int, default=50, help="remote peer domains")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tag", help="a label kept with the parameters (./dev bench: a hash of "
                    "the migrations)")
    ap.add_argument("--print-params", action="store_true",
                    help="print the parameters as JSON and exit (./dev bench compares them)")
    args = ap.parse_args()
    p = parameters(args)
    if args.print_params:
        print(json.dumps(p, sort_keys=True))
        return
    if psql(args.db, "SELECT count(*) FROM statuses") != "0":
        sys.exit("seed.py: %s already holds posts: seed a freshly migrated database" % args.db)
    log("seeding %s: %s" % (args.db, json.dumps(p, sort_keys=True)))
    t = time.time()
    s = Seeder(args.db, p)
    indexes = Indexes(args.db, BIG_TABLES)
    steps = (s.accounts, indexes.drop, s.social, s.posts, s.favourites, s.notifications,
             s.settings, indexes.build)
    for step in steps:
        t1 = time.time()
        step()
        log("    (%s: %.1f s)" % (step.__name__, time.time() - t1))
    s.finish(time.time() - t)
    log("seeded %s in %.1f s" % (args.db, time.time() - t))


if __name__ == "__main__":
    main()
