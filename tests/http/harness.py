"""Shared helpers for the HTTP-level tests: a TAP runner, PostgreSQL databases, config files,
a `parasol serve` process, the parasol command line and small HTTP clients.

Standard library only (the tests run with Debian's python3). Each test script imports this
module from its own directory:

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import harness

Environment (set by Makefile.am and ./dev test):
    PARASOL_BIN, PARASOL_SRCDIR, PARASOL_BUILDDIR       the binary and the trees
    PARASOL_TEST_PGHOST, _PGPORT, _PGUSER               a running PostgreSQL (unix socket, trust)
    PARASOL_TEST_OUTPUT                                 where logs and artifacts go
"""

import hashlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

SRCDIR = os.environ.get("PARASOL_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILDDIR = os.environ.get("PARASOL_BUILDDIR") or os.getcwd()
BIN = os.environ.get("PARASOL_BIN") or os.path.join(BUILDDIR, "parasol")
OUTPUT = os.environ.get("PARASOL_TEST_OUTPUT") or os.path.join(BUILDDIR, "test-output")

# The sanitizers' reports: any of these on a stderr fails the test that produced it.
SANITIZER_RE = re.compile(
    r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|WARNING: ThreadSanitizer")

# One log line: `2024-01-02T03:04:05Z info message`.
LOG_LINE_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (debug|info|warn|error|crit) .+$")

# Any dotted-quad IPv4 address.
IPV4_RE = re.compile(r"\b\d{1,3}(\.\d{1,3}){3}\b")

PER_TEST_TIMEOUT = 120  # seconds; a hung test fails instead of hanging `make check`


def script_name(path):
    """`tests/http/test_basics.py` -> `basics`."""
    base = os.path.splitext(os.path.basename(path))[0]
    return base[5:] if base.startswith("test_") else base


def skip_without_postgres():
    if not os.environ.get("PARASOL_TEST_PGHOST"):
        print("1..0 # SKIP no PostgreSQL")
        sys.exit(0)


def output_path(name):
    os.makedirs(OUTPUT, exist_ok=True)
    return os.path.join(OUTPUT, name)


def sanitizer_reports(text):
    return [line for line in text.splitlines() if SANITIZER_RE.search(line)]


def assert_no_sanitizer_reports(text, what):
    bad = sanitizer_reports(text)
    assert not bad, "%s has sanitizer reports:\n%s" % (what, "\n".join(bad[:20]))


# --- TAP ----------------------------------------------------------------------------------------

class SkipTest(Exception):
    pass


class Suite:
    """Collects test functions in definition order and runs them, printing TAP.

    A test is a function without arguments that raises (an AssertionError, usually) to fail.
    `setup` runs before the first test; if it fails every test is reported failed with its
    traceback. Cleanups run at the end in reverse order, whatever happened."""

    def __init__(self, name):
        self.name = name
        self.tests = []
        self.cleanups = []

    def test(self, fn):
        self.tests.append(fn)
        return fn

    def add_cleanup(self, fn, *args):
        self.cleanups.append((fn, args))

    @staticmethod
    def _title(fn):
        doc = (fn.__doc__ or "").strip().splitlines()
        if doc:
            return doc[0].strip()
        name = fn.__name__
        return (name[5:] if name.startswith("test_") else name).replace("_", " ")

    @staticmethod
    def _diag(text):
        for line in text.rstrip("\n").splitlines():
            print("# " + line)

    def _on_alarm(self, signum, frame):
        raise TimeoutError("test took longer than %d s" % PER_TEST_TIMEOUT)

    def run(self, setup=None):
        sys.stdout.reconfigure(line_buffering=True)
        signal.signal(signal.SIGALRM, self._on_alarm)
        print("1..%d" % len(self.tests))
        failed = 0
        setup_error = None
        started = time.monotonic()
        try:
            if setup is not None:
                signal.alarm(PER_TEST_TIMEOUT)
                try:
                    setup()
                except BaseException:  # noqa: B902 - report anything, even a timeout
                    setup_error = traceback.format_exc()
                finally:
                    signal.alarm(0)
            for i, fn in enumerate(self.tests, 1):
                title = self._title(fn)
                if setup_error is not None:
                    print("not ok %d - %s" % (i, title))
                    self._diag("set-up failed:\n" + setup_error)
                    failed += 1
                    continue
                t0 = time.monotonic()
                signal.alarm(PER_TEST_TIMEOUT)
                try:
                    fn()
                except SkipTest as e:
                    print("ok %d - %s # SKIP %s" % (i, title, e))
                except BaseException:  # noqa: B902
                    print("not ok %d - %s" % (i, title))
                    self._diag(traceback.format_exc())
                    failed += 1
                else:
                    print("ok %d - %s" % (i, title))
                finally:
                    signal.alarm(0)
                took = time.monotonic() - t0
                if took > 5:
                    print("# (%s took %.1f s)" % (title, took))
        finally:
            for fn, args in reversed(self.cleanups):
                try:
                    fn(*args)
                except Exception:  # noqa: BLE001 - a failed cleanup is reported, not fatal
                    self._diag("cleanup %s failed:\n%s" % (getattr(fn, "__name__", fn),
                                                           traceback.format_exc()))
        print("# %s: %d test(s), %d failed, %.1f s" % (self.name, len(self.tests), failed,
                                                         time.monotonic() - started))
        return 0 if failed == 0 else 1


# --- PostgreSQL ---------------------------------------------------------------------------------

class Cluster:
    """A PostgreSQL cluster reached over a unix socket as a superuser, via psql/pg_dump."""

    def __init__(self, host, port, user):
        self.host, self.port, self.user = host, str(port), user

    @classmethod
    def from_env(cls):
        return cls(os.environ["PARASOL_TEST_PGHOST"],
                   os.environ.get("PARASOL_TEST_PGPORT", "5432"),
                   os.environ.get("PARASOL_TEST_PGUSER", "postgres"))

    def _args(self, dbname):
        return ["-h", self.host, "-p", self.port, "-U", self.user, "-d", dbname]

    def psql(self, dbname, sql, check=True):
        """Runs sql; returns the rows as lists of strings (NULL as '')."""
        proc = subprocess.run(
            ["psql", "-X", "-q", "-A", "-t", "-F", "\x1f", "-v", "ON_ERROR_STOP=1"] +
            self._args(dbname) + ["-c", sql],
            capture_output=True, text=True, timeout=60)
        if check and proc.returncode != 0:
            raise RuntimeError("psql failed (%d) on %r: %s" % (proc.returncode, sql,
                                                               proc.stderr.strip()))
        return [line.split("\x1f") for line in proc.stdout.splitlines() if line != ""]

    def scalar(self, dbname, sql):
        rows = self.psql(dbname, sql)
        assert len(rows) == 1 and len(rows[0]) == 1, "expected one value from %r, got %r" % (
            sql, rows)
        return rows[0][0]

    def dump_data(self, dbname):
        proc = subprocess.run(["pg_dump", "--data-only"] + self._args(dbname),
                              capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise RuntimeError("pg_dump failed: %s" % proc.stderr.strip())
        return proc.stdout

    def database_url(self, dbname):
        return "host=%s port=%s user=%s dbname=%s" % (self.host, self.port, self.user, dbname)

    def create_database(self, name):
        self.psql("postgres", 'DROP DATABASE IF EXISTS "%s"' % name)
        self.psql("postgres", 'CREATE DATABASE "%s"' % name)
        return name

    def drop_database(self, name):
        self.psql("postgres", 'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name, check=False)


class ScratchCluster(Cluster):
    """A throwaway cluster of our own, made and driven with scripts/pgcluster."""

    def __init__(self, directory):
        self.dir = os.path.join(directory, "pg")
        env = dict(line.split("=", 1) for line in self._pgcluster("env").stdout.splitlines()
                   if "=" in line)
        super().__init__(env["PGHOST"], env["PGPORT"], env["PGUSER"])

    def _pgcluster(self, cmd, timeout=120):
        proc = subprocess.run([os.path.join(SRCDIR, "scripts", "pgcluster"), cmd, self.dir],
                              capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError("pgcluster %s failed (%d): %s%s" % (
                cmd, proc.returncode, proc.stdout, proc.stderr))
        return proc

    def init(self):
        self._pgcluster("init")

    def start(self):
        self._pgcluster("start")

    def stop(self):
        self._pgcluster("stop")

    def destroy(self):
        self._pgcluster("destroy")


# --- configuration ------------------------------------------------------------------------------

def free_port():
    """A TCP port nobody listens on right now (the kernel's pick for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config_text(settings):
    return "".join("%s = %s\n" % (k, v) for k, v in settings.items() if v is not None)


def base_settings(cluster, dbname, port, data_dir):
    return {
        "listen_address": "127.0.0.1",
        "port": port,
        "base_url": "http://127.0.0.1:%d" % port,
        "database_url": cluster.database_url(dbname),
        "templates_dir": os.path.join(SRCDIR, "templates"),
        "static_dir": os.path.join(SRCDIR, "templates", "static"),
        "migrations_dir": os.path.join(SRCDIR, "migrations"),
        "locale_dir": os.path.join(BUILDDIR, "locale"),
        "data_dir": data_dir,
        "log_level": "debug",
        # Many tests write with psql behind the server's back and read as a visitor at once;
        # the page cache would show them its copy for up to page_cache_seconds (as it would
        # show a real node's visitors a change made by another process). Scripts that test
        # through the cache turn it on (test_http_cache, test_pages).
        "page_cache_seconds": 0,
    }


# More AddressSanitizer options for the parasol processes a script starts (set it before
# starting them), e.g. a smaller quarantine of freed memory where a test measures the RSS.
ASAN_EXTRA = ""


def child_env(extra=None):
    """The environment for a parasol process: no PARASOL_* overrides leak in from ours, and
    the sanitizers (if the binary has them) report instead of aborting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARASOL_")}
    env["ASAN_OPTIONS"] = "abort_on_error=0:detect_leaks=1"
    if ASAN_EXTRA:
        env["ASAN_OPTIONS"] += ":" + ASAN_EXTRA
    env["UBSAN_OPTIONS"] = "print_stacktrace=1"
    env["LC_ALL"] = "C.UTF-8"
    if extra:
        env.update(extra)
    return env


class Instance:
    """Everything one script needs: a temp dir, a database, a config file, and optionally a
    running server. Cleans up after itself through suite cleanups."""

    def __init__(self, suite, script, cluster=None, **settings):
        self.suite = suite
        self.script = script
        self.tmp = tempfile.mkdtemp(prefix="parasol-%s-" % script)
        suite.add_cleanup(shutil.rmtree, self.tmp, True)
        self.cluster = cluster or Cluster.from_env()
        self.dbname = None
        self.port = free_port()
        self.data_dir = os.path.join(self.tmp, "data")
        os.makedirs(self.data_dir)
        self.settings = None
        self.conf = os.path.join(self.tmp, "parasol.conf")
        self.server = None
        self.env = None  # extra environment for its server (e.g. PARASOL_TEST_CLOCK_FILE)
        self.wrapper = None  # argv its server runs under (e.g. unshare), or None
        self._pending = settings

    def create_database(self, suffix=""):
        name = "parasol_t_%s%s_%d" % (self.script, suffix, os.getpid())
        self.cluster.create_database(name)
        self.suite.add_cleanup(self.cluster.drop_database, name)
        return name

    def setup(self):
        """Creates the database and writes the config file (settings given to the
        constructor override the defaults; a None value leaves a key out)."""
        self.dbname = self.create_database()
        self.settings = base_settings(self.cluster, self.dbname, self.port, self.data_dir)
        self.settings.update(self._pending)
        self.write_config(self.conf, self.settings)
        shutil.copy(self.conf, output_path("%s.conf" % self.script))
        return self

    def write_config(self, path, settings):
        with open(path, "w", encoding="utf-8") as f:
            f.write(config_text(settings))
        return path

    def psql(self, sql):
        return self.cluster.psql(self.dbname, sql)

    def scalar(self, sql):
        return self.cluster.scalar(self.dbname, sql)

    def cli(self, *args, **kw):
        kw.setdefault("conf", self.conf)
        return run_cli(*args, **kw)

    def start_server(self, tag=None):
        """Starts `serve`; if another process took the port in the meantime (the scripts run
        in parallel), tries again on a new one."""
        for attempt in range(3):
            self.server = Server(self.conf, self.port, tag or self.script, self.env,
                                 self.wrapper)
            self.suite.add_cleanup(self.server.kill)
            try:
                return self.server.start()
            except AssertionError:
                if attempt == 2 or "cannot listen" not in self.server.log():
                    raise
            self.port = free_port()
            self.settings.update(port=self.port, base_url="http://127.0.0.1:%d" % self.port)
            self.write_config(self.conf, self.settings)
        raise AssertionError("unreachable")


# --- the parasol command line -------------------------------------------------------------------

def run_cli(*args, conf=None, stdin=None, env=None, timeout=120, check_sanitizers=True):
    """Runs `parasol [-c conf] args...`; returns the CompletedProcess (text mode). A sanitizer
    report on its stderr fails the calling test."""
    cmd = [BIN] + (["-c", conf] if conf else []) + list(args)
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=timeout,
                          env=child_env(env))
    if check_sanitizers:
        assert_no_sanitizer_reports(proc.stderr, "`parasol %s`" % " ".join(args))
    return proc


def describe(proc):
    return "exit %s\n--- stdout ---\n%s--- stderr ---\n%s" % (proc.returncode, proc.stdout,
                                                              proc.stderr)


# --- the server process -------------------------------------------------------------------------

class Server:
    """`parasol -c conf serve` with its stderr in OUTPUT/<tag>.server.log."""

    def __init__(self, conf, port, tag, env=None, wrapper=None):
        self.conf, self.port, self.tag, self.env = conf, port, tag, env
        self.wrapper = list(wrapper or [])  # runs `parasol` as its last arguments (exec)
        self.log_path = output_path("%s.server.log" % tag)
        self.out_path = output_path("%s.server.stdout" % tag)
        self.proc = None
        self.exit_code = None

    @property
    def pid(self):
        return self.proc.pid

    def start(self, timeout=30):
        log = open(self.log_path, "wb")
        out = open(self.out_path, "wb")
        try:
            self.proc = subprocess.Popen(self.wrapper + [BIN, "-c", self.conf, "serve"],
                                         stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=log, env=child_env(self.env))
        finally:
            log.close()
            out.close()
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("the server exited with %d during start-up:\n%s" % (
                    self.proc.returncode, self.log_tail()))
            try:
                r = request(self.port, "GET", "/healthz", timeout=2)
                if r.status == 200:
                    return self
                last = "healthz answered %d" % r.status
            except OSError as e:
                last = repr(e)
            time.sleep(0.1)
        raise AssertionError("the server did not answer /healthz with 200 within %d s (%s):\n%s"
                             % (timeout, last, self.log_tail()))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Sends sig and waits; returns (exit code, seconds). Kills it after timeout and
        raises."""
        t0 = time.monotonic()
        self.proc.send_signal(sig)
        try:
            self.exit_code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.exit_code = self.proc.wait()
            raise AssertionError("the server did not exit within %d s of %s (killed)" % (
                timeout, signal.Signals(sig).name))
        return self.exit_code, time.monotonic() - t0

    def kill(self):
        if self.alive():
            self.proc.kill()
            self.proc.wait()

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def log_tail(self, n=40):
        return "\n".join(self.log().splitlines()[-n:])


# --- a reverse proxy -----------------------------------------------------------------------------

NGINX = "/usr/sbin/nginx"


class Worker:
    """`parasol -c conf worker`, its stderr in OUTPUT/<tag>.log (appended across restarts).
    start() waits for this start's "worker running" line; kill9() plays a crash."""

    def __init__(self, conf, tag):
        self.conf, self.tag, self.proc, self.starts = conf, tag, None, 0
        self.log_path = output_path("%s.log" % tag)
        open(self.log_path, "w").close()

    def start(self):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([BIN, "-c", self.conf, "worker"],
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         env=child_env())
        self.starts += 1
        wait_for(lambda: self.log().count("worker running") >= self.starts, 15,
                 what="parasol worker to start")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()


class Nginx:
    """Debian's nginx as the TLS-less reverse proxy of a test, started unprivileged: its own
    configuration, pid file, temp directories and error log under OUTPUT/<tag>.nginx/, no
    access log (parasol's rule for its proxy: no client addresses in logs), one process in the
    foreground. routes: (listen_port, upstream_port) pairs, all on 127.0.0.1. Connections to
    parasol come from bind_address, the address the test trusts as its proxy. Each request
    gets X-Forwarded-For (the client's own, with the address nginx saw appended) and
    Forwarded (for= the address nginx saw), as a proxy set up by a careful admin sends."""

    def __init__(self, suite, tag, routes, bind_address="127.0.0.1"):
        self.dir = output_path("%s.nginx" % tag)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.routes, self.bind_address = routes, bind_address
        self.conf = os.path.join(self.dir, "nginx.conf")
        self.log_path = os.path.join(self.dir, "error.log")
        self.proc = None
        suite.add_cleanup(self.stop)

    def config(self):
        d = self.dir
        servers = "".join("""
    server {
        listen 127.0.0.1:%d;
        location / {
            proxy_pass http://127.0.0.1:%d;
            proxy_bind %s;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header Forwarded "for=$remote_addr";
            proxy_set_header X-Forwarded-Proto $scheme;
        }
    }
""" % (listen, upstream, self.bind_address) for listen, upstream in self.routes)
        return """daemon off;
master_process off;
worker_processes 1;
pid %(d)s/nginx.pid;
error_log %(d)s/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path %(d)s/client_body;
    proxy_temp_path %(d)s/proxy;
    fastcgi_temp_path %(d)s/fastcgi;
    uwsgi_temp_path %(d)s/uwsgi;
    scgi_temp_path %(d)s/scgi;
    client_max_body_size 2m;
%(servers)s}
""" % {"d": d, "servers": servers}

    def start(self, timeout=20):
        assert os.access(NGINX, os.X_OK), "%s is missing (./dev test installs nginx)" % NGINX
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(self.config())
        log = open(os.path.join(self.dir, "stderr.log"), "wb")
        try:
            self.proc = subprocess.Popen([NGINX, "-p", self.dir, "-e", self.log_path,
                                          "-c", self.conf], stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log)
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        listen = self.routes[0][0]
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("nginx exited with %d:\n%s" % (
                    self.proc.returncode, self.log()))
            try:
                if request(listen, "GET", "/healthz", timeout=2).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("nginx did not answer within %d s:\n%s" % (timeout, self.log()))

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log(self):
        text = ""
        for name in ("stderr.log", "error.log"):
            path = os.path.join(self.dir, name)
            if os.path.exists(path):
                with open(path, encoding="utf-8", errors="replace") as f:
                    text += f.read()
        return text


def add_server_end_tests(suite, get_server):
    """Adds the tests every script with a server ends with: a clean stop on SIGTERM, and no
    sanitizer report in the server's log."""

    @suite.test
    def test_clean_stop():
        """the server exits 0 within 10 s of SIGTERM"""
        srv = get_server()
        assert srv.alive(), "the server is not running any more (exit %s):\n%s" % (
            srv.proc.returncode, srv.log_tail())
        rc, took = srv.stop(signal.SIGTERM, 10)
        assert rc == 0, "exit code %d after SIGTERM:\n%s" % (rc, srv.log_tail())
        assert "stopped" in srv.log(), "no 'stopped' line in the log"

    @suite.test
    def test_no_sanitizer_reports():
        """no sanitizer report in the server log"""
        assert_no_sanitizer_reports(get_server().log(), get_server().log_path)


# --- HTTP ---------------------------------------------------------------------------------------

class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # http.client.HTTPMessage: get() is case-insensitive
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def header(self, name, default=None):
        return self.headers.get(name, default)

    def json(self):
        import json
        return json.loads(self.body.decode("utf-8"), object_pairs_hook=_no_duplicates)

    def __repr__(self):
        return "<%d %s, %d bytes: %r>" % (self.status, self.reason, len(self.body),
                                          self.body[:200])


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), "duplicate keys in JSON: %r" % keys
    return dict(pairs)


def _from_http_client(resp):
    return Response(resp.status, resp.reason, resp.headers, resp.read())


def request(port, method, path, headers=None, body=None, timeout=15):
    """One request on a fresh connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        return _from_http_client(conn.getresponse())
    finally:
        conn.close()


class Client:
    """Requests over one persistent connection; `reconnects` counts new sockets."""

    def __init__(self, port, timeout=15):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.sockets = []

    def request(self, method, path, headers=None, body=None):
        self.conn.request(method, path, body=body, headers=headers or {})
        if not self.sockets or self.sockets[-1] is not self.conn.sock:
            self.sockets.append(self.conn.sock)
        return _from_http_client(self.conn.getresponse())

    def close(self):
        self.conn.close()


def raw_connect(port, timeout=15):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def head_block(method, path, port, headers):
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1:%d" % port]
    lines += ["%s: %s" % kv for kv in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def read_response(sock, head=False):
    """Reads one response (status line, headers, a Content-Length or chunked body) from a raw
    socket. Raises ConnectionError if the peer closes before the headers end."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed after %d bytes: %r" % (len(buf), buf[:200]))
        buf += chunk
    head_bytes, rest = buf.split(b"\r\n\r\n", 1)
    lines = head_bytes.decode("latin-1").split("\r\n")
    version, status, reason = (lines[0].split(" ", 2) + [""])[:3]
    msg = http.client.HTTPMessage()
    for line in lines[1:]:
        name, _, value = line.partition(":")
        msg[name.strip()] = value.strip()
    status = int(status)
    body = b""
    if not head and status not in (100, 204, 304) and status >= 200:
        if msg.get("Content-Length") is not None:
            n = int(msg["Content-Length"])
            body = rest
            while len(body) < n:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                body += chunk
            rest, body = body[n:], body[:n]
        elif "chunked" in (msg.get("Transfer-Encoding") or ""):
            body, rest = _read_chunked(sock, rest)
    resp = Response(status, reason, msg, body)
    resp.leftover = rest
    return resp


def _read_chunked(sock, buf):
    body = b""
    while True:
        while b"\r\n" not in buf:
            buf += sock.recv(65536)
        size_line, buf = buf.split(b"\r\n", 1)
        size = int(size_line.split(b";")[0], 16)
        while len(buf) < size + 2:
            buf += sock.recv(65536)
        body, buf = body + buf[:size], buf[size + 2:]
        if size == 0:
            return body, buf


def read_all(sock):
    """Everything until the peer closes (or the socket times out)."""
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk
    except socket.timeout:
        return data


def chunked_request(port, method, path, headers, chunks, timeout=15):
    """Sends a chunked upload on a raw socket and reads the answer. A server that answers and
    closes before taking all chunks is fine: what it answered is returned."""
    with raw_connect(port, timeout) as s:
        h = dict(headers)
        h["Transfer-Encoding"] = "chunked"
        s.sendall(head_block(method, path, port, h))
        try:
            for c in chunks:
                s.sendall(b"%x\r\n%s\r\n" % (len(c), c))
            s.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        return read_response(s)


# --- checks shared by several scripts ------------------------------------------------------------

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, noarchive",
}


def check_security_headers(resp, what):
    problems = []
    csp = resp.header("Content-Security-Policy")
    if csp is None:
        problems.append("no Content-Security-Policy")
    else:
        if "default-src 'self'" not in csp:
            problems.append("CSP lacks default-src 'self': %r" % csp)
        if "unsafe-inline" in csp or "unsafe-eval" in csp:
            problems.append("CSP allows unsafe-*: %r" % csp)
    for name, want in SECURITY_HEADERS.items():
        got = resp.headers.get_all(name) or []
        if got != [want]:
            problems.append("%s: want %r, got %r" % (name, want, got))
    assert not problems, "%s (status %d): %s" % (what, resp.status, "; ".join(problems))


def po_translations(lang):
    """msgid -> msgstr from po/<lang>.po (single-form entries with a translation)."""
    path = os.path.join(SRCDIR, "po", "%s.po" % lang)
    out = {}
    msgid = msgstr = None
    current = None

    def unquote(s):
        s = s.strip()
        assert s.startswith('"') and s.endswith('"'), s
        return bytes(s[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")

    def flush():
        if msgid and msgstr:
            out[msgid] = msgstr

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("msgid "):
                flush()
                msgid, msgstr, current = unquote(line[6:]), None, "id"
            elif line.startswith("msgstr "):
                msgstr, current = unquote(line[7:]), "str"
            elif line.startswith('"') and current == "id":
                msgid += unquote(line)
            elif line.startswith('"') and current == "str":
                msgstr += unquote(line)
            elif not line.startswith("#"):
                current = None  # a blank line, or plural forms (not needed here)
    flush()
    return out


def package_version():
    with open(os.path.join(SRCDIR, "configure.ac"), encoding="utf-8") as f:
        m = re.search(r"AC_INIT\(\[[^\]]*\],\s*\[([^\]]+)\]", f.read())
    assert m, "no AC_INIT version in configure.ac"
    return m.group(1)


def sha256(data):
    return hashlib.sha256(data).digest()


def parallel(fn, items, threads):
    """Runs fn(item) for every item on `threads` threads; returns the results in order
    (exceptions are returned as values)."""
    results = [None] * len(items)
    lock = threading.Lock()
    queue = list(enumerate(items))

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                i, item = queue.pop(0)
            try:
                results[i] = fn(item)
            except Exception as e:  # noqa: BLE001 - collected for the caller to assert on
                results[i] = e

    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return results


# --- a browser-like client: cookies, CSRF and forms ----------------------------------------------

def parse_set_cookie(value):
    """`name=value; Path=/; HttpOnly` -> (name, value, {lower-case attribute: value or True})."""
    parts = [p.strip() for p in value.split(";")]
    name, _, val = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        if not p:
            continue
        k, eq, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip() if eq else True
    return name.strip(), val.strip(), attrs


class _FormParser:
    """The <input>, <textarea> and <select> fields of an HTML page: name -> value (the last
    one wins), plus every <input> tag's attributes in `inputs`."""

    def __init__(self, text):
        from html.parser import HTMLParser
        fields, inputs = {}, []
        state = {"textarea": None, "buf": ""}

        class P(HTMLParser):
            def handle_starttag(self, tag, attrs):
                a = dict(attrs)
                if tag == "input":
                    inputs.append(a)
                    if a.get("name") and a.get("type") not in ("submit", "button"):
                        fields[a["name"]] = a.get("value") or ""
                elif tag == "textarea" and a.get("name"):
                    state["textarea"], state["buf"] = a["name"], ""
                elif tag == "select" and a.get("name"):
                    fields.setdefault(a["name"], "")

            def handle_data(self, data):
                if state["textarea"] is not None:
                    state["buf"] += data

            def handle_endtag(self, tag):
                if tag == "textarea" and state["textarea"] is not None:
                    fields[state["textarea"]] = state["buf"]
                    state["textarea"] = None

        P(convert_charrefs=True).feed(text)
        self.fields, self.inputs = fields, inputs


def form_fields(text):
    """name -> value of the form fields on a page (hidden ones included)."""
    return _FormParser(text).fields


def page_inputs(text):
    """The attributes of every <input> on a page, as dicts."""
    return _FormParser(text).inputs


class WebClient:
    """A browser-like client of one server: keeps the cookies it is sent (Max-Age=0 or an
    empty value deletes one), sends Accept-Language when lang is set, and fills the `csrf`
    field of forms (a member's from a page's form, since it is bound to the session; a
    visitor's from the parasol_csrf cookie, fetching a form page first when it has none).

    source: a loopback address to connect from (e.g. "127.0.0.2"): the server's per-client
    limits count each source address separately."""

    CSRF_COOKIE = "parasol_csrf"
    SESSION_COOKIE = "parasol_session"

    def __init__(self, port, lang=None, source=None, timeout=15):
        self.port, self.lang, self.source, self.timeout = port, lang, source, timeout
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        h = {}
        if self.lang:
            h["Accept-Language"] = self.lang
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        h.update(headers or {})
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=self.timeout,
            source_address=(self.source, 0) if self.source else None)
        try:
            conn.request(method, path, body=body, headers=h)
            resp = _from_http_client(conn.getresponse())
        finally:
            conn.close()
        resp.set_cookies = {}
        for value in resp.headers.get_all("Set-Cookie") or []:
            name, val, attrs = parse_set_cookie(value)
            resp.set_cookies[name] = (val, attrs)
            if val == "" or attrs.get("max-age") == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = val
        return resp

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def csrf(self):
        # A member's token is bound to the session: read from a page's form (the header's
        # sign-out form; /about opens even to a suspended member), once per session.
        session = self.cookies.get(self.SESSION_COOKIE)
        if session:
            if getattr(self, "_csrf_session", None) != session:
                r = self.get("/about")
                token = form_fields(r.text).get("csrf")
                assert token, "no csrf field on /about (status %d)" % r.status
                self._csrf_session, self._csrf_token = session, token
            return self._csrf_token
        # A visitor's is the parasol_csrf cookie. Only pages with a form set it: the sign-in
        # form, or (when /login redirects) the home page's compose form.
        for path in ("/login", "/home"):
            if self.CSRF_COOKIE not in self.cookies:
                self.get(path)
        assert self.CSRF_COOKIE in self.cookies, "no %s cookie after GET /login and /home" % (
            self.CSRF_COOKIE)
        return self.cookies[self.CSRF_COOKIE]

    def post(self, path, fields, csrf=True, headers=None):
        """POSTs fields (a dict or a list of pairs) as a form. csrf: True adds the right token,
        a string sends that token, False sends none."""
        import urllib.parse
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if csrf is True:
            pairs.append(("csrf", self.csrf()))
        elif csrf:
            pairs.append(("csrf", csrf))
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        return self.request("POST", path, urllib.parse.urlencode(pairs).encode("utf-8"), h)

    def post_multipart(self, path, fields, files=(), csrf=True, headers=None):
        """POSTs a multipart/form-data form as a browser does: fields (a dict or pairs) and
        files, each (field name, file name, content type, bytes); csrf as for post."""
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if csrf is True:
            pairs.append(("csrf", self.csrf()))
        elif csrf:
            pairs.append(("csrf", csrf))
        body, ctype = multipart_body(pairs, files)
        h = {"Content-Type": ctype}
        h.update(headers or {})
        return self.request("POST", path, body, h)

    @property
    def session(self):
        return self.cookies.get(self.SESSION_COOKIE)

    def login(self, username, password, next=None):
        fields = {"username": username, "password": password}
        if next is not None:
            fields["next"] = next
        return self.post("/login", fields)

    def logout(self):
        return self.post("/logout", {})

    def signed_in(self):
        """Whether the server takes this client for a member: /login sends members to /home."""
        r = self.get("/login")
        assert r.status in (200, 303), "GET /login: %r" % r
        return r.status == 303


def multipart_body(pairs, files=()):
    """(body bytes, Content-Type) of a multipart/form-data form: pairs of text fields, then
    files as (field name, file name, content type, bytes)."""
    import secrets
    boundary = "----parasoltest" + secrets.token_hex(12)
    out = []
    for name, value in pairs:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" % (
            boundary, name)).encode("utf-8") + str(value).encode("utf-8") + b"\r\n")
    for name, filename, ctype, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                    "Content-Type: %s\r\n\r\n" % (boundary, name, filename, ctype)).encode("utf-8")
                   + data + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode("ascii"))
    return b"".join(out), "multipart/form-data; boundary=%s" % boundary


