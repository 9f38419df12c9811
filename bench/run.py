#!/usr/bin/env python3
"""run.py - the benchmark of issue 9, run by `./dev bench`: parasol on a seeded node against a
bare libmicrohttpd server (bench/ceiling) on the same machine, in the same run.

    bench/run.py --build DIR [--reseed] [--duration S] [--quick] [--skip-small]

Contract: PGHOST/PGPORT/PGUSER reach a running PostgreSQL (the private cluster ./dev starts)
as a superuser; DIR holds an optimised parasol and bench/ceiling (bench/presign too, for the
signed measures). The script (re)makes the databases parasol_bench (1M posts) and
parasol_bench_small (1,000 posts) when their seed is missing or was made with other
parameters or other migrations, serves each in turn on 127.0.0.1:8190 (workers = 1), the
ceiling on 127.0.0.1:8191, and prints:

  - the EXPLAIN (ANALYZE, BUFFERS) of every query on statuses or notifications each page runs
    (auto_explain, for one request of each page), flagging sequential scans of statuses and
    sorts of many rows;
  - one table: each measure's req/s, p50 and p99 under wrk (keep-alive, -t2 -c64), the
    ceiling's req/s, the ratio and its target, wrk's non-2xx count, and one client's median
    time at 1M posts against 1,000 posts (the flat-cost ratio; for a deep page: against the
    first page).

A page that doesn't answer 200 is reported as an error, never as a speed. The script never
fails on a number: it exits 0 unless something could not run. Python standard library only.
"""

import argparse
import hashlib
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import seed  # noqa: E402  (the password and its hash the seeded members share)
WORK = os.path.join(TOP, "var", "bench")
DB_FULL, DB_SMALL = "parasol_bench", "parasol_bench_small"
PORT, CEILING_PORT = 8190, 8191
SMALL_PORT = 8193  # the 1,000-post node, served beside the 1M one for the one-client times
BASE = "http://127.0.0.1:%d" % PORT
ROSE_PASSWORD = "rose-bench-password"
AP_ACCEPT = "application/activity+json"
WRK_THREADS, WRK_CONNECTIONS = 2, 64
# Browsers ask for gzip; the ceiling ignores it.
COMMON_HEADERS = {"Accept-Encoding": "gzip", "Accept-Language": "en"}
# how often a followed account posts while /home is measured on its miss path
WRITES_PER_S = 5


def log(msg=""):
    print(msg, flush=True)


