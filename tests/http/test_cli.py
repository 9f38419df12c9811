"""The parasol command line: version, checkconf, migrate, admin, and serve's start-up and
shutdown."""

import os
import re
import shutil
import signal
import socket
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

PASSWORD = "correct horse battery"

suite = harness.Suite("cli")
test = suite.test
inst = harness.Instance(suite, "cli")


def setup():
    inst.setup()


def cli(*args, **kw):
    return inst.cli(*args, **kw)


def expect_exit(proc, code, what):
    assert proc.returncode == code, "%s: want exit %d\n%s" % (what, code, harness.describe(proc))
    return proc


def write_conf(name, extra_lines):
    """A copy of the good config with lines inserted at the top (so their numbers are known)."""
    path = os.path.join(inst.tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in extra_lines))
        f.write(harness.config_text(inst.settings))
    return path


def tables():
    return {r[0] for r in inst.psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def migration_rows():
    return inst.psql("SELECT version, applied_at FROM schema_migrations ORDER BY version")


# --- version and checkconf ----------------------------------------------------------------------

@test
def test_version():
    """`parasol version` prints "parasol <version>" """
    p = expect_exit(harness.run_cli("version"), 0, "version")
    assert p.stdout == "parasol %s\n" % harness.package_version(), repr(p.stdout)


@test
def test_checkconf_good():
    """`checkconf` on a good config: exit 0"""
    p = expect_exit(cli("checkconf"), 0, "checkconf")
    assert "OK" in p.stdout, harness.describe(p)


@test
def test_checkconf_unknown_key():
    """`checkconf` with an unknown key on line 3: exit 1 naming file, line and key"""
    path = write_conf("unknown.conf", ["# a comment", "", "colour_scheme = pink"])
    p = expect_exit(cli("checkconf", conf=path), 1, "unknown key")
    assert path in p.stderr, harness.describe(p)
    assert "%s:3:" % path in p.stderr, harness.describe(p)
    assert "colour_scheme" in p.stderr, harness.describe(p)


@test
def test_checkconf_bad_value():
    """`checkconf` with port = 99999: exit 1 naming the key"""
    path = write_conf("badport.conf", ["port = 99999"])
    p = expect_exit(cli("checkconf", conf=path), 1, "port = 99999")
    assert re.search(r"\bport\b", p.stderr), harness.describe(p)
    assert "%s:1:" % path in p.stderr, harness.describe(p)


@test
def test_checkconf_bad_env():
    """`checkconf` with PARASOL_PORT=abc: exit 1 naming the variable"""
    p = expect_exit(cli("checkconf", env={"PARASOL_PORT": "abc"}), 1, "PARASOL_PORT=abc")
    assert "PARASOL_PORT" in p.stderr, harness.describe(p)
    p = expect_exit(cli("checkconf", env={"PARASOL_PORT": "8081"}), 0, "PARASOL_PORT=8081")


@test
def test_checkconf_template_error():
    """`checkconf` with a broken template: exit 1 naming file.html:LINE"""
    tdir = os.path.join(inst.tmp, "templates-broken")
    shutil.copytree(os.path.join(harness.SRCDIR, "templates"), tdir)
    with open(os.path.join(tdir, "broken.html"), "w", encoding="utf-8") as f:
        f.write("<p>one</p>\n<p>two</p>\n{{#x}}\n<p>never closed</p>\n")
    path = os.path.join(inst.tmp, "tmpl.conf")
    settings = dict(inst.settings, templates_dir=tdir)
    inst.write_config(path, settings)
    p = expect_exit(cli("checkconf", conf=path), 1, "unclosed section")
    assert re.search(r"broken\.html:3\b", p.stderr), harness.describe(p)


# --- migrate ------------------------------------------------------------------------------------

@test
def test_migrate_fresh():
    """`migrate` on a fresh database creates the tables"""
    expect_exit(cli("migrate"), 0, "migrate")
    missing = {"accounts", "invites", "schema_migrations"} - tables()
    assert not missing, "missing tables: %s" % missing
    versions = [r[0] for r in migration_rows()]
    files = sorted(f for f in os.listdir(os.path.join(harness.SRCDIR, "migrations"))
                   if f.endswith(".sql"))
    assert versions == files, (versions, files)


@test
def test_migrate_again():
    """`migrate` again is a no-op"""
    before = migration_rows()
    expect_exit(cli("migrate"), 0, "second migrate")
    assert migration_rows() == before, (before, migration_rows())


@test
def test_migrate_broken():
    """a failing migration: exit 1 naming it and PostgreSQL's error, rolled back"""
    mdir = os.path.join(inst.tmp, "migrations-broken")
    shutil.copytree(os.path.join(harness.SRCDIR, "migrations"), mdir)
    with open(os.path.join(mdir, "0999_broken.sql"), "w", encoding="utf-8") as f:
        f.write("CREATE TABLE broken_one (x int);\nSELECT no_such_function();\n")
    before = migration_rows()
    p = expect_exit(cli("migrate", env={"PARASOL_MIGRATIONS_DIR": mdir}), 1, "broken migration")
    assert "0999_broken.sql" in p.stderr, harness.describe(p)
    assert "no_such_function" in p.stderr, harness.describe(p)
    assert "broken_one" not in tables(), "the failed migration was not rolled back"
    assert migration_rows() == before, "schema_migrations changed: %r" % migration_rows()


# --- admin --------------------------------------------------------------------------------------

@test
def test_has_admin_none():
    """`admin has-admin` on a fresh database: exit 1"""
    expect_exit(cli("admin", "has-admin"), 1, "has-admin")


@test
def test_create_admin():
    """`admin create-account alice --role admin`: exit 0, then has-admin: exit 0"""
    p = cli("admin", "create-account", "alice", "--role", "admin", stdin=PASSWORD + "\n")
    expect_exit(p, 0, "create alice")
    assert PASSWORD not in p.stdout + p.stderr, harness.describe(p)
    expect_exit(cli("admin", "has-admin"), 0, "has-admin")
    assert inst.scalar("SELECT role FROM accounts WHERE username = 'alice'") == "admin"


@test
def test_password_hashed():
    """the password is stored as an Argon2id hash"""
    h = inst.scalar("SELECT password_hash FROM accounts WHERE username = 'alice'")
    assert h.startswith("$argon2id$"), h
    assert PASSWORD not in h and "horse" not in h, h


@test
def test_username_taken():
    """creating ALICE again: exit 1, "taken" """
    p = expect_exit(cli("admin", "create-account", "ALICE", stdin=PASSWORD + "\n"), 1, "ALICE")
    assert "taken" in p.stderr, harness.describe(p)
    assert inst.scalar("SELECT count(*) FROM accounts") == "1"


@test
def test_password_too_short():
    """a too-short password: exit 1, no account"""
    expect_exit(cli("admin", "create-account", "shorty", stdin="short\n"), 1, "short password")
    expect_exit(cli("admin", "create-account", "nopw", stdin=""), 1, "no password")
    assert inst.scalar("SELECT count(*) FROM accounts") == "1"


@test
def test_bad_username():
    """username "bad name!": exit 1, no account"""
    expect_exit(cli("admin", "create-account", "bad name!", stdin=PASSWORD + "\n"), 1,
                "bad username")
    assert inst.scalar("SELECT count(*) FROM accounts") == "1"


@test
def test_invite_admin():
    """`admin invite --admin` prints a link; only a SHA-256 of the code is stored"""
    p = expect_exit(cli("admin", "invite", "--admin"), 0, "invite")
    m = re.fullmatch(r"http://127\.0\.0\.1:%d/register\?invite=([A-Za-z0-9_-]{43})\n" % inst.port,
                     p.stdout)
    assert m, "bad invite output %r" % p.stdout
    code = m.group(1)
    rows = inst.psql("SELECT encode(code_hash, 'hex'), octet_length(code_hash), role, max_uses "
                     "FROM invites")
    assert len(rows) == 1, rows
    hexhash, length, role, max_uses = rows[0]
    assert length == "32", "code_hash has %s bytes" % length
    assert bytes.fromhex(hexhash) != code.encode(), "the code itself is stored"
    assert bytes.fromhex(hexhash) == harness.sha256(code.encode()), "not SHA-256 of the code"
    assert code not in inst.cluster.dump_data(inst.dbname), "the code is in the database"
    assert (role, max_uses) == ("admin", "1"), (role, max_uses)


@test
def test_make_admin():
    """`admin make-admin`: exit 1 for a missing user, 0 for a member"""
    expect_exit(cli("admin", "make-admin", "bob"), 1, "make-admin bob")
    expect_exit(cli("admin", "create-account", "carol", stdin=PASSWORD + "\n"), 0, "carol")
    assert inst.scalar("SELECT role FROM accounts WHERE username = 'carol'") == "member"
    expect_exit(cli("admin", "make-admin", "carol"), 0, "make-admin carol")
    assert inst.scalar("SELECT role FROM accounts WHERE username = 'carol'") == "admin"


# --- serve --------------------------------------------------------------------------------------

@test
def test_serve_port_taken():
    """`serve` on a port already in use: exits non-zero quickly with a clear message"""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        t0 = time.monotonic()
        p = cli("serve", env={"PARASOL_PORT": str(port)}, timeout=30)
        took = time.monotonic() - t0
    assert p.returncode not in (0, None), harness.describe(p)
    assert took < 15, "took %.1f s" % took
    assert re.search(r"(?i)listen|in use", p.stderr) and str(port) in p.stderr, \
        "unclear message:\n" + harness.describe(p)


@test
def test_serve_sigint():
    """`serve` stops on SIGINT: exit 0 within 10 s, "stopped" in the log"""
    srv = inst.start_server("cli-sigint")
    assert harness.request(inst.port, "GET", "/", timeout=5).status == 200
    rc, took = srv.stop(signal.SIGINT, 10)
    log = srv.log()
    assert rc == 0, "exit %d:\n%s" % (rc, srv.log_tail())
    assert "stopped" in log, srv.log_tail()
    harness.assert_no_sanitizer_reports(log, srv.log_path)


if __name__ == "__main__":
    sys.exit(suite.run(setup))