def location_path(resp):
    """The Location of a redirect without scheme and host (the server sends paths)."""
    import urllib.parse
    loc = resp.header("Location")
    assert loc is not None, "no Location header: %r" % resp
    u = urllib.parse.urlsplit(loc)
    return u.path + ("?" + u.query if u.query else "")


# --- members: accounts made with the command line, signed-in clients ------------------------------

PASSWORD = "a long enough password"


def create_account(inst, name, password=PASSWORD, role=None):
    """Makes an approved account with `parasol admin create-account` (role: None or "admin")."""
    args = ["admin", "create-account", name] + (["--role", role] if role else [])
    p = inst.cli(*args, stdin=password + "\n")
    assert p.returncode == 0, describe(p)


def member(inst, name, password=PASSWORD, lang=None, create=True, role=None):
    """A WebClient signed in as name (made first unless create is False)."""
    if create:
        create_account(inst, name, password, role)
    c = WebClient(inst.port, lang=lang)
    r = c.login(name, password)
    assert r.status == 303 and c.session, "sign-in of %s failed: %r" % (name, r)
    return c


def assert_status(resp, status, what):
    assert resp.status == status, "%s: want %d, got %r" % (what, status, resp)


# --- posts: writing them and finding them (test_posts, test_timelines, test_visibility, ...) -----

