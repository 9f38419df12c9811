"""What the servers keep in memory (the instance settings, the peers list, keys:
server/core/cache.h) follows changes: at once in the process that made them, through NOTIFY
in every other process on the same database, and after PostgreSQL restarts.

Two `parasol serve` processes, A and B, share one database on a throwaway cluster of this
script's own (so that restarting it disturbs no other test); a fake peer signs inbox POSTs.
Waits are on events (a server's log saying it heard a notification or listens again), each
bounded; nothing asserts on timing."""

import os
import signal
import subprocess
import sys
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

harness.skip_without_postgres()

WAIT = 30  # seconds, at most, for a server to hear of a change or to listen again

suite = harness.Suite("cache_invalidation")
test = suite.test
state = {}
clients = {}


def setup():
    # The instance (and its temp dir) first, so that the cluster inside it is destroyed
    # before the directory is removed.
    a = harness.peer_instance(suite, "cache_a", workers="0")
    cluster = harness.ScratchCluster(a.tmp)
    suite.add_cleanup(cluster.destroy)
    cluster.init()
    cluster.start()
    a.cluster = cluster
    a.setup()
    a.start_server()
    # B: its own port and files, A's database.
    b = harness.peer_instance(suite, "cache_b", workers="0")
    b.cluster, b.dbname = cluster, a.dbname
    b.settings = harness.base_settings(cluster, a.dbname, b.port, b.data_dir)
    b.settings.update(b._pending)
    b.write_config(b.conf, b.settings)
    b.start_server()
    state.update(a=a, b=b, cluster=cluster)
    harness.create_account(a, "ada", role="admin")
    clients["a"] = harness.member(a, "ada", create=False)
    clients["b"] = harness.member(b, "ada", create=False)
    peer = harness.FakePeer(suite)
    state.update(peer=peer, pat=peer.add_actor("pat"))


def A():
    return state["a"]


def B():
    return state["b"]


def servers():
    return [A().server, B().server]


def heard(srv, what):
    """How many notifications about `what` srv has logged hearing."""
    return srv.log().count("cache: %s changed (notified by backend " % what)


def wait_heard(srv, what, before):
    harness.wait_for(lambda: heard(srv, what) > before, WAIT,
                     what="%s to hear that %s changed" % (srv.tag, what))


def stored_name(side):
    """The instance name the admin settings form of server `side` shows."""
    r = clients[side].get("/admin/settings")
    harness.assert_status(r, 200, "GET /admin/settings on " + side)
    return harness.form_fields(r.text)["name"]


def rename(side, name):
    r = clients[side].post("/admin/settings", {"name": name, "description": "",
                                               "registration_mode": "invite",
                                               "default_language": "en"})
    harness.assert_status(r, 303, "rename on " + side)


def inbox_post(inst):
    """A Create signed by the fake peer's pat, POSTed to inst's shared inbox."""
    pat = state["pat"]
    return pat.post(inst.port, "/inbox", harness.activity_create(pat, "hello"))


def peers_form(side, path, fields):
    r = clients[side].post(path, fields)
    harness.assert_status(r, 303, "POST %s on %s" % (path, side))


def add_peer(side):
    peers_form(side, "/admin/peers", {"domain": state["peer"].domain})


def remove_peer(side):
    peers_form(side, "/admin/peers/%s/remove" % urllib.parse.quote(state["peer"].domain,
                                                                    safe=""),
               {"confirm": "1"})


@test
def test_both_listen():
    """both servers listen for changes once they answer"""
    for srv in servers():
        harness.wait_for(lambda: "listening for changes on 'parasol_cache'" in srv.log(), WAIT,
                         what="%s to listen" % srv.tag)


@test
def test_copy_is_kept_until_notified():
    """a change by hand is not seen until its NOTIFY comes, then by both servers

    (the settings are not read per request: the servers keep a copy until notified)"""
    assert stored_name("a") == stored_name("b") == "parasol", stored_name("a")
    A().psql("INSERT INTO instance_settings VALUES ('instance_name', 'By hand')"
             " ON CONFLICT (key) DO UPDATE SET value = 'By hand'")
    assert stored_name("a") == "parasol" and stored_name("b") == "parasol", \
        "the settings were read again without a notification"
    harness.db_change(A(), "SELECT 1", "settings", servers=servers())
    assert stored_name("a") == "By hand" and stored_name("b") == "By hand"


@test
def test_setting_changed_in_one_process_seen_by_the_other():
    """a rename through A: seen by A at once, by B once B heard the notification"""
    assert stored_name("b") == "By hand"  # B holds a current copy
    before = heard(B().server, "settings")
    rename("a", "Night Shift")
    assert stored_name("a") == "Night Shift", "A did not reload its own change"
    wait_heard(B().server, "settings", before)
    assert stored_name("b") == "Night Shift"