def warn(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


# --- PostgreSQL ---------------------------------------------------------------------------------

def psql(db, sql, check=True):
    """Runs sql in db; returns the unaligned, tuples-only output ('' on failure if not check)."""
    r = subprocess.run(["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
                       capture_output=True, text=True)
    if r.returncode != 0:
        if check:
            sys.exit("bench: psql failed on %s: %s\n%s" % (db, sql[:300], r.stderr))
        return ""
    return r.stdout.strip()


def db_exists(db):
    return psql("postgres", "SELECT 1 FROM pg_database WHERE datname = '%s'" % db) == "1"


def migrations_tag():
    """A hash of every migration file: a changed or added migration means seeding again."""
    h = hashlib.sha256()
    d = os.path.join(TOP, "migrations")
    for name in sorted(os.listdir(d)):
        if name.endswith(".sql"):
            h.update(name.encode())
            with open(os.path.join(d, name), "rb") as f:
                h.update(f.read())
    return h.hexdigest()[:16]


def seed_params(small):
    args = [sys.executable, os.path.join(HERE, "seed.py"), "--db", "x", "--print-params"]
    out = subprocess.run(args + (["--small"] if small else []), capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)


def recorded_seed(db):
    """(params, facts, tag) of the seed in db, or None when db holds none."""
    if not db_exists(db):
        return None
    out = psql(db, "SELECT params::text || E'\\x1f' || facts::text FROM bench_seed", check=False)
    if not out:
        return None
    params, facts = out.split("\x1f")
    return json.loads(params), json.loads(facts)


def ensure_seeded(db, small, reseed, parasol):
    """Makes db a migrated, seeded node, unless it already holds a seed of the same
    parameters and migrations. Returns the seed's facts."""
    want = seed_params(small)
    tag = migrations_tag()
    have = None if reseed else recorded_seed(db)
    if have and have[0].get("migrations_tag") == tag and \
            {k: v for k, v in have[0].items() if k != "migrations_tag"} == want:
        log("==> %s: seeded already (%s posts, seeded in %s s); --reseed seeds again" % (
            db, want["posts"], have[1].get("seconds")))
        return have[1]
    log("==> %s: (re)creating, migrating and seeding" % db)
    if db_exists(db):
        psql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
             "WHERE datname = '%s'" % db)
        psql("postgres", "DROP DATABASE %s" % db)
    psql("postgres", "CREATE DATABASE %s" % db)
    conf = write_config(db, "migrate")
    r = subprocess.run([parasol, "-c", conf, "migrate"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("bench: parasol migrate failed on %s:\n%s" % (db, r.stderr))
    cmd = [sys.executable, os.path.join(HERE, "seed.py"), "--db", db, "--tag", tag]
    if subprocess.run(cmd + (["--small"] if small else [])).returncode != 0:
        sys.exit("bench: seeding %s failed" % db)
    return recorded_seed(db)[1]


# --- parasol and the ceiling ---------------------------------------------------------------------

def write_config(db, name, extra=None):
    """Writes var/bench/NAME.conf for db; extra: more key = value settings. Returns its path."""
    os.makedirs(os.path.join(WORK, "data"), exist_ok=True)
    settings = {
        "listen_address": "127.0.0.1",
        "port": PORT,
        "base_url": BASE,
        "database_url": "host=%s port=%s user=%s dbname=%s" % (
            os.environ["PGHOST"], os.environ["PGPORT"], os.environ["PGUSER"], db),
        "data_dir": os.path.join(WORK, "data"),
        "templates_dir": os.path.join(TOP, "templates"),
        "static_dir": os.path.join(TOP, "templates", "static"),
        "migrations_dir": os.path.join(TOP, "migrations"),
        "locale_dir": os.path.join(ARGS.build, "locale"),
        "log_level": "info",
        "auto_migrate": "false",
        "workers": 1,
    }
    settings.update(extra or {})
    path = os.path.join(WORK, name + ".conf")
    with open(path, "w") as f:
        f.write("# Written by bench/run.py on every run.\n")
        f.write("".join("%s = %s\n" % kv for kv in settings.items()))
    return path


def config_accepts(parasol, db, key, value):
    """Whether this parasol knows the configuration key (keys come and go as the server
    changes): `checkconf` on a file that sets it."""
    conf = write_config(db, "probe", {key: value})
    r = subprocess.run([parasol, "-c", conf, "checkconf"], capture_output=True, text=True)
    return r.returncode == 0


class Process:
    """A child process (parasol serve or the ceiling) with its output in var/bench/NAME.log.
    start() waits until the port answers; stop() ends it with SIGTERM (SIGKILL after 10 s)."""

    def __init__(self, name, argv, port):
        self.name, self.argv, self.port = name, argv, port
        self.logpath = os.path.join(WORK, name + ".log")
        self.proc = None

    def start(self):
        if port_open(self.port):
            sys.exit("bench: something already listens on 127.0.0.1:%d (an earlier run?); "
                     "stop it first" % self.port)
        self.logfile = open(self.logpath, "w")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARASOL_")}
        env["LC_ALL"] = "C.UTF-8"
        self.proc = subprocess.Popen(self.argv, stdout=self.logfile, stderr=subprocess.STDOUT,
                                     env=env)
        for _ in range(300):
            if self.proc.poll() is not None:
                sys.exit("bench: %s exited at once (%d); its log, %s:\n%s" % (
                    self.name, self.proc.returncode, self.logpath, self.log_text()[-3000:]))
            if port_open(self.port):
                return self
            time.sleep(0.1)
        sys.exit("bench: %s did not listen on port %d within 30 s" % (self.name, self.port))

    def log_text(self):
        with open(self.logpath, errors="replace") as f:
            return f.read()

    def rss_kb(self):
        """VmRSS of the process in kB (None when it is gone)."""
        try:
            with open("/proc/%d/status" % self.proc.pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            return None

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.logfile.close()
        self.proc = None


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def parasol_server(parasol, db, name, extra=None, port=PORT):
    """A Process serving db on port (not started yet); extra: more settings."""
    settings = dict(extra or {})
    if port != PORT:
        settings.update(port=port, base_url="http://127.0.0.1:%d" % port)
    conf = write_config(db, name, settings)
    return Process(name, [parasol, "-c", conf, "serve"], port)


def server_threads(srv):
    """The HTTP thread count parasol logged ("listening on port N with T threads")."""
    m = re.search(r"with (\d+) threads", srv.log_text())
    return int(m.group(1)) if m else os.cpu_count()


# --- HTTP ---------------------------------------------------------------------------------------

def get(path, headers=None, port=PORT, method="GET", body=None):
    """One request on a fresh connection: (status, headers, body)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, r.headers, r.read()
    finally:
        c.close()


def sign_in(username, password, port=PORT):
    """Signs in over HTTP like a browser (GET /login for the CSRF cookie, POST the form).
    Returns the Cookie header value for signed-in requests; exits when sign-in fails."""
    status, headers, _ = get("/login", port=port)
    cookies = {}
    for value in headers.get_all("Set-Cookie") or []:
        name, _, rest = value.partition("=")
        cookies[name.strip()] = rest.split(";")[0]
    csrf = cookies.get("parasol_csrf")
    if status != 200 or not csrf:
        sys.exit("bench: GET /login answered %d without a parasol_csrf cookie" % status)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrf": csrf})
    status, headers, body = get("/login", {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "parasol_csrf=" + csrf}, method="POST", body=form.encode(), port=port)
    for value in headers.get_all("Set-Cookie") or []:
        name, _, rest = value.partition("=")
        cookies[name.strip()] = rest.split(";")[0]
    if status not in (302, 303) or not cookies.get("parasol_session"):
        sys.exit("bench: signing in as %s failed (%d): %r" % (username, status, body[:300]))
    return "; ".join("%s=%s" % kv for kv in cookies.items())


def request_headers(m, cookie):
    h = dict(COMMON_HEADERS)
    if m.get("accept"):
        h["Accept"] = m["accept"]
    if m.get("signed_in"):
        h["Cookie"] = cookie
    return h


class Timer:
    """One keep-alive client of one server that times requests; times[path] lists the ms."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.times = {}

    def time(self, path, headers):
        """Times one GET; False (and nothing kept) when it doesn't answer 200."""
        t = time.perf_counter()
        try:
            self.conn.request("GET", path, headers=headers)
            r = self.conn.getresponse()
            r.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return False
        if r.status != 200:
            return False
        self.times.setdefault(path, []).append((time.perf_counter() - t) * 1000)
        return True

    def medians(self):
        return {p: statistics.median(v) for p, v in self.times.items() if v}


# --- wrk ----------------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk(url, headers, duration, script=None, connections=WRK_CONNECTIONS, script_args=()):
    """Runs wrk (keep-alive, -t2 -c64 by default, --latency) and returns rps, p50/p99 in ms,
    non2xx (responses neither 2xx nor 3xx), errors (socket errors) and requests."""
    cmd = ["wrk", "-t%d" % WRK_THREADS, "-c%d" % connections, "-d%ds" % duration, "--latency",
           "--timeout", "5s"]
    for k, v in headers.items():
        cmd += ["-H", "%s: %s" % (k, v)]
    if script:
        cmd += ["-s", script]
    cmd.append(url)
    if script_args:
        cmd += ["--"] + list(script_args)
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    res = {"rps": None, "p50": None, "p99": None, "non2xx": 0, "errors": 0, "requests": 0,
           "raw": out}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if m:
        res["rps"] = float(m.group(1))
    for pct, key in (("50", "p50"), ("99", "p99")):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s|m)\s*$" % pct, out, re.M)
        if m:
            res[key] = float(m.group(1)) * UNITS[m.group(2)]
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        res["non2xx"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        res["errors"] = sum(int(x) for x in m.groups())
    m = re.search(r"(\d+) requests in", out)
    if m:
        res["requests"] = int(m.group(1))
    return res


# --- what is measured ---------------------------------------------------------------------------

def ids_of(db, facts):
    """The ids and names the measures use, asked from the seeded database: rose's id, the
    thread, and for each timeline an id deep in its history (max_id of an old page)."""
    rose = psql(db, "SELECT id FROM accounts WHERE username = 'rose' AND domain IS NULL")
    q = {
        # rose's 9,900th-newest post: the visitor's page after it is still a full one
        "profile": "SELECT id FROM statuses WHERE account_id = %s ORDER BY id DESC "
                   "OFFSET 9900 LIMIT 1" % rose,
        "local": "SELECT s.id FROM statuses s JOIN accounts a ON a.id = s.account_id "
                 "WHERE a.domain IS NULL AND s.visibility = 'public' AND s.reblog_of_id IS NULL "
                 "ORDER BY s.id DESC OFFSET 10000 LIMIT 1",
        "tag": "SELECT st.status_id FROM status_tags st JOIN tags g ON g.id = st.tag_id "
               "WHERE g.name = 'bench' ORDER BY st.status_id DESC OFFSET 10000 LIMIT 1",
        "home": "SELECT id FROM statuses WHERE account_id = %s OR account_id IN (SELECT "
                "target_account_id FROM follows WHERE account_id = %s) ORDER BY id DESC "
                "OFFSET 10000 LIMIT 1" % (rose, rose),
        "notifications": "SELECT id FROM notifications WHERE account_id = %s ORDER BY id DESC "
                         "OFFSET 2000 LIMIT 1" % rose,
        "followers_only": "SELECT id FROM statuses WHERE account_id = %s AND visibility = "
                          "'private' AND reblog_of_id IS NULL ORDER BY id DESC LIMIT 1" % rose,
    }
    out = {"rose": rose, "thread": str(facts["thread_id"])}
    for k, sql in q.items():
        out[k] = psql(db, sql) or None
    return out


def measures(ids, base=BASE):
    """The measures, in table order: name, path, whether signed in, Accept, target share of
    the ceiling, and `deep_of` (the first page a deep page is compared with). base: the
    node's base_url (WebFinger names its host)."""
    host = urllib.parse.urlsplit(base).netloc
    pages = [
        ("profile /@rose", "/@rose", False, 15, "profile"),
        ("thread (50 replies)", "/@rose/%s" % ids["thread"], False, 15, None),
        ("/local", "/local", False, 15, "local"),
        ("/tags/bench", "/tags/bench", False, 15, "tag"),
        ("/home (rose, follows 200)", "/home", True, 8, "home"),
        ("/notifications", "/notifications", True, 8, "notifications"),
    ]
    out = []
    for name, path, signed, target, deep in pages:
        out.append({"name": name, "path": path, "signed_in": signed, "target": target,
                    "page": True})
        if deep and ids.get(deep):
            out.append({"name": "  older page, deep", "path": "%s?max_id=%s" % (path, ids[deep]),
                        "signed_in": signed, "target": target, "page": True,
                        "deep_of": path})
    out.append({"name": "actor /users/rose", "path": "/users/rose", "accept": AP_ACCEPT,
                "target": 30})
    out.append({"name": "WebFinger", "path": "/.well-known/webfinger?resource=" +
                urllib.parse.quote("acct:rose@%s" % host), "target": 30})
    return out


# --- EXPLAIN via auto_explain ---------------------------------------------------------------------

def pg_log_path():
    path = os.path.join(TOP, "var", "pg", "postmaster.log")
    return path if os.path.exists(path) else None


def capture_plans(parasol, db, ms, cookie_user, extra=None):
    """Serves db (extra: settings, e.g. the page cache off, so that every request reaches
    the database) with auto_explain loaded into every session of db alone, sends one request
    of each page and signed GET, and returns [(measure name, [plan text, ...])] of the queries that read
    statuses or notifications, taken from the cluster's log. Resets the settings after."""
    logpath = pg_log_path()
    if logpath is None:
        warn("the cluster's log (var/pg/postmaster.log) is missing: no plans")
        return []
    sets = {"session_preload_libraries": "'auto_explain'",
            "auto_explain.log_min_duration": "0", "auto_explain.log_analyze": "on",
            "auto_explain.log_buffers": "on", "auto_explain.log_timing": "on",
            "auto_explain.log_nested_statements": "on"}
    for k, v in sets.items():
        psql("postgres", "ALTER DATABASE %s SET %s = %s" % (db, k, v))
    srv = parasol_server(parasol, db, "serve-explain", extra)
    plans = []
    try:
        srv.start()
        cookie = sign_in(cookie_user, ROSE_PASSWORD)
        # one request each first, so the per-connection set-up (settings, prepared
        # statements) is not what is shown
        send = lambda m: replay_check(m["replay"]) if m.get("replay") else get(
            m["path"], request_headers(m, cookie))
        for m in ms:
            send(m)
        for m in ms:
            if not m.get("page") and not m.get("replay"):
                continue
            before = os.path.getsize(logpath)
            send(m)
            time.sleep(0.2)
            with open(logpath, errors="replace") as f:
                f.seek(before)
                text = f.read()
            plans.append((m["name"].strip() + " " + m["path"], extract_plans(text, db)))
    finally:
        srv.stop()
        for k in sets:
            psql("postgres", "ALTER DATABASE %s RESET %s" % (db, k))
    return plans


LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.\d]* \w+ \[(\d+)\] ")


def extract_plans(text, db):
    """The auto_explain entries in a piece of the cluster log (an entry is a 'LOG:  duration:
    ... plan:' line and the tab-indented lines after it) whose query reads statuses or
    notifications."""
    entries, cur = [], None
    for line in text.splitlines():
        if LOG_LINE.match(line):
            cur = None
            if "plan:" in line and "duration:" in line:
                cur = [line]
                entries.append(cur)
        elif cur is not None and line.startswith("\t"):
            cur.append(line[1:])
    out = []
    for e in entries:
        body = "\n".join(e)
        if re.search(r"\b(statuses|notifications)\b", body) and \
                re.search(r"(Scan|Join|Loop)", body):
            out.append(body)
    return out


ACTUAL = re.compile(r"actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)")


def plan_flags(plan):
    """What the issue forbids in a timeline plan: a sequential scan of statuses, and a sort
    of many rows (of all of a member's posts, say): a Sort node whose input (its first child)
    produced more than SORT_INPUT_MAX rows in all."""
    flags = []
    if re.search(r"Seq Scan on statuses", plan):
        flags.append("SEQ SCAN OF statuses")
    lines = plan.splitlines()
    for k, line in enumerate(lines):
        if not re.match(r"\s*(->\s*)?(Incremental )?Sort\b", line):
            continue
        indent = len(line) - len(line.lstrip())
        for child in lines[k + 1:]:
            c_indent = len(child) - len(child.lstrip())
            if c_indent <= indent:
                break
            if child.lstrip().startswith("->"):
                m = ACTUAL.search(child)
                if m and int(m.group(1)) * int(m.group(2)) > SORT_INPUT_MAX:
                    flags.append("SORT OF %d ROWS" % (int(m.group(1)) * int(m.group(2))))
                break
    return flags


SORT_INPUT_MAX = 1000


# --- federation ----------------------------------------------------------------------------------

BENCHER_DOMAIN = "peer00.bench.test"
BENCHER_URI = "https://%s/users/bencher" % BENCHER_DOMAIN
BENCHER_KEY_ID = BENCHER_URI + "#main-key"
INBOX_REQUESTS = 6000


def federation_setup(db, ids):
    """Gives the seeded remote account bencher a key whose private half is in var/bench (made
    once with openssl), makes it a follower of rose (so her followers-only posts are its to
    read), and returns the private key's path."""
    key = os.path.join(WORK, "bencher-key.pem")
    if not os.path.exists(key):
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                        "rsa_keygen_bits:2048", "-out", key], check=True, capture_output=True)
    pub = subprocess.run(["openssl", "pkey", "-in", key, "-pubout"], check=True,
                         capture_output=True, text=True).stdout
    psql(db, "UPDATE accounts SET public_key_pem = $pem$%s$pem$, key_id = '%s', "
             "fetched_at = now() WHERE uri = '%s'" % (pub, BENCHER_KEY_ID, BENCHER_URI))
    psql(db, "INSERT INTO follows (account_id, target_account_id) SELECT b.id, %s FROM accounts b "
             "WHERE b.uri = '%s' ON CONFLICT DO NOTHING" % (ids["rose"], BENCHER_URI))
    psql(db, "INSERT INTO peers (domain) VALUES ('%s') ON CONFLICT DO NOTHING" % BENCHER_DOMAIN)
    return key


def presign(presign_bin, key, name, *args):
    """Runs bench/presign into var/bench/NAME.lua; returns its path."""
    out = os.path.join(WORK, name + ".lua")
    host = urllib.parse.urlsplit(BASE).netloc
    subprocess.run([presign_bin, "--key", key, "--key-id", BENCHER_KEY_ID, "--host", host,
                    "--out", out] + list(args), check=True)
    return out


def replay_check(lua):
    """Sends the first request of a presigned file over a socket: its HTTP status."""
    text = open(lua).read()
    m = re.search(r'^  "(.*)",$', text, re.M)
    raw = m.group(1).encode().decode("unicode_escape").encode("latin-1")
    with socket.create_connection(("127.0.0.1", PORT), timeout=30) as sk:
        sk.sendall(raw)
        head = b""
        while b"\r\n" not in head:
            chunk = sk.recv(4096)
            if not chunk:
                break
            head += chunk
    m = re.match(rb"HTTP/1\.[01] (\d+)", head)
    return int(m.group(1)) if m else None


def rsa_verify_per_s():
    """RSA-2048 verifications per second on one core (openssl speed)."""
    out = subprocess.run(["openssl", "speed", "-seconds", "2", "rsa2048"], capture_output=True,
                         text=True).stdout
    m = re.search(r"^rsa 2048 bits\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)", out, re.M)
    return float(m.group(2)) if m else None


def durable_insert_per_s(db, seconds, like_object):
    """One durable INSERT of the activity, as many a second as PostgreSQL commits: each row
    is a Like as the inbox measure POSTs it (the same JSON as bench/presign's bodies, its id
    numbered by pgbench), into a table that holds nothing but a key and the activity (jsonb),
    one statement and one commit each, synchronous_commit on, by pgbench with 16 clients
    (concurrent commits share a WAL flush)."""
    psql(db, "DROP TABLE IF EXISTS bench_insert_bound")
    psql(db, "CREATE TABLE bench_insert_bound (id bigserial PRIMARY KEY, activity jsonb NOT NULL)")
    script = os.path.join(WORK, "insert.sql")
    with open(script, "w") as f:
        f.write("\\set n random(1, 1000000000)\n"
                "INSERT INTO bench_insert_bound (activity) VALUES (('{\"@context\":"
                "\"https://www.w3.org/ns/activitystreams\",\"id\":\"https://%s/bench/bound/' "
                "|| :n || '\",\"type\":\"Like\",\"actor\":\"%s\",\"object\":\"%s\"}')"
                "::jsonb);\n" % (BENCHER_DOMAIN, BENCHER_URI, like_object))
    env = dict(os.environ, PGOPTIONS="-c synchronous_commit=on")
    out = subprocess.run(["pgbench", "-n", "-f", script, "-c", "16", "-j", "2", "-T",
                          str(seconds), db], capture_output=True, text=True, env=env).stdout
    psql(db, "DROP TABLE bench_insert_bound")
    m = re.search(r"tps = ([\d.]+)", out)
    return float(m.group(1)) if m else None


def inbox_bound(like_object):
    """(RSA-2048 verifications a second on one core, durable INSERTs of the activity a
    second)."""
    return rsa_verify_per_s(), durable_insert_per_s(DB_FULL, max(3, ARGS.duration // 2),
                                                    like_object)


DRAIN_MAX = 240


def inbox_drain(db, timeout):
    """(inbox jobs waiting now, seconds until none is left or None after timeout, jobs still
    waiting then)."""
    start = time.monotonic()
    count = lambda: int(psql(db, "SELECT count(*) FROM jobs WHERE kind = 'inbox'") or 0)
    left = count()
    while time.monotonic() - start < timeout:
        if count() == 0:
            return left, time.monotonic() - start, 0
        time.sleep(0.2)
    return left, None, count()


def hold_connections(n, path):
    """Opens n keep-alive connections, each having had one request answered; returns them
    (the caller closes them)."""
    socks = []
    req = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % (path, PORT)).encode()
    for _ in range(n):
        try:
            sk = socket.create_connection(("127.0.0.1", PORT), timeout=10)
            sk.sendall(req)
            sk.recv(65536)
            socks.append(sk)
        except OSError:
            break
    return socks


IDLE_FLOOD = 10000


def count_open(socks):
    """How many of socks the server has not closed (nothing to read but end of file)."""
    import select
    p = select.poll()
    for sk in socks:
        p.register(sk, select.POLLIN | select.POLLRDHUP)
    return len(socks) - len(p.poll(0))


def new_clients(n, net):
    """n new clients one after the other, each GET /about on a fresh connection from an
    address of its own (127.net.0.i); returns (their times in ms from connect to the whole
    answer, how many failed). /about is asked for once first, so that the page cache holds a
    copy (one rendering, on a loaded machine, may take longer than all the rest)."""
    req = ("GET /about HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n"
           % PORT).encode()
    times, errors = [], 0
    get("/about")  # a fresh copy in the page cache: the series measures connections, not it
    for i in range(n):
        t0 = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", PORT), timeout=30,
                                          source_address=("127.%d.0.%d" % (net, i + 1), 0)) as c:
                c.sendall(req)
                data = b""
                while True:
                    chunk = c.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            ok = data.startswith(b"HTTP/1.1 200")
        except OSError:
            ok = False
        if ok:
            times.append((time.monotonic() - t0) * 1000)
        else:
            errors += 1
    return times, errors