def publish(client, text, **fields):
    """POSTs the compose form as client (visibility, spoiler_text, sensitive, in_reply_to_id,
    back as keyword fields); returns the response."""
    f = {"text": text}
    f.update({k: v for k, v in fields.items() if v is not None})
    return client.post("/statuses", f)


def last_status_id(inst, username):
    """The id of username's newest post (not a boost), as a string."""
    return inst.scalar(
        "SELECT s.id FROM statuses s JOIN accounts a ON a.id = s.account_id"
        " WHERE lower(a.username) = lower('%s') AND s.reblog_of_id IS NULL"
        " ORDER BY s.id DESC LIMIT 1" % username.replace("'", "''"))


def post_and_get_id(inst, client, username, text, **fields):
    """Publishes text as username (whose signed-in client is client) and returns the new
    post's id; fails the test unless the server answered 303."""
    r = publish(client, text, **fields)
    assert r.status == 303, "posting as %s: %r" % (username, r)
    return last_status_id(inst, username)


def status_ids_on(text):
    """The post ids of the status articles on a page, in page order. A boost's article
    (b-KEY) and a pinned copy (pin-ID) count as the post's: its time links to /@name/ID."""
    ids = []
    for m in re.finditer(r'<article class="status" id="(s|b|pin)-(\d+)"(.*?)</article>', text, re.S):
        if m.group(1) == "b":
            link = re.search(r'<a href="[^"]*/(\d+)" id="b-\d+-time">', m.group(3))
            assert link, "no link to the post in %s" % m.group(0)[:300]
            ids.append(link.group(1))
        else:
            ids.append(m.group(2))
    return ids


