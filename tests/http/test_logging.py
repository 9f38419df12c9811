"""Nothing identifying reaches the logs or the database: no addresses, user agents, cookies,
tokens, passwords or post contents, at log_level = debug; and every log line has the format."""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

UA = "UA-SECRET-12345"
COOKIE = "session=COOKIE-SECRET-6789"
TOKEN = "TOKEN-SECRET-2468"
PASSWORD = "PW-SECRET-1357"
POST_CONTENT = "POST-CONTENT-9753"
FORWARDED = "203.0.113.77"
CLI_PASSWORD = "CLI-PW-SECRET-8642"
SECRETS = ["UA-SECRET", "COOKIE-SECRET", "TOKEN-SECRET", "PW-SECRET", "POST-CONTENT",
           "CLI-PW-SECRET", "127.0.0.1", FORWARDED, "::1"]

HEADERS = {
    "User-Agent": UA,
    "Cookie": COOKIE,
    "Authorization": "Bearer " + TOKEN,
    "X-Forwarded-For": FORWARDED,
    "X-Real-IP": FORWARDED,
    "Forwarded": "for=%s" % FORWARDED,
    "Referer": "http://%s/UA-SECRET-12345" % FORWARDED,
}
FORM_BODY = ("password=%s&status=%s" % (PASSWORD, POST_CONTENT)).encode()

suite = harness.Suite("logging")
test = suite.test
inst = harness.Instance(suite, "logging", body_limit=4096)
cli_output = []


def setup():
    inst.setup()
    inst.start_server()


def secrets_in(text):
    """The secrets, IPv4 addresses and '::1' found in text."""
    found = [s for s in SECRETS if s in text]
    found += ["IPv4 %s" % m.group(0) for m in harness.IPV4_RE.finditer(text)]
    return found


def lines_with(text, found):
    needles = [f[5:] if f.startswith("IPv4 ") else f for f in found]
    return [line for line in text.splitlines() if any(n in line for n in needles)][:20]


@test
def test_requests():
    """a mix of requests carrying secrets gets the expected answers"""
    def h(extra=None):
        d = dict(HEADERS)
        d.update(extra or {})
        return d

    form = h({"Content-Type": "application/x-www-form-urlencoded"})
    plan = [
        ("GET", "/", h(), None, 200),
        ("GET", "/about?token=%s" % TOKEN, h(), None, 200),
        ("GET", "/healthz", h(), None, 200),
        ("GET", "/static/parasol.css", h(), None, 200),
        ("GET", "/nope/%s" % POST_CONTENT, h(), None, 404),
        ("GET", "/static/%s.css" % PASSWORD, h(), None, 404),
        ("POST", "/about", form, FORM_BODY, 405),
        ("POST", "/login", form, FORM_BODY, (200, 303, 400, 401, 403, 404, 422)),
        ("POST", "/about", form, FORM_BODY + b"&x=%zz", 400),
        ("POST", "/about", h({"Content-Type": "application/json"}),
         b'{"password": "%s", "status": "%s",' % (PASSWORD.encode(), POST_CONTENT.encode()), 400),
        ("POST", "/about", form, FORM_BODY + b"&pad=" + b"x" * 5000, 413),
        ("DELETE", "/%s" % PASSWORD, h({"Accept": "application/json"}), None, 404),
    ]
    bad = []
    for method, path, headers, body, want in plan:
        r = harness.request(inst.port, method, path, headers, body)
        if r.status not in (want if isinstance(want, tuple) else (want,)):
            bad.append("%s %s: want %s, got %r" % (method, path, want, r))
    # A chunked upload over the limit and a request line the server must refuse.
    r = harness.chunked_request(inst.port, "POST", "/about", form, [FORM_BODY * 200])
    if r.status != 413:
        bad.append("chunked over the limit: %r" % r)
    with harness.raw_connect(inst.port, timeout=5) as s:
        s.sendall(b"GET /" + TOKEN.encode() + b" HTTP/1.1\r\nUser-Agent: " + UA.encode() +
                  b"\r\nBroken header line\r\n\r\n")
        harness.read_all(s)
    assert not bad, "\n".join(bad)


@test
def test_cli_create_account():
    """`admin create-account` with a password on stdin: its output holds no secret"""
    p = inst.cli("admin", "create-account", "logtester", stdin=CLI_PASSWORD + "\n")
    assert p.returncode == 0, harness.describe(p)
    p2 = inst.cli("admin", "create-account", "logtester", stdin=CLI_PASSWORD + "\n")
    assert p2.returncode == 1, harness.describe(p2)
    for proc in (p, p2):
        cli_output.append(proc.stdout + proc.stderr)
        found = secrets_in(proc.stdout + proc.stderr)
        assert not found, "found %s in:\n%s" % (found, harness.describe(proc))


harness.add_server_end_tests(suite, lambda: inst.server)


@test
def test_log_has_no_secrets():
    """the server log (debug level) has no secret and no IP address"""
    log = inst.server.log()
    found = secrets_in(log)
    assert not found, "found %s in %s:\n%s" % (sorted(set(found)), inst.server.log_path,
                                               "\n".join(lines_with(log, found)))


@test
def test_log_format():
    """the log is not empty and every line has the format"""
    log = inst.server.log()
    lines = log.splitlines()
    assert lines, "the log is empty"
    bad = [line for line in lines if not harness.LOG_LINE_RE.match(line)]
    assert not bad, "%d bad line(s):\n%s" % (len(bad), "\n".join(bad[:20]))
    assert any(" info " in line and "listening" in line for line in lines), \
        "no start-up line in the log"


@test
def test_database_has_no_secrets():
    """the database holds no address, user agent, cookie, token or password"""
    dump = inst.cluster.dump_data(inst.dbname)
    found = secrets_in(dump)
    assert not found, "found %s in the database:\n%s" % (sorted(set(found)),
                                                         "\n".join(lines_with(dump, found)))
    assert "logtester" in dump, "the dump has not the account the test made: is it the right db?"


if __name__ == "__main__":
    sys.exit(suite.run(setup))