def idle_flood(srv, n=IDLE_FLOOD, tries=20):
    """The idle flood of issue 15: n connections that never send a byte (5 from each address
    127.1.x.y, under the per-address cap), opened 500 at a time, each time waiting until the
    server holds at most its limit again or has closed none for 3 s (faster, the listening
    socket's queue overflows and the kernel retries those handshakes seconds later). Then
    `tries` new clients, one after the other, each on a fresh connection from an address of
    its own, GET /about; returns {"opened", "held", "limit", "ms": their times from connect to
    the whole answer, "rss": kB while the flood is held, "errors"}."""
    import errno
    import resource
    import select
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n + 1024 if hard == resource.RLIM_INFINITY else min(hard, n + 1024)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    n = min(n, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 1024)
    m = re.search(r"holding up to (\d+) connections", srv.log_text())
    limit = int(m.group(1)) if m else 900
    socks = []

    def settle():
        last, since = None, time.monotonic()
        while True:
            k = count_open(socks)
            if k <= limit + 2:
                return
            if k != last:
                last, since = k, time.monotonic()
            elif time.monotonic() - since > 3:
                return
            time.sleep(0.1)

    # every handler thread opens its database connection with its first request: do that
    # now, or the first new client measures it
    warm = [threading.Thread(target=get, args=("/healthz",))
            for _ in range(4 * server_threads(srv))]
    for t in warm:
        t.start()
    for t in warm:
        t.join()
    out = {"opened": 0, "limit": limit, "ms": [], "errors": 0}
    # the same clients before the flood, for comparison
    out["before_ms"], _ = new_clients(tries, 3)
    try:
        for start in range(0, n, 500):
            batch = []
            for i in range(start, min(n, start + 500)):
                sk = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sk.setblocking(False)
                sk.bind(("127.1.%d.%d" % (i // 5 // 250, i // 5 % 250 + 1), 0))
                if sk.connect_ex(("127.0.0.1", PORT)) not in (0, errno.EINPROGRESS):
                    sk.close()
                    continue
                socks.append(sk)
                batch.append(sk)
            p = select.poll()
            for sk in batch:
                p.register(sk, select.POLLOUT)
            left, deadline = len(batch), time.monotonic() + 5
            while left and time.monotonic() < deadline:
                for fd, _ in p.poll(100):
                    p.unregister(fd)
                    left -= 1
            settle()
        out["opened"] = len(socks)
        out["held"] = count_open(socks)
        out["ms"], out["errors"] = new_clients(tries, 4)
        out["rss"] = srv.rss_kb()
    finally:
        for sk in socks:
            sk.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return out


def paced(url, headers, rate, duration):
    """wrk at about `rate` requests per second (wrk2 is not in Debian): every connection
    waits a delay between requests (bench/pace.lua). The delay (whole milliseconds) and, for
    high rates, the number of connections (at most 256) are tuned by 2-second trials until
    wrk sends within 10 % of the rate; then the measured run (which may fall short of the
    rate when wrk can't pace that fast: the table shows the rate reached). wrk doesn't correct for coordinated omission,
    which below saturation changes little. Returns wrk's result with "connections" and
    "delay_ms" added."""
    script = os.path.join(HERE, "pace.lua")
    conns = max(WRK_CONNECTIONS, int(rate * 0.005) + 1)  # at least 5 ms between requests
    delay = max(1.0, conns * 1000.0 / rate)
    for _ in range(6):
        r = wrk(url, headers, 2, script=script, script_args=[str(int(round(delay)))],
                connections=conns)
        got = r.get("rps")
        if not got or abs(got - rate) <= 0.1 * rate:
            break
        # a connection's cycle is delay + service time: move the delay by the difference
        delay += conns * 1000.0 * (1.0 / rate - 1.0 / got)
        if delay < 1.0:
            if conns >= 256:
                delay = 1.0
                break
            conns, delay = min(conns * 2, 256), 1.0
    r = wrk(url, headers, duration, script=script, script_args=[str(int(round(delay)))],
            connections=conns)
    r["connections"], r["delay_ms"] = conns, int(round(delay))
    return r


# --- fan-out ------------------------------------------------------------------------------------

# The sink's ports: parasol sends one peer's deliveries one at a time (a host:port is a
# peer), so 500 servers are stood for by a sink on several ports, enough for the workers to
# send side by side as they would to 500 hosts.
SINK_PORTS = tuple(range(8200, 8208))
FANOUT_FOLLOWERS, FANOUT_INBOXES = 10_000, 500


def fanout_setup(db):
    """The fan-out fixture, made once in db: a local member `fanout` followed by 10,000 remote
    accounts on 500 domains whose shared inboxes are on a local sink (127.0.0.1, SINK_PORTS,
    peers; the bench node sets federation_insecure_loopback, a test-only setting, to reach
    it)."""
    psql(db, "INSERT INTO accounts (username, password_hash) SELECT 'fanout', '%s' WHERE NOT "
             "EXISTS (SELECT 1 FROM accounts WHERE username = 'fanout' AND domain IS NULL)"
             % seed.PASSWORD_HASH)
    psql(db, "INSERT INTO accounts (username, domain, uri, inbox_url, shared_inbox_url) "
             "SELECT 'fan' || g, d, 'https://' || d || '/users/fan' || g, "
             "'https://' || d || '/users/fan' || g || '/inbox', "
             "'http://127.0.0.1:%d/' || d || '/inbox' "
             "FROM generate_series(0, %d) g, LATERAL (SELECT 'fan' || (g %% %d) || '.bench.test' "
             "AS d) x WHERE NOT EXISTS (SELECT 1 FROM accounts WHERE username = 'fan0' AND "
             "domain IS NOT NULL)" % (SINK_PORTS[0], FANOUT_FOLLOWERS - 1, FANOUT_INBOXES))
    # each domain's inbox on one of the sink's ports (databases seeded with one port too)
    psql(db, "UPDATE accounts SET shared_inbox_url = 'http://127.0.0.1:' || (%d + "
             "substring(domain FROM '^fan([0-9]+)')::int %% %d) || '/' || domain || '/inbox' "
             "WHERE domain LIKE 'fan%%.bench.test'" % (SINK_PORTS[0], len(SINK_PORTS)))
    psql(db, "INSERT INTO follows (account_id, target_account_id) SELECT a.id, t.id "
             "FROM accounts a, accounts t WHERE a.domain LIKE 'fan%%.bench.test' AND "
             "t.username = 'fanout' AND t.domain IS NULL ON CONFLICT DO NOTHING")
    psql(db, "INSERT INTO peers (domain) VALUES %s, ('127.0.0.1') ON CONFLICT DO NOTHING"
         % ", ".join("('127.0.0.1:%d')" % p for p in SINK_PORTS))


def cpu_seconds(pid):
    """User + system CPU time of a process so far (clock-tick resolution)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fanout(parasol, ceiling_bin, db):
    """One public post of `fanout` to its 10,000 followers on 500 shared inboxes: the CPU
    `serve` spends building and queueing the deliveries (it runs no workers), and the CPU and
    time a `parasol worker` (2 threads, started and ready before the post) spends signing and
    sending them to the sink.
    Returns a dict, {} when it could not run."""
    if not config_accepts(parasol, db, "federation_insecure_loopback", "true"):
        warn("this parasol has no federation_insecure_loopback: no fan-out measure")
        return {}
    fanout_setup(db)
    base = {"federation_insecure_loopback": "true"}
    sinks = [Process("sink-%d" % p, [ceiling_bin, "--port", str(p), "--bytes", "256"],
                     p).start() for p in SINK_PORTS]
    out = {}
    srv = parasol_server(parasol, db, "serve-fanout", dict(base, workers=0))
    try:
        psql(db, "DELETE FROM jobs WHERE kind = 'deliver'")
        srv.start()
        get("/users/fanout", {"Accept": AP_ACCEPT})  # makes its key pair, once
        cookie = sign_in("fanout", seed.ROSE_PASSWORD)
        # a member's form token is bound to the session: read it from a page's form
        _, _, page = get("/about", {"Cookie": cookie})
        csrf = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
        form = urllib.parse.urlencode({"text": "Fan-out bench #bench", "visibility": "public",
                                       "csrf": csrf}).encode()
        # the worker runs from the start, as on a node, and its CPU is counted from when it
        # is ready: its start-up (configuration, database, libcurl) is not the fan-out's
        conf = write_config(db, "worker-fanout", dict(base, workers=2))
        w = Process("worker-fanout", [parasol, "-c", conf, "worker"], None)
        w.logfile = open(w.logpath, "w")
        w.proc = subprocess.Popen(w.argv, stdout=w.logfile, stderr=subprocess.STDOUT)
        try:
            t0 = time.monotonic()
            while "worker running" not in w.log_text() and time.monotonic() - t0 < 30:
                time.sleep(0.05)
            out["jobs"] = int(psql(db, "SELECT count(DISTINCT coalesce(f.shared_inbox_url, "
                                       "f.inbox_url)) FROM follows fo JOIN accounts f ON "
                                       "f.id = fo.account_id JOIN accounts t ON t.id = "
                                       "fo.target_account_id WHERE t.username = 'fanout' AND "
                                       "t.domain IS NULL") or 0)
            wcpu0 = cpu_seconds(w.proc.pid)
            cpu0, t0 = cpu_seconds(srv.proc.pid), time.monotonic()
            status, _, _ = get("/statuses", {"Cookie": cookie, "Content-Type":
                                             "application/x-www-form-urlencoded"},
                               method="POST", body=form)
            out["queue_wall"] = time.monotonic() - t0
            out["queue_cpu"] = cpu_seconds(srv.proc.pid) - cpu0
            out["status"] = status
            while time.monotonic() - t0 < 120:
                left = int(psql(db, "SELECT count(*) FROM jobs WHERE kind = 'deliver' "
                                    "AND attempts = 0") or 0)
                if left == 0:
                    break
                time.sleep(0.1)
            out["deliver_wall"] = time.monotonic() - t0 - out["queue_wall"]
            out["deliver_cpu"] = cpu_seconds(w.proc.pid) - wcpu0
            out["failed"] = int(psql(db, "SELECT count(*) FROM jobs WHERE kind = 'deliver'")
                                or 0)
        finally:
            w.stop()
        m = re.search(r"signed (\d+) requests in ([\d.]+) s of CPU", w.log_text())
        if m:
            out["signed"], out["sign_cpu"] = int(m.group(1)), float(m.group(2))
    finally:
        srv.stop()
        for sink in sinks:
            sink.stop()
        psql(db, "DELETE FROM jobs WHERE kind = 'deliver'")
        psql(db, "DELETE FROM statuses WHERE account_id = (SELECT id FROM accounts WHERE "
                 "username = 'fanout' AND domain IS NULL)")
    return out


# --- the run ------------------------------------------------------------------------------------

def fmt_ms(v):
    if v is None:
        return "-"
    return "%.2f" % v if v < 10 else "%.1f" % v if v < 100 else "%.0f" % v


def one_client_phase(parasol, extra, ms_full, ms_small):
    """Serves the 1M-post node on PORT and the 1,000-post one on SMALL_PORT (extra: settings,
    the page cache off) and times every page with one keep-alive client per node, in rounds:
    each round sends every page once to each node, so that whatever else the machine does
    weighs on both sides alike. ms_small: the small node's measures matching the first pages
    of ms_full (same order), or None. Returns ({path: median ms at 1M}, {path of ms_full:
    median ms at 1,000})."""
    srv = parasol_server(parasol, DB_FULL, "serve-latency", extra)
    small_srv = parasol_server(parasol, DB_SMALL, "serve-small", extra, SMALL_PORT) \
        if ms_small else None
    try:
        srv.start()
        cookie = sign_in("rose", ROSE_PASSWORD)
        pairs = [(m, None) for m in ms_full]
        if small_srv:
            small_srv.start()
            small_cookie = sign_in("rose", ROSE_PASSWORD, SMALL_PORT)
            first = [m for m in ms_full if not m.get("deep_of")]
            twin = {id(m): ms for m, ms in zip(first, ms_small)}
            pairs = [(m, twin.get(id(m))) for m in ms_full]
        full_t, small_t = Timer(PORT), Timer(SMALL_PORT)
        jobs = []
        for m, ms in pairs:
            jobs.append((full_t, m["path"], request_headers(m, cookie)))
            if ms:
                jobs.append((small_t, ms["path"], request_headers(ms, small_cookie)))
        for timer, path, h in jobs:  # warm-up: each connection's statements, caches
            timer.time(path, h)
        for t in (full_t, small_t):
            t.times.clear()
        start = time.monotonic()
        rounds = 0
        while rounds < 200 and (rounds < 10 or time.monotonic() - start < ARGS.latency_budget):
            for timer, path, h in jobs:
                timer.time(path, h)
            rounds += 1
        full = full_t.medians()
        small_by_small_path = small_t.medians()
        small = {m["path"]: small_by_small_path.get(ms["path"]) for m, ms in pairs if ms}
        log("    %d rounds of %d requests in %.0f s" % (rounds, len(jobs),
                                                        time.monotonic() - start))
        return full, small
    finally:
        srv.stop()
        if small_srv:
            small_srv.stop()


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True, help="the build directory (optimised)")
    ap.add_argument("--reseed", action="store_true", help="seed the databases again")
    ap.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    ap.add_argument("--latency-budget", type=float, default=30.0,
                    help="seconds of one-client rounds (all pages, both nodes)")
    ap.add_argument("--quick", action="store_true", help="3-second wrk runs (trying it out)")
    ap.add_argument("--skip-small", action="store_true",
                    help="no 1,000-post database (no flat-cost column)")
    ap.add_argument("--no-plans", action="store_true", help="skip the EXPLAIN capture")
    ap.add_argument("--only-flood", action="store_true",
                    help="only the idle flood (10,000 connections), on the 1,000-post node")
    ap.add_argument("--only", choices=("inbox", "fanout", "home", "mixed"),
                    help="one measure alone: the signed inbox POSTs (with their bound and the "
                    "worker's apply rate), the fan-out, the signed-in pages (with /home "
                    "while a followed account posts), or /about under the mixed load")
    ARGS = ap.parse_args()
    if ARGS.quick:
        ARGS.duration, ARGS.latency_budget = 3, 5
    ARGS.build = os.path.abspath(ARGS.build)
    parasol = os.path.join(ARGS.build, "parasol")
    ceiling_bin = os.path.join(ARGS.build, "bench", "ceiling")
    for b in (parasol, ceiling_bin):
        if not os.access(b, os.X_OK):
            sys.exit("bench: %s is missing (./dev bench builds it)" % b)
    os.makedirs(WORK, exist_ok=True)
    if ARGS.only_flood:
        flood_only()
        return
    started = time.time()
    commit = subprocess.run(["git", "-C", TOP, "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip()

    facts = ensure_seeded(DB_FULL, False, ARGS.reseed, parasol)
    facts_small = None if ARGS.skip_small or ARGS.only else ensure_seeded(
        DB_SMALL, True, ARGS.reseed, parasol)
    ids = ids_of(DB_FULL, facts)
    ms = measures(ids)
    no_cache = {"page_cache_seconds": 0} if config_accepts(
        parasol, DB_FULL, "page_cache_seconds", "0") else {}

    # the signed requests (valid for an hour), made now so that their plans are shown too
    presign_bin = os.path.join(ARGS.build, "bench", "presign")
    like_object = "%s/users/rose/statuses/%s" % (BASE, ids["thread"])
    fed_ms = []
    if os.access(presign_bin, os.X_OK):
        key = federation_setup(DB_FULL, ids)
        fed_ms = [
            {"name": "signed GET outbox page", "target": 5, "replay": presign(
                presign_bin, key, "signed-outbox", "--get", "/users/rose/outbox?page=true"),
             "path": "/users/rose/outbox?page=true"},
            {"name": "signed GET followers-only note", "target": 5, "replay": presign(
                presign_bin, key, "signed-note", "--get",
                "/users/rose/statuses/%s" % ids["followers_only"]),
             "path": "/users/rose/statuses/%s" % ids["followers_only"]},
            {"name": "signed inbox POST (Like)", "inbox": True, "replay": presign(
                presign_bin, key, "signed-inbox", "--inbox", "/inbox", "--actor", BENCHER_URI,
                "--object", like_object,
                "--id-prefix", "https://%s/bench/%d" % (BENCHER_DOMAIN, time.time()),
                "--count", str(INBOX_REQUESTS)),
             "path": "/inbox"},
        ]
    else:
        warn("%s is missing: no signed measures" % presign_bin)

    # plans first, on a server of their own (auto_explain slows every query down)
    if ARGS.only:
        # one measure alone: no plans, no other measure under load (and for the inbox, the
        # fan-out and the mixed load no one-client times); the mixed load keeps the pages,
        # it drives the signed-in ones
        ms = ms if ARGS.only == "mixed" else [
            m for m in ms if ARGS.only == "home" and m.get("signed_in")]
        fed_ms = [m for m in fed_ms if ARGS.only == "inbox" and m.get("inbox")]
    no_plans = ARGS.no_plans or ARGS.only
    if not no_plans:
        log("==> plans: one request of each page with auto_explain on")
    plans = [] if no_plans else capture_plans(parasol, DB_FULL, ms + [
        m for m in fed_ms if not m.get("inbox")], "rose", no_cache)

    # one client, page cache off, both nodes side by side
    full, small = {}, {}
    if ARGS.only in (None, "home"):
        log("==> one client, page cache off: %s" % (
            "1M and 1,000 posts in turn" if facts_small else "1M posts"))
        ms_small = None
        if facts_small is not None:
            # the same first pages, with the small node's ids (its thread has another id)
            ms_small = [m for m in measures(ids_of(DB_SMALL, facts_small),
                                            "http://127.0.0.1:%d" % SMALL_PORT)
                        if not m.get("deep_of")]
        full, small = one_client_phase(parasol, no_cache, ms, ms_small)

    # under load, as configured by default, with durable commits like a real node
    psql("postgres", "ALTER DATABASE %s SET synchronous_commit = on" % DB_FULL)
    # The bench replays thousands of inbox POSTs from one peer: lift its per-peer limit.
    unlimited = {"inbox_rate_limit": 1000000} if config_accepts(
        parasol, DB_FULL, "inbox_rate_limit", "1000000") else None
    srv = parasol_server(parasol, DB_FULL, "serve", unlimited)
    results, extra, rss, ceil1, ceil2, threads = {}, {}, {}, None, None, None
    if ARGS.only == "fanout":
        srv = None
    else:
        srv.start()
        rss = {"idle": srv.rss_kb()}
        cookie = sign_in("rose", ROSE_PASSWORD)
        threads = server_threads(srv)
    # the ceiling only when there are pages to compare with it (the inbox has its bound)
    ceiling = None if ARGS.only in ("inbox", "fanout", "mixed") else Process("ceiling", [
        ceiling_bin, "--port", str(CEILING_PORT), "--threads", str(threads)],
        CEILING_PORT).start()
    log("==> wrk -t%d -c%d -d%ds on each measure" % (WRK_THREADS, WRK_CONNECTIONS, ARGS.duration))
    try:
        if ceiling:
            ceil1 = wrk("http://127.0.0.1:%d/" % CEILING_PORT, COMMON_HEADERS, ARGS.duration)
        # the pages and signed GETs, then the latency at 80 %, the ceiling again, and the
        # inbox last: one worker takes minutes to apply what it accepted, and nothing else
        # should run meanwhile
        for m in ([] if ARGS.only == "mixed" else ms) + [m for m in fed_ms if not m.get("inbox")]:
            r = results[m["path"]] = measure_under_load(m, cookie)
            log("    %-32s %s" % (m["name"].strip(), "%.0f req/s" % r["rps"]
                                  if r.get("rps") else "answered %s" % r["status"]))
        extra["paced"] = []
        for m in [] if ARGS.only == "mixed" else ms:
            if m["path"] in ("/@rose", "/home") and results[m["path"]].get("rps"):
                rate = 0.8 * results[m["path"]]["rps"]
                log("    %s at 80 %% (%.0f/s)" % (m["path"], rate))
                extra["paced"].append((m["path"], rate, paced(
                    BASE + m["path"], request_headers(m, cookie), rate, ARGS.duration)))
        home = [m for m in ms if m["path"] == "/home"]
        if home and results.get("/home", {}).get("rps"):
            log("    /home while a followed account posts %d times a second" % WRITES_PER_S)
            extra["writes"] = home_under_writes(home[0], cookie, WRITES_PER_S)
        if ms:
            log("    /about while /home and /notifications run at full load")
            extra["mixed"] = mixed_load(ms, cookie, ARGS.duration)
        if ceiling:
            ceil2 = wrk("http://127.0.0.1:%d/" % CEILING_PORT, COMMON_HEADERS, ARGS.duration)
        for m in fed_ms:
            if m.get("inbox"):
                # its bound just before and just after (once the worker is done), so that
                # whatever else the machine does weighs on both alike; the ratio uses the mean
                log("    the bound before: RSA-2048 verify (openssl speed), durable INSERTs "
                    "(pgbench)")
                extra["bounds"] = [inbox_bound(like_object)]
                r = results[m["path"]] = measure_under_load(m, cookie)
                log("    %-32s %s" % (m["name"], "%.0f req/s" % r["rps"]
                                      if r.get("rps") else "answered %s" % r["status"]))
                if r.get("requests"):
                    log("    waiting for the worker to apply them (at most %d s)" % DRAIN_MAX)
                    extra["drain"] = inbox_drain(DB_FULL, DRAIN_MAX)
                    if extra["drain"][1] is not None:
                        extra["applied"] = r["requests"] / (ARGS.duration + extra["drain"][1])
                log("    the bound after")
                extra["bounds"].append(inbox_bound(like_object))
        if not ARGS.only:
            rss["after"] = srv.rss_kb()
            socks = hold_connections(256, "/@rose")
            rss["conns"] = (len(socks), srv.rss_kb())
            for sk in socks:
                sk.close()
            log("    %d idle connections, then new clients" % IDLE_FLOOD)
            extra["flood"] = idle_flood(srv)
    finally:
        if ceiling:
            ceiling.stop()
        if srv:
            srv.stop()
        psql("postgres", "ALTER DATABASE %s RESET synchronous_commit" % DB_FULL)
        psql(DB_FULL, "DELETE FROM activities_seen WHERE uri LIKE 'https://%s/bench/%%'"
             % BENCHER_DOMAIN, check=False)
    ceil = [c["rps"] for c in (ceil1, ceil2) if c and c["rps"]]
    ceiling_rps = sum(ceil) / len(ceil) if ceil else None
    bounds = [b for b in extra.get("bounds", []) if b[0] and b[1]]
    if bounds:
        extra["verify"] = sum(b[0] for b in bounds) / len(bounds)
        extra["insert"] = sum(b[1] for b in bounds) / len(bounds)

    if ARGS.only in (None, "fanout"):
        log("==> fan-out of one post to %d followers on %d shared inboxes" % (
            FANOUT_FOLLOWERS, FANOUT_INBOXES))
        extra["fanout"] = fanout(parasol, ceiling_bin, DB_FULL)

    if plans:
        print_plans(plans)
    print_table(([] if ARGS.only == "mixed" else ms) + fed_ms, results, ceiling_rps, (ceil1, ceil2), full, small, rss, extra,
                threads, commit, time.time() - started)


def csrf_of(cookie):
    """The CSRF token of a member's session, from a page's form (the header's sign-out)."""
    status, _, body = get("/about", {"Cookie": cookie})
    m = re.search(rb'name="csrf" value="([^"]+)"', body)
    if status != 200 or not m:
        sys.exit("bench: no csrf field on /about (%d)" % status)
    return m.group(1).decode()


def home_under_writes(m, cookie, per_s):
    """wrk on /home (rose) while an account rose follows posts per_s times a second through
    the web form, each post changing rose's home: the member page cache's miss path, so that
    the /home figure is not only that of an unchanged page. Returns wrk's figures with
    "posts" (made) and "failed" (posts not answered 303)."""
    name = psql(DB_FULL, "SELECT a.username FROM follows f JOIN accounts r ON r.id = f.account_id"
                " JOIN accounts a ON a.id = f.target_account_id WHERE r.username = 'rose'"
                " AND a.domain IS NULL AND a.suspended_at IS NULL AND NOT a.limited"
                " ORDER BY a.id LIMIT 1")
    if not name:
        warn("rose follows no local account: no /home under writes")
        return None
    try:
        author = sign_in(name, ROSE_PASSWORD)
        csrf = csrf_of(author)
    except SystemExit as e:  # the other figures are still printed
        warn("no /home under writes: %s" % e)
        return None
    stop = threading.Event()
    made = {"posts": 0, "failed": 0}

    def write():
        n, start = 0, time.monotonic()
        while not stop.is_set():
            form = urllib.parse.urlencode({"text": "bench post %d" % n, "visibility": "public",
                                           "csrf": csrf})
            status, _, _ = get("/statuses", {"Cookie": author, "Content-Type":
                                             "application/x-www-form-urlencoded"},
                               method="POST", body=form.encode())
            made["posts" if status in (302, 303) else "failed"] += 1
            n += 1
            stop.wait(max(0.0, start + n / per_s - time.monotonic()))

    t = threading.Thread(target=write)
    t.start()
    try:
        r = wrk(BASE + m["path"], request_headers(m, cookie), ARGS.duration)
    finally:
        stop.set()
        t.join()
        # the seeded node stays as seeded for the next run
        psql(DB_FULL, "DELETE FROM statuses WHERE account_id = (SELECT id FROM accounts WHERE"
             " username = '%s' AND domain IS NULL) AND text LIKE 'bench post %%'" % name,
             check=False)
    r.update(made)
    return r


def mixed_load(ms, cookie, duration):
    """The cheap page under a mixed load: wrk drives the signed-in pages (/home and
    /notifications, never from the page cache) at full load, 32 connections each, while a
    second wrk asks for /about on 4 connections. Returns {"about": wrk's figures for /about,
    "heavy": [(path, figures)]}; figures only, never a verdict."""
    heavy = [m for m in ms if m.get("signed_in") and not m.get("deep_of")]
    out = {"heavy": [None] * len(heavy)}

    def drive(i, m):
        out["heavy"][i] = (m["path"], wrk(BASE + m["path"], request_headers(m, cookie),
                                          duration, connections=32))

    threads = [threading.Thread(target=drive, args=(i, m)) for i, m in enumerate(heavy)]
    for t in threads:
        t.start()
    time.sleep(1)  # the heavy load is up before the cheap page is timed
    out["about"] = wrk(BASE + "/about", COMMON_HEADERS, max(1, duration - 2), connections=4)
    for t in threads:
        t.join()
    return out


def measure_under_load(m, cookie):
    """Checks that m answers 200 (202 for the inbox), then runs wrk on it. A page that
    answers anything else is not run: its status is reported instead."""
    if m.get("replay"):
        status = replay_check(m["replay"])
        ok = 202 if m.get("inbox") else 200
        r = {"status": status}
        if status == ok:
            r.update(wrk(BASE + "/", {}, ARGS.duration, script=os.path.join(HERE, "replay.lua"),
                         script_args=[m["replay"], str(WRK_THREADS)]))
            r["status"] = 200
        return r
    h = request_headers(m, cookie)
    status, _, body = get(m["path"], h)
    r = {"status": status, "bytes": len(body)}
    if status == 200:
        r.update(wrk(BASE + m["path"], h, ARGS.duration))
        after, _, _ = get(m["path"], h)
        if after != 200:
            r["status_after"] = after
    return r


def print_plans(plans):
    log()
    log("=" * 100)
    log("EXPLAIN (ANALYZE, BUFFERS) of the queries on statuses/notifications, one request each "
        "(auto_explain), 1M posts")
    log("=" * 100)
    for name, ps in plans:
        log()
        log("---- %s: %d quer%s" % (name, len(ps), "y" if len(ps) == 1 else "ies"))
        for p in ps:
            flags = plan_flags(p)
            log("  !! " + ", ".join(flags) if flags else "  ok: no sequential scan of statuses, "
                "no sort of more than %d rows" % SORT_INPUT_MAX)
            for line in p.splitlines():
                if line.startswith("Query Text:") and len(line) > 240:
                    line = line[:240] + " ... (%d characters)" % len(line)
                log("    " + line)


def print_table(ms, results, ceiling_rps, ceils, full, small, rss, extra, threads, commit,
                secs):
    """Prints the one table: a row per measure, then the inbox bound, the worker's apply rate,
    RSS and the latency at 80 % load."""
    log()
    log("parasol bench, %s, commit %s%s; wrk -t%d -c%d -d%ds keep-alive, %s; "
        "parasol %s HTTP threads, workers = 1, synchronous_commit = on" % (
            time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), commit,
            " (--only %s)" % ARGS.only if ARGS.only else "", WRK_THREADS, WRK_CONNECTIONS,
            ARGS.duration, ", ".join("%s: %s" % kv for kv in COMMON_HEADERS.items()),
            threads if threads else "-"))
    if all(ceils):
        log("ceiling (bench/ceiling, 14 KB page, %d threads): %s req/s before, %s req/s after "
            "the runs; the ratio uses their mean" % ((threads,) + tuple(
                "%.0f" % c["rps"] if c["rps"] else "failed" for c in ceils)))
        # the ceiling's own tail: a p99 of parasol's near it is the machine's (scheduling, a
        # VM's stolen time), not parasol's
        log("ceiling p50/p99: %s before, %s after" % tuple(
            "%s/%s ms" % (fmt_ms(c["p50"]), fmt_ms(c["p99"])) for c in ceils))
    head = ("measure", "req/s", "p50 ms", "p99 ms", "non-2xx", "ceiling", "ratio", "target",
            "1 client ms", "flat x")
    rows = []
    bound = None
    if extra.get("verify") and extra.get("insert"):
        # both on the same two cores: the time of one verify (spread over the cores) plus the
        # time of one durable INSERT
        cores = os.cpu_count() or 1
        bound = 1.0 / (1.0 / (extra["verify"] * cores) + 1.0 / extra["insert"])
    for m in ms:
        r = results.get(m["path"], {})
        one = full.get(m["path"])
        base = full.get(m["deep_of"]) if m.get("deep_of") else small.get(m["path"])
        flat = "%.2f%s" % (one / base, " (vs p.1)" if m.get("deep_of") else "") \
            if one and base else "-"
        tgt = "%d%%" % m["target"] if m.get("target") else "70% bnd" if m.get("inbox") else "-"
        if r.get("status") != 200:
            rows.append((m["name"], "ERROR: HTTP %s" % r.get("status"), "", "", "", "", "",
                         tgt, "", ""))
            continue
        against = bound if m.get("inbox") else ceiling_rps
        ratio = r["rps"] / against if r.get("rps") and against else None
        met = "" if ratio is None else (" ok" if ratio * 100 >= (
            70 if m.get("inbox") else m["target"]) else " NO")
        non2xx = str(r["non2xx"]) + ("" if not r["errors"] else " +%d err" % r["errors"])
        if r.get("status_after"):
            non2xx += " then %d" % r["status_after"]
        rows.append((m["name"], "%.0f" % r["rps"] if r.get("rps") else "-", fmt_ms(r.get("p50")),
                     fmt_ms(r.get("p99")), non2xx,
                     ("%.0f" % against + (" bnd" if m.get("inbox") else "")) if against else "-",
                     "%.1f%%" % (ratio * 100) if ratio else "-", tgt + met, fmt_ms(one), flat))
    blank = ("", "", "", "", "", "", "", "", "")
    if bound:
        rows.append(("  bound: RSA verify + INSERT", "%.0f" % bound, "", "", "", "", "", "",
                     "", "%.0f verify/s/core, %.0f INSERT/s (%s)" % (
                         extra["verify"], extra["insert"], ", ".join(
                             "%s %s" % ("%.0f" % b[1] if b[1] else "failed", w)
                             for b, w in zip(extra["bounds"], (
                                 "before", "after"))))))
    if extra.get("drain"):
        left, drain, still = extra["drain"]
        rows.append(("  inbox jobs applied (1 worker)", "%.0f" % extra["applied"]
                     if extra.get("applied") else "-", "", "", "", "", "", "", "",
                     "%d waiting after wrk, then %.0f/s" % (left, left / drain) if drain
                     else "%d waiting after wrk, %d still after %d s" % (left, still,
                                                                         DRAIN_MAX)))
    for path, rate, p in extra.get("paced", []):
        if not p.get("rps"):
            continue
        met = " ok" if p.get("p99") is not None and p["p99"] < 50 else " NO"
        rows.append(("%s at 80%% (%.0f/s, -c%d)" % (path, rate, p["connections"]),
                     "%.0f" % p["rps"], fmt_ms(p.get("p50")), fmt_ms(p.get("p99")),
                     str(p["non2xx"]), "", "", "p99<50" + met, "", ""))
    w = extra.get("writes")
    if w and w.get("rps"):
        ratio = w["rps"] / ceiling_rps if ceiling_rps else None
        rows.append(("/home, a followee posts %d/s" % WRITES_PER_S, "%.0f" % w["rps"],
                     fmt_ms(w.get("p50")), fmt_ms(w.get("p99")), str(w["non2xx"]) + (
                         "" if not w["failed"] else " +%d posts failed" % w["failed"]),
                     "%.0f" % ceiling_rps if ceiling_rps else "-",
                     "%.1f%%" % (ratio * 100) if ratio else "-", "8%" + (
                         "" if ratio is None else " ok" if ratio >= 0.08 else " NO"), "",
                     "%d posts" % w["posts"]))
    mixed = extra.get("mixed")
    if mixed and mixed["about"].get("rps"):
        a = mixed["about"]
        met = " ok" if a.get("p99") is not None and a["p99"] < 50 else " NO"
        rows.append(("/about, heavy pages at full load", "%.0f" % a["rps"], fmt_ms(a.get("p50")),
                     fmt_ms(a.get("p99")), str(a["non2xx"]), "", "", "p99<50" + met, "", ""))
        for path, h in mixed["heavy"]:
            rows.append(("  meanwhile %s (-c32)" % path, "%.0f" % h["rps"] if h.get("rps")
                         else "-", fmt_ms(h.get("p50")), fmt_ms(h.get("p99")),
                         str(h["non2xx"]), "", "", "", "", ""))
    mb = lambda kb: "%.1f MB" % (kb / 1024.0) if kb else "-"
    idle = rss.get("idle")
    if not ARGS.only:
        rows.append(("RSS of serve, idle", mb(idle)) + ("", "", "", "", "", "<=16MB" + (
            "" if not idle else " ok" if idle <= 16384 else " NO"), "", ""))
        rows.append(("RSS of serve, after the runs", mb(rss.get("after"))) + blank[1:])
        n, kb = rss.get("conns", (0, None))
        rows.append(("RSS with %d open connections" % n, mb(kb)) + ("", "", "", "", "",
                     "<=64MB" + ("" if not kb else " ok" if kb <= 65536 else " NO"), "", ""))
        rows.extend(flood_rows(extra.get("flood"), mb))
    f = extra.get("fanout") or {}
    if "fanout" not in extra:
        pass  # not asked for (--only inbox)
    elif f.get("status") in (302, 303) and f.get("jobs"):
        rows.append(("fan-out: build + queue (serve)", "%d jobs" % f["jobs"], "", "", "", "", "",
                     "", "%.0f" % (f["queue_wall"] * 1000),
                     "%.2f s CPU" % f["queue_cpu"]))
        if "deliver_cpu" in f:
            rows.append(("  sign + send (worker, 2 thr.)", "%.0f/s" % (
                f["jobs"] / f["deliver_wall"]) if f["deliver_wall"] else "-", "", "", str(
                f["failed"]) + " left", "", "", "", "%.0f" % (f["deliver_wall"] * 1000),
                "%.2f s CPU" % f["deliver_cpu"]))
        if "sign_cpu" in f:
            total = f["queue_cpu"] + f["sign_cpu"]
            rows.append(("  build + sign + queue", "%d signed" % f["signed"], "", "", "", "",
                         "", "<0.5s " + ("ok" if total < 0.5 else "NO"), "",
                         "%.2f s CPU" % total))
    else:
        rows.append(("fan-out to 10,000 followers", "ERROR: %s" % (
            "not measured" if not f else "POST answered %s, %s jobs" % (
                f.get("status"), f.get("jobs")))) + blank[1:])
    widths = [max(len(str(row[i])) for row in rows + [head]) for i in range(len(head))]

    def line(row):
        return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(row, widths))).rstrip()
    log()
    log(line(head))
    log("  ".join("-" * w for w in widths))
    for row in rows:
        log(line(row))
    log()
    log("ratio: req/s over the ceiling's (the inbox: over the bound, 1/(1/(cores x verify/s) + "
        "1/INSERT/s)).")
    log("1 client ms: median of one keep-alive client's requests at 1M posts, page cache off. "
        "flat x: that over the same at 1,000 posts (target <= 1.5); for an older page, over "
        "the first page at 1M (target ~1).")
    log("bench took %.0f s" % secs)


def flood_rows(fl, mb):
    """The idle flood's rows for the table (idle_flood's figures; none when not measured)."""
    if not fl:
        return []
    if not fl["ms"]:
        return [("new client, %d idle conns" % fl["opened"], "ERROR: none served (%d held)" %
                 fl.get("held", 0), "", "", "", "", "", "", "", "")]
    ms = sorted(fl["ms"])
    p50, worst = statistics.median(ms), ms[-1]
    met = " ok" if worst < 100 else " NO"
    before = sorted(fl.get("before_ms") or [0])
    return [("new client, no flood (%d, p50/max)" % len(before), "",
             fmt_ms(statistics.median(before)), fmt_ms(before[-1]), "", "", "", "", "", ""),
            ("new client, %d idle conns held" % fl["opened"], "", fmt_ms(p50), fmt_ms(worst),
             str(fl["errors"]), "", "", "max<100" + met, "", "%d held, limit %d" % (
                 fl["held"], fl["limit"])),
            ("RSS with %d idle connections" % fl["opened"], mb(fl.get("rss")), "", "", "", "",
             "", "", "", "")]


def flood_only():
    """`--only-flood`: the idle flood alone, against the 1,000-post node (the flood's cost
    does not depend on the data); prints its rows."""
    parasol = os.path.join(ARGS.build, "parasol")
    ensure_seeded(DB_SMALL, True, ARGS.reseed, parasol)
    srv = parasol_server(parasol, DB_SMALL, "flood")
    srv.start()
    try:
        get("/about")
        idle = srv.rss_kb()
        log("==> %d idle connections, then %d new clients" % (IDLE_FLOOD, 20))
        fl = idle_flood(srv)
    finally:
        srv.stop()
    mb = lambda kb: "%.1f MB" % (kb / 1024.0) if kb else "-"
    log("RSS of serve, idle: %s" % mb(idle))
    log("times (ms) before: %s" % " ".join("%.1f" % t for t in fl["before_ms"]))
    log("times (ms) during: %s" % " ".join("%.1f" % t for t in fl["ms"]))
    for row in flood_rows(fl, mb):
        log("  ".join(str(c) for c in row if c != ""))


ARGS = None

if __name__ == "__main__":
    main()