@test
def test_peer_added_in_one_process_takes_effect_in_the_other():
    """a peer added through A, removed through B: each server's inbox follows

    Added through A: A's very next inbox POST from it is accepted, and B's once B heard;
    removed through B: refused by B at once and by A once A heard."""
    for inst in (A(), B()):
        harness.assert_status(inbox_post(inst), 403, "not a peer yet (%s)" % inst.script)
    before = heard(B().server, "peers")
    add_peer("a")
    harness.assert_status(inbox_post(A()), 202, "A, right after adding the peer")
    wait_heard(B().server, "peers", before)
    harness.assert_status(inbox_post(B()), 202, "B, after hearing of the new peer")
    before = heard(A().server, "peers")
    remove_peer("b")
    harness.assert_status(inbox_post(B()), 403, "B, right after removing the peer")
    wait_heard(A().server, "peers", before)
    harness.assert_status(inbox_post(A()), 403, "A, after hearing of the removal")


@test
def test_mode_switch_takes_effect_everywhere():
    """the federation mode switched on one server applies on both

    Blocklist mode chosen on B: an unlisted peer is accepted by B at once and by A once A
    heard; back to allowlist on A: refused by A at once and by B once B heard."""
    before = heard(A().server, "settings")
    peers_form("b", "/admin/peers/mode", {"federation_mode": "blocklist"})
    harness.assert_status(inbox_post(B()), 202, "B, right after switching to blocklist")
    wait_heard(A().server, "settings", before)
    harness.assert_status(inbox_post(A()), 202, "A, after hearing of blocklist mode")
    before = heard(B().server, "settings")
    peers_form("a", "/admin/peers/mode", {"federation_mode": "allowlist"})
    harness.assert_status(inbox_post(A()), 403, "A, right after switching back")
    wait_heard(B().server, "settings", before)
    harness.assert_status(inbox_post(B()), 403, "B, after hearing of allowlist mode")


@test
def test_restart_reloads_and_listens_again():
    """after PostgreSQL restarts both servers reload everything and listen again

    A change by hand made before the restart without NOTIFY is seen after it (everything is
    reloaded on reconnecting), and a change through A afterwards reaches B."""
    assert stored_name("b") == "Night Shift"
    A().psql("UPDATE instance_settings SET value = 'Unannounced' WHERE key = 'instance_name'")
    assert stored_name("b") == "Night Shift", "B read the settings without a notification"
    again = [srv.log().count("listening for changes on 'parasol_cache' again")
             for srv in servers()]
    state["cluster"].stop()
    state["cluster"].start()
    for srv, n in zip(servers(), again):
        harness.wait_for(
            lambda: srv.log().count("listening for changes on 'parasol_cache' again") > n,
            WAIT, what="%s to listen again" % srv.tag)
    assert stored_name("b") == "Unannounced", "B kept its copy across the restart"
    assert stored_name("a") == "Unannounced"
    before = heard(B().server, "settings")
    rename("a", "After the restart")
    wait_heard(B().server, "settings", before)
    assert stored_name("b") == "After the restart"


@test
def test_worker_listens_and_stops():
    """`parasol worker` listens for changes too, and exits 0 within 10 s of SIGTERM"""
    log_path = harness.output_path("cache_worker.log")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([harness.BIN, "-c", A().conf, "worker"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=log, env=harness.child_env())
    suite.add_cleanup(lambda: proc.poll() is None and proc.kill())

    def text():
        with open(log_path, encoding="utf-8", errors="replace") as f:
            return f.read()
    harness.wait_for(lambda: "listening for changes on 'parasol_cache'" in text(), WAIT,
                     what="the worker to listen")
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("the worker did not exit within 10 s of SIGTERM")
    assert rc == 0, "worker exit %d:\n%s" % (rc, text())
    harness.assert_no_sanitizer_reports(text(), log_path)


@test
def test_clean_stop():
    """both servers exit 0 within 10 s of SIGTERM, with no sanitizer report"""
    for srv in servers():
        assert srv.alive(), "%s is not running any more (exit %s):\n%s" % (
            srv.tag, srv.proc.returncode, srv.log_tail())
        rc, took = srv.stop(signal.SIGTERM, 10)
        assert rc == 0, "%s: exit code %d after SIGTERM:\n%s" % (srv.tag, rc, srv.log_tail())
        assert "stopped" in srv.log(), "no 'stopped' line in the log of " + srv.tag
        harness.assert_no_sanitizer_reports(srv.log(), srv.log_path)


if __name__ == "__main__":
    sys.exit(suite.run(setup))