# --- federation: peers on loopback, a draft-cavage signer, a fake peer (test_federation*) ---------

def peer_instance(suite, script, **settings):
    """An Instance that may federate over plain http on 127.0.0.1 (TEST ONLY setting). Its
    domain is "127.0.0.1:PORT"; call .setup() and .start_server() as usual, then allowlist the
    other side with allow_peer()."""
    settings.setdefault("federation_insecure_loopback", "true")
    return Instance(suite, script, **settings)


def instance_domain(inst):
    return "127.0.0.1:%d" % inst.port


def instance_base(inst):
    return "http://127.0.0.1:%d" % inst.port


def allow_peer(inst, domain):
    """Puts domain ("127.0.0.1:PORT") on inst's allowlist."""
    db_change(inst, "INSERT INTO peers (domain) VALUES ('%s') ON CONFLICT DO NOTHING"
              % domain.replace("'", "''"), "peers")


def cache_notified_line(what, backend_pid):
    """The debug line a server logs when it hears NOTIFY parasol_cache, 'what' sent by the
    PostgreSQL backend backend_pid (server/core/cache.c)."""
    return "cache: %s changed (notified by backend %s)" % (what, backend_pid)


def db_change(inst, sql, what, servers=None):
    """Runs sql, a write by hand to what the servers keep in memory (instance_settings:
    what = "settings"; peers: "peers"), in one transaction with NOTIFY parasol_cache, 'what',
    as parasol's own writers do; then waits until each running server (inst's, or those
    given) has heard of it, so that its next request sees the change. Returns the rows of
    sql, if any."""
    rows = inst.psql("SELECT pg_backend_pid(); %s; NOTIFY parasol_cache, '%s'" % (sql, what))
    pid = rows[0][0]
    line = cache_notified_line(what, pid)
    for srv in servers if servers is not None else [inst.server]:
        if srv is not None and srv.alive():
            wait_for(lambda: line in srv.log(), timeout=15,
                     what="%s to hear that %s changed" % (srv.tag, what))
    return rows[1:]


