"""Reads from a real streaming replica: which pages use it, read-your-writes, lag and failover.

The module starts a PostgreSQL primary and a hot standby made from it with ``pg_basebackup -R``
(tests/replica/cluster.py), migrates the primary, records decision A and lets the standby replay
it, then pauses the standby's replay and records decision B. From then on the standby holds A
but not B: a page that shows A without B was read from the replica, one that shows B from the
primary. The app runs in processes of its own (tests/replica/scenario.py) with its real settings
and ``DATABASE_REPLICA_URL`` pointing at the standby.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from tests.replica.cluster import Cluster, bin_dir

REPO = Path(__file__).resolve().parents[2]
VERIFY_SCRIPT = REPO / "scripts" / "verify_export.py"

pytestmark = pytest.mark.skipif(
    bin_dir() is None, reason="no PostgreSQL binaries (initdb, pg_ctl, pg_basebackup) on this machine"
)


# One signing key for every process of the module: exports leave signed checkpoints behind, which
# later verifications must be able to check.
SIGNING_KEY = (
    Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
)


def app_env(cluster: Cluster, **settings: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DATABASE_")}
    env.update(
        DJANGO_SETTINGS_MODULE="sharing_wizard.settings_test",
        DATABASE_URL=cluster.primary.url("app"),
        DATABASE_REPLICA_URL=cluster.standby.url("app"),
        DATABASE_REPLICA_CHECK_SECONDS="0",
        DATABASE_REPLICA_MAX_LAG="3600",
        LOG_LEVEL="WARNING",
        AUDIT_SIGNING_KEY=SIGNING_KEY,
    )
    env.update(settings)
    return env


def run(cluster: Cluster, action: str, *args: str, **settings: str) -> dict:
    command = [sys.executable, "-m", "tests.replica.scenario", action, *args]
    result = subprocess.run(
        command, cwd=REPO, env=app_env(cluster, **settings), capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def head(server) -> int:
    return server.query("SELECT seq FROM decisions_chainhead WHERE id = 1", "app")[0]


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster(bin_dir())
    try:
        cluster.start_primary()
        cluster.primary.query("CREATE DATABASE app")
        cluster.start_standby()
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input"],
            cwd=REPO,
            env={**app_env(cluster), "DATABASE_REPLICA_URL": ""},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert migrate.returncode == 0, migrate.stderr[-5000:]
        yield cluster
    finally:
        cluster.close()


@pytest.fixture(scope="module")
def decisions(cluster) -> dict[str, str]:
    """A is on the standby; B, recorded after its replay was paused, only on the primary."""
    a = run(cluster, "seed")["reference"]
    cluster.wait_replayed()
    cluster.pause_replay()
    b = run(cluster, "record")["reference"]
    cluster.wait_received()  # the standby has B's WAL but has not applied it: it lags
    assert head(cluster.standby) < head(cluster.primary)
    return {"A": a, "B": b}


def test_heavy_pages_read_from_the_replica_and_own_pages_from_the_primary(cluster, decisions, tmp_path):
    seen = run(cluster, "pages", str(tmp_path))
    assert seen["chronology"] == {"status": 200, "references": [decisions["A"]]}
    assert seen["dashboard"] == {"status": 200, "total": 1}
    assert seen["audit_index"] == {"status": 200, "head": head(cluster.standby)}
    # The practitioner's own list is read from the primary: their newest decision is there.
    assert seen["my_decisions"]["status"] == 200
    assert decisions["B"] in seen["my_decisions"]["references"]


def test_an_export_from_the_replica_is_one_snapshot_and_verifies_offline(cluster, decisions, tmp_path):
    export = run(cluster, "pages", str(tmp_path))["export"]
    assert export["status"] == 200
    assert export["references"] == [decisions["A"]]
    assert export["head"] == head(cluster.standby) < head(cluster.primary)
    # The export's record and the checkpoint signed after it were written on the primary, and the
    # checkpoint signs the primary's log (which holds B and the record), not the replica's.
    assert export["export_record"] > head(cluster.standby)
    assert export["checkpoint"] == export["export_record"] == head(cluster.primary)
    checked = subprocess.run(
        [sys.executable, str(VERIFY_SCRIPT), export["file"]], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_verify_decision_log_reads_the_replica(cluster, decisions):
    output = run(cluster, "verify")["output"]
    assert output.startswith("OK: ")
    assert f" head {head(cluster.standby)} " in output


def test_a_replica_lagging_past_the_limit_sends_reads_to_the_primary(cluster, decisions, tmp_path):
    seen = run(cluster, "pages", str(tmp_path), DATABASE_REPLICA_MAX_LAG="0")
    assert decisions["B"] in seen["chronology"]["references"]
    assert seen["dashboard"]["total"] >= 2
    assert seen["audit_index"]["head"] > head(cluster.standby)
    assert decisions["B"] in seen["export"]["references"]
    assert seen["export"]["head"] == seen["audit_index"]["head"]
    output = run(cluster, "verify", DATABASE_REPLICA_MAX_LAG="0")["output"]
    assert f" head {head(cluster.primary)} " in output


def test_after_a_write_in_a_scope_its_reads_go_to_the_primary(cluster, decisions):
    seen = run(cluster, "within_one_scope")
    # The signed-in person's security state and the local settings always come from the primary.
    assert seen["routes"] == {
        "user": "default",
        "session": "default",
        "settings": "default",
        "decision": "replica",
    }
    assert seen["routes_after"] == dict.fromkeys(seen["routes"], "default")
    assert seen["before"] == [decisions["A"]]
    assert {decisions["A"], decisions["B"], seen["written"]} <= set(seen["after"])


def test_a_manager_who_has_just_written_reads_from_the_primary_until_the_window_ends(cluster, decisions):
    seen = run(cluster, "review_then_read")
    assert seen["posted"] == 302
    assert decisions["B"] in seen["after"]["references"]  # right after the review: the primary
    assert seen["later"]["references"] == [decisions["A"]]  # window over: the replica again


def test_a_practitioners_form_writes_no_window_into_their_session(cluster, decisions):
    assert run(cluster, "practitioner_writes") == {"status": 302, "window": False}


def test_pages_still_answer_from_the_primary_when_the_replica_stops(cluster, decisions, tmp_path):
    """The replica was checked and found well (the check is kept for an hour), then it stops. A page
    fails on it and runs again on the primary; an export and the verifier cannot open their
    snapshot on it and open it on the primary. Runs last: it restarts the standby."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.replica.scenario", "replica_stops_between_pages", str(tmp_path)],
        cwd=REPO,
        env=app_env(cluster, DATABASE_REPLICA_CHECK_SECONDS="3600"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        before = json.loads(process.stdout.readline())["before"]
        assert before["references"] == [decisions["A"]]  # from the replica
        standby_head = head(cluster.standby)
        cluster.stop(cluster.standby)
        out, err = process.communicate("go\n", timeout=300)
        assert process.returncode == 0, err[-5000:]
        seen = json.loads(out.strip().splitlines()[-1])
        assert seen["chronology"]["status"] == 200
        assert decisions["B"] in seen["chronology"]["references"]
        assert seen["dashboard"]["status"] == 200
        assert seen["audit_index"]["status"] == 200
        assert seen["audit_index"]["head"] > standby_head
        assert seen["export"]["status"] == 200
        assert decisions["B"] in seen["export"]["references"]
    finally:
        if process.poll() is None:
            process.kill()
        if not (cluster.standby.data / "postmaster.pid").exists():
            cluster.start(cluster.standby)
