"""The configuration `./dev run` writes (scripts/devconf): PARASOL_PORT, PARASOL_LISTEN_ADDRESS
and PARASOL_BASE_URL in the environment and the keys of var/parasol.local.conf decide the
base_url it writes and prints, so that an invite link names the port the server listens on."""

import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

suite = harness.Suite("dev_config")
test = suite.test
inst = harness.Instance(suite, "dev_config")
DEVCONF = os.path.join(harness.SRCDIR, "scripts", "devconf")


def setup():
    inst.setup()


def checkout(local_conf=None):
    """A directory shaped like a checkout for devconf: migrations/ and, if given, a
    var/parasol.local.conf."""
    top = tempfile.mkdtemp(prefix="devconf-", dir=inst.tmp)
    os.symlink(os.path.join(harness.SRCDIR, "migrations"), os.path.join(top, "migrations"))
    if local_conf is not None:
        os.makedirs(os.path.join(top, "var"))
        with open(os.path.join(top, "var", "parasol.local.conf"), "w") as f:
            f.write(local_conf)
    return top


def devconf(top, env=None):
    """Runs scripts/devconf as ./dev run does; returns (printed base_url, the config text)."""
    e = harness.child_env(env)
    c = inst.cluster
    e.update(PGHOST=c.host, PGPORT=str(c.port), PGUSER=c.user)
    p = subprocess.run([DEVCONF, top, harness.BUILDDIR, inst.dbname], env=e,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, harness.describe(p)
    with open(os.path.join(top, "var", "parasol.conf")) as f:
        return p.stdout.strip(), f.read()


def written(conf, key):
    """The last value of key in the config text (the one the server keeps)."""
    values = re.findall(r"(?m)^\s*%s\s*=\s*(.*?)\s*$" % key, conf)
    return values[-1] if values else None


def admin_invite(top, env):
    conf = os.path.join(top, "var", "parasol.conf")
    p = harness.run_cli("migrate", conf=conf, env=env)
    assert p.returncode == 0, harness.describe(p)
    p = harness.run_cli("admin", "invite", "--admin", conf=conf, env=env)
    assert p.returncode == 0, harness.describe(p)
    return p.stdout.strip()


@test
def test_env_port():
    """PARASOL_PORT=9090: the printed and written base_url name 9090, and so does the
    first-admin invite link made with that configuration and environment"""
    env = {"PARASOL_PORT": "9090"}
    top = checkout()
    printed, conf = devconf(top, env)
    assert printed == "http://127.0.0.1:9090", printed
    assert written(conf, "base_url") == "http://127.0.0.1:9090", conf
    link = admin_invite(top, env)
    assert link.startswith("http://127.0.0.1:9090/register?invite="), link
    assert os.path.exists(os.path.join(top, "var", "parasol.local.conf")), \
        "no var/parasol.local.conf made for the member's own settings"


@test
def test_local_conf_and_env():
    """the local file's port and address give the base_url; the environment wins over the
    file; a base_url given by hand (file or environment) is kept and printed"""
    top = checkout("port = 8181\nlisten_address = 127.0.0.2\n")
    printed, conf = devconf(top)
    assert printed == "http://127.0.0.2:8181" and written(conf, "base_url") == printed, conf
    printed, conf = devconf(top, {"PARASOL_PORT": "9191"})
    assert printed == "http://127.0.0.2:9191" and written(conf, "base_url") == printed, conf
    printed, conf = devconf(top, {"PARASOL_LISTEN_ADDRESS": "::1"})
    assert printed == "http://[::1]:8181", printed
    top = checkout("base_url = https://social.example\n")
    printed, conf = devconf(top, {"PARASOL_PORT": "9090"})
    assert printed == "https://social.example" and written(conf, "base_url") == printed, conf
    printed, _ = devconf(top, {"PARASOL_BASE_URL": "https://other.example"})
    assert printed == "https://other.example", printed


if __name__ == "__main__":
    sys.exit(suite.run(setup))