def start_for_flood(inst, need):
    """Starts inst's server with Debian's usual 1,024 file descriptors, whatever this
    machine's shell allows, then raises this process's own limit so that it can open `need`
    connections (more than the server has, to flood it)."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))
    try:
        inst.start_server()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    want = max(4096, need + 64)
    if hard != resource.RLIM_INFINITY:
        want = min(hard, want)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= need, \
        "the test needs %d file descriptors" % need


class Sockets:
    """Raw connections to an instance, from chosen loopback addresses, closed together."""

    def __init__(self, inst):
        self.inst, self.open = inst, []

    def connect(self, src):
        s = socket.create_connection(("127.0.0.1", self.inst.port), timeout=10,
                                     source_address=(src, 0))
        self.open.append(s)
        return s

    def close_all(self):
        while self.open:
            self.open.pop().close()


def idle_flood(port, n, source, batch=500, connect_wait=5, pace=None):
    """Opens n connections to port that send nothing, connection i from the loopback address
    source(i), without waiting for the server to accept them (non-blocking connects, batch at
    a time, each batch given connect_wait seconds to complete its handshakes: the kernel does
    that, accepted or not, unless the server's queue is full), then pace(sockets so far) is
    called, to wait for the server to take them in (a flood faster than the server overflows
    the kernel's queue of the listening socket: the handshakes dropped there are retried
    seconds later, out of order). Returns the sockets, oldest first."""
    import errno
    import select
    socks = []
    for start in range(0, n, batch):
        pending = {}
        for i in range(start, min(n, start + batch)):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.bind((source(i), 0))
            rc = s.connect_ex(("127.0.0.1", port))
            assert rc in (0, errno.EINPROGRESS), "connect: %s" % os.strerror(rc)
            socks.append(s)
            pending[s.fileno()] = s
        p = select.poll()
        for fd in pending:
            p.register(fd, select.POLLOUT)
        deadline = time.monotonic() + connect_wait
        while pending and time.monotonic() < deadline:
            for fd, _ in p.poll(100):
                p.unregister(fd)
                del pending[fd]
        if pace is not None:
            pace(socks)
    return socks


def count_open(socks):
    """How many of socks the server has not closed (no end of file, no reset, now)."""
    import select
    p = select.poll()
    for s in socks:
        p.register(s, select.POLLIN | select.POLLRDHUP)
    ended = {fd for fd, ev in p.poll(0)
             if ev & (select.POLLIN | select.POLLRDHUP | select.POLLHUP | select.POLLERR)}
    return len(socks) - len(ended)


def closed_by_server(s, wait):
    """Whether the server closed socket s (end of file or reset) within wait seconds."""
    import select
    p = select.poll()  # select() can't watch descriptors past 1,023
    p.register(s, select.POLLIN | select.POLLHUP | select.POLLERR)
    if not p.poll(wait * 1000):
        return False
    try:
        return s.recv(65536) == b""
    except OSError:
        return True


def wait_for(fn, timeout=20, interval=0.2, what="a condition"):
    """Polls fn() until it returns something true; returns it, or fails the test after
    timeout seconds (deliveries and inbound activities are applied asynchronously)."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = fn()
            if value:
                return value
        except AssertionError as e:  # a check inside fn that is not true yet
            last_error = e
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %s s waiting for %s%s" % (
                timeout, what, " (last: %s)" % last_error if last_error else ""))
        time.sleep(interval)


def http_date(t=None):
    import email.utils
    return email.utils.formatdate(time.time() if t is None else t, usegmt=True)


class RSAKey:
    """An RSA-2048 key pair made with the openssl command line (Python's stdlib has no RSA).
    Files live in a temp dir removed by the suite's cleanups."""

    def __init__(self, suite, bits=2048):
        self.dir = tempfile.mkdtemp(prefix="parasol-key-")
        suite.add_cleanup(shutil.rmtree, self.dir, True)
        self.private_path = os.path.join(self.dir, "key.pem")
        self.public_path = os.path.join(self.dir, "pub.pem")
        self._openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:%d" % bits,
                      "-out", self.private_path)
        self._openssl("pkey", "-in", self.private_path, "-pubout", "-out", self.public_path)
        with open(self.public_path, encoding="ascii") as f:
            self.public_pem = f.read()

    @classmethod
    def from_pem(cls, suite, private_pem):
        """A key pair from a PEM private key (e.g. one read from an instance's database)."""
        self = cls.__new__(cls)
        self.dir = tempfile.mkdtemp(prefix="parasol-key-")
        suite.add_cleanup(shutil.rmtree, self.dir, True)
        self.private_path = os.path.join(self.dir, "key.pem")
        self.public_path = os.path.join(self.dir, "pub.pem")
        with open(self.private_path, "w", encoding="ascii") as f:
            f.write(private_pem)
        os.chmod(self.private_path, 0o600)
        self._openssl("pkey", "-in", self.private_path, "-pubout", "-out", self.public_path)
        with open(self.public_path, encoding="ascii") as f:
            self.public_pem = f.read()
        return self

    @staticmethod
    def _openssl(*args, data=None):
        proc = subprocess.run(["openssl"] + list(args), input=data, capture_output=True,
                              timeout=60)
        if proc.returncode != 0:
            raise RuntimeError("openssl %s failed: %s" % (args[0], proc.stderr.decode(
                "utf-8", "replace")))
        return proc.stdout

    def sign(self, data):
        """The RSASSA-PKCS1-v1_5 SHA-256 signature of data (bytes)."""
        return self._openssl("dgst", "-sha256", "-sign", self.private_path, data=data)


def rsa_verify(public_pem, data, signature):
    """Whether signature is a valid rsa-sha256 signature of data under public_pem."""
    d = tempfile.mkdtemp(prefix="parasol-verify-")
    try:
        pub, sig = os.path.join(d, "pub.pem"), os.path.join(d, "sig.bin")
        with open(pub, "w", encoding="ascii") as f:
            f.write(public_pem)
        with open(sig, "wb") as f:
            f.write(signature)
        proc = subprocess.run(["openssl", "dgst", "-sha256", "-verify", pub, "-signature", sig],
                              input=data, capture_output=True, timeout=60)
        return proc.returncode == 0
    finally:
        shutil.rmtree(d, True)


def body_digest(body):
    import base64
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def signing_string(method, target, headers, names):
    """The draft-cavage signing string over names (lower-case; "(request-target)" included)
    from headers (any case)."""
    lower = {k.lower(): v for k, v in headers.items()}
    lines = []
    for n in names:
        if n == "(request-target)":
            lines.append("(request-target): %s %s" % (method.lower(), target))
        else:
            lines.append("%s: %s" % (n, lower[n]))
    return "\n".join(lines)


def parse_signature_header(value):
    """`keyId="..",headers=".."` -> dict (values unquoted)."""
    out = {}
    for m in re.finditer(r'\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|([^,]*))\s*,?', value):
        out[m.group(1)] = m.group(2) if m.group(2) is not None else m.group(3)
    return out


def sign_headers(key, key_id, method, target, host, body=None, date=None, algorithm="rsa-sha256",
                 names=None, extra=None):
    """Headers for a draft-cavage signed request: Host, Date, Digest (with a body),
    Content-Type (with a body), Signature. names: the signed header list (default
    `(request-target) host date [digest]`). extra: more headers to send (signed if named)."""
    import base64
    h = {"Host": host, "Date": date or http_date()}
    if body is not None:
        h["Digest"] = body_digest(body)
        h["Content-Type"] = "application/activity+json"
    else:
        h["Accept"] = "application/activity+json"
    h.update(extra or {})
    if names is None:
        names = ["(request-target)", "host", "date"] + (["digest"] if body is not None else [])
    text = signing_string(method, target, h, names)
    sig = base64.b64encode(key.sign(text.encode("utf-8"))).decode("ascii")
    h["Signature"] = 'keyId="%s",algorithm="%s",headers="%s",signature="%s"' % (
        key_id, algorithm, " ".join(names), sig)
    return h


class FakeActor:
    def __init__(self, peer, name, key, shared_inbox=True):
        self.peer, self.name, self.key = peer, name, key
        self.shared_inbox = shared_inbox

    @property
    def uri(self):
        return "%s/users/%s" % (self.peer.base, self.name)

    @property
    def key_id(self):
        return self.uri + "#main-key"

    def document(self):
        return {
            "@context": ["https://www.w3.org/ns/activitystreams",
                         "https://w3id.org/security/v1"],
            "id": self.uri, "type": "Person", "preferredUsername": self.name,
            "name": self.name.capitalize(), "summary": "",
            "inbox": self.uri + "/inbox", "outbox": self.uri + "/outbox",
            "followers": self.uri + "/followers", "following": self.uri + "/following",
            "endpoints": ({"sharedInbox": self.peer.base + "/inbox"} if self.shared_inbox
                          else {}),
            "url": "%s/@%s" % (self.peer.base, self.name),
            "manuallyApprovesFollowers": False,
            "publicKey": {"id": self.key_id, "owner": self.uri,
                          "publicKeyPem": self.key.public_pem},
        }

    def rotate_key(self, suite):
        """A new key pair; the actor document serves the new public key from now on."""
        self.key = RSAKey(suite)
        return self.key

    def post(self, port, path, activity, key=None, key_id=None, **kw):
        """POSTs activity (a dict, or bytes sent as they are) to 127.0.0.1:port path, signed
        by this actor's key (or the key given). kw: sign_headers' options, plus `body` to
        send a different body from the signed one."""
        import json
        signed = activity if isinstance(activity, bytes) else json.dumps(activity).encode(
            "utf-8")
        sent = kw.pop("body", signed)
        h = sign_headers(key or self.key, key_id or self.key_id, "POST", path,
                         "127.0.0.1:%d" % port, body=signed, **kw)
        return request(port, "POST", path, headers=h, body=sent)


class FakeInstanceActor(FakeActor):
    """A FakePeer's instance actor (FakePeer.add_instance_actor)."""

    @property
    def uri(self):
        return self.peer.base + "/actor"

    def document(self):
        doc = super().document()
        doc["type"] = "Application"
        doc["inbox"] = (self.inbox_path if self.inbox_path.startswith("http")
                        else self.peer.base + self.inbox_path)
        return doc


class FakePeer:
    """A tiny ActivityPub server on 127.0.0.1 (stdlib http.server on a thread): serves its
    actors' documents (and WebFinger), accepts POSTs to any inbox, and records every request
    (method, path, headers, body) in `requests`.

    inbox_status: the status POSTs are answered with (202; 503 plays a server that is down;
    each POST's record keeps it as "answered"). hold: a threading.Event, or None: while it is
    not set, a POST is recorded (with "held": True) and its answer waits until it is set (a
    slow peer, holding a delivery in flight)."""

    def __init__(self, suite):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        self.suite = suite
        self.actors = {}
        # GET path (no query) -> fn(path with query) returning None (serve as usual) or
        # (status, body, content_type[, headers]): for peers that misbehave on purpose.
        self.routes = {}
        self.requests = []
        self.lock = threading.Lock()
        self.inbox_status = 202
        self.hold = None
        peer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _record(self, body, **extra):
                entry = {"method": self.command, "path": self.path,
                         "headers": {k: v for k, v in self.headers.items()}, "body": body}
                entry.update(extra)
                with peer.lock:
                    peer.requests.append(entry)

            def _send(self, status, body=b"", ctype="application/activity+json", headers=None):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                import json
                import urllib.parse
                self._record(b"")
                u = urllib.parse.urlsplit(self.path)
                route = peer.routes.get(u.path)
                if route is not None:
                    got = route(self.path)
                    if got is not None:
                        return self._send(*got)
                m = re.fullmatch(r"/users/([^/]+)", u.path)
                if m and m.group(1) in peer.actors:
                    return self._send(200, json.dumps(peer.actors[m.group(1)].document()).encode())
                if u.path == "/.well-known/webfinger":
                    res = urllib.parse.parse_qs(u.query).get("resource", [""])[0]
                    m = re.fullmatch(r"acct:([^@]+)@(.+)", res)
                    # an actor is found by the name its document gives (preferredUsername),
                    # which a test may set apart from the actor's key in peer.actors
                    named = [x for x in peer.actors.values()
                             if m and x.document().get("preferredUsername") == m.group(1)]
                    if m and m.group(2) == peer.domain and named:
                        a = named[0]
                        jrd = {"subject": res, "links": [{"rel": "self",
                                                           "type": "application/activity+json",
                                                           "href": a.uri}]}
                        return self._send(200, json.dumps(jrd).encode(), "application/jrd+json")
                return self._send(404, b"{}")

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                hold = peer.hold
                held = hold is not None and not hold.is_set()
                status = peer.inbox_status
                self._record(body, answered=status, held=held)
                if held:
                    hold.wait(60)
                try:
                    self._send(status)
                except OSError:
                    pass  # the sender is gone (killed while we held its request)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        suite.add_cleanup(self.stop)

    @property
    def domain(self):
        return "127.0.0.1:%d" % self.port

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def add_actor(self, name, shared_inbox=True):
        """A new actor; shared_inbox False: its document names no shared inbox."""
        a = FakeActor(self, name, RSAKey(self.suite), shared_inbox)
        self.actors[name] = a
        return a

    def add_instance_actor(self, name="instance", inbox="/actor/inbox"):
        """The peer's instance actor at <base>/actor, as parasol's own (an Application that
        WebFinger finds as name@domain), its document naming inbox (a path, or a whole URL)
        as its inbox."""
        import json
        a = FakeInstanceActor(self, name, RSAKey(self.suite), False)
        a.inbox_path = inbox
        self.actors[name] = a
        self.routes["/actor"] = lambda path: (200, json.dumps(a.document()).encode(),
                                              "application/activity+json")
        return a

    def activities(self, type_=None, path=None):
        """The activities POSTed to this peer (parsed JSON, in order, with "_path" and
        "_answered" added), those of type_ and to path when given."""
        import json
        out = []
        for r in self.requests_to("POST", path):
            try:
                act = json.loads(r["body"])
            except ValueError:
                continue
            if type_ is None or act.get("type") == type_:
                act["_path"], act["_answered"] = r["path"], r.get("answered")
                out.append(act)
        return out

    def requests_to(self, method=None, path=None):
        with self.lock:
            return [r for r in self.requests
                    if (method is None or r["method"] == method)
                    and (path is None or r["path"] == path)]

    def clear(self):
        with self.lock:
            self.requests = []


def activity_create(actor, text, note_id=None, to=None, activity_id=None):
    """A Create of a public Note by a FakeActor."""
    import uuid
    nid = note_id or "%s/statuses/%s" % (actor.uri, uuid.uuid4().hex)
    to = to or ["https://www.w3.org/ns/activitystreams#Public"]
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": activity_id or nid + "/activity", "type": "Create", "actor": actor.uri,
        "published": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "to": to, "cc": [actor.uri + "/followers"],
        "object": {"id": nid, "type": "Note", "attributedTo": actor.uri,
                   "content": "<p>%s</p>" % text, "to": to, "cc": [actor.uri + "/followers"],
                   "published": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                   "url": nid},
    }
