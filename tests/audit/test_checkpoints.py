"""Signed checkpoints: a superuser who rewrites the whole chain is caught by a checkpoint it cannot sign."""

import base64
import json
import os
import stat
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from decisions import audit
from decisions.checkpoints import services
from decisions.checkpoints.models import Checkpoint
from decisions.models import Addendum, ChainHead
from tests.audit.conftest import create_decision

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
sys.path.insert(0, str(SCRIPTS))
import tlog_ed25519  # noqa: E402


def new_key(folder: Path, name: str = "log.key") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    services.keypair_write(path=path)
    return path


@pytest.fixture
def signing(settings, tmp_path):
    """A signing key on the 'app server' and a witness folder; returns (key path, witness file)."""
    key = new_key(tmp_path / "keys")
    settings.AUDIT_SIGNING_KEY_FILE = str(key)
    settings.AUDIT_SIGNING_KEY = ""
    settings.AUDIT_PREVIOUS_PUBLIC_KEYS = []
    settings.AUDIT_WITNESS = str(tmp_path / "witness")
    services._load_private.cache_clear()
    yield key, tmp_path / "witness" / services.WITNESS_FILE
    services._load_private.cache_clear()


@pytest.fixture
def log_of_six(practitioner):
    decisions = [create_decision(practitioner) for _ in range(4)]
    Addendum.objects.create(decision=decisions[0], author=practitioner, kind=Addendum.Kind.OTHER, text="More")
    decisions.append(create_decision(practitioner))
    return decisions


def recompute_chain_from(seq: int) -> None:
    """What a DBA with superuser rights can do: recompute every hash from record SEQ, and the head."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SELECT chain_hash FROM (" + audit.CHAIN_SQL + ") c WHERE chain_seq = %s", [seq - 1])
        row = cursor.fetchone()
        prev = row[0] if row else audit.GENESIS
        cursor.execute(audit.CHAIN_SQL)
        records = [(r[0], r[4], r[5]) for r in cursor.fetchall() if r[0] >= seq]
        for record_seq, kind, pk in records:
            table = audit.KINDS[kind]
            cursor.execute(
                f"UPDATE {table} t SET content_hash = audit_sha256(audit_canonical(t)), chain_prev = %s"
                " WHERE id = %s",
                [prev, pk],
            )
            cursor.execute(
                f"UPDATE {table} SET chain_hash = audit_link_hash(chain_prev, chain_seq, %s, content_hash)"
                " WHERE id = %s RETURNING chain_hash",
                [kind, pk],
            )
            (prev,) = cursor.fetchone()
            last = record_seq
        cursor.execute("UPDATE decisions_chainhead SET seq = %s, hash = %s", [last, prev])
        cursor.execute("SET session_replication_role = DEFAULT")


def superuser(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET session_replication_role = DEFAULT")


def test_checkpoints_are_signed_stored_and_witnessed(signing, log_of_six, capsys):
    key, witness = signing
    call_command("checkpoint")
    assert "Checkpoint: 6 records" in capsys.readouterr().out
    checkpoint = Checkpoint.objects.get()
    assert (checkpoint.size, checkpoint.chain_hash) == (6, ChainHead.objects.get().hash)
    assert checkpoint.witnessed
    (record,) = services.read_witness_file(witness)
    assert record["statement"] == services.checkpoint_statement(checkpoint)
    public = tlog_ed25519.load_public_key(Path(str(key) + ".pub").read_text())
    signature = base64.b64decode(record["signature"])
    assert tlog_ed25519.verify(public, record["statement"].encode(), signature)
    assert not tlog_ed25519.verify(
        public, record["statement"].replace("size 6", "size 7").encode(), signature
    )
    assert record["key_id"] == tlog_ed25519.key_id(public)


def test_checkpoints_need_a_key(settings, log_of_six):
    settings.AUDIT_SIGNING_KEY_FILE = ""
    settings.AUDIT_SIGNING_KEY = ""
    services._load_private.cache_clear()
    with pytest.raises(CommandError, match="no signing key"):
        call_command("checkpoint")


def test_checkpoints_catch_an_edit_with_every_later_hash_recomputed(signing, log_of_six, capsys):
    _key, witness = signing
    call_command("checkpoint")
    target = log_of_six[1]
    superuser("UPDATE decisions_decision SET rationale = 'Rewritten' WHERE id = %s", [target.pk])
    recompute_chain_from(target.chain_seq)
    assert audit.verify_chain().ok  # the chain alone cannot tell
    with pytest.raises(CommandError, match=r"BROKEN at record 6 .*contradicts the checkpoint of"):
        call_command("verify_decision_log")
    # The DBA deletes the stored checkpoints too; the witness still has its copy.
    superuser("DELETE FROM checkpoints_checkpoint")
    call_command("verify_decision_log")  # nothing left in the database to compare with
    with pytest.raises(CommandError, match=rf"contradicts the checkpoint of .*\({witness}: 6 records"):
        call_command("verify_decision_log", checkpoints=[str(witness)])


def test_checkpoints_catch_truncation_and_a_moved_head(signing, log_of_six):
    _key, witness = signing
    call_command("checkpoint")
    newest = log_of_six[-1]
    superuser("DELETE FROM decisions_decision WHERE id = %s", [newest.pk])
    superuser("UPDATE decisions_chainhead SET seq = 5, hash = (SELECT chain_hash FROM decisions_addendum)")
    superuser("DELETE FROM checkpoints_checkpoint")
    assert audit.verify_chain().ok
    with pytest.raises(
        CommandError, match=r"the log ends at record 5, but the checkpoint of .* saw 6 records"
    ):
        call_command("verify_decision_log", checkpoints=[str(witness)])


def test_checkpoints_a_forged_checkpoint_is_reported(signing, log_of_six):
    call_command("checkpoint")
    superuser("UPDATE checkpoints_checkpoint SET size = 5")
    with pytest.raises(CommandError, match="signature does not match its statement"):
        call_command("verify_decision_log")


def test_checkpoints_survive_a_key_rotation(signing, settings, tmp_path, log_of_six):
    old_key, _witness = signing
    call_command("checkpoint")
    settings.AUDIT_SIGNING_KEY_FILE = str(new_key(tmp_path / "keys", "new.key"))
    services._load_private.cache_clear()
    with pytest.raises(CommandError, match="not a trusted key"):
        call_command("verify_decision_log")
    settings.AUDIT_PREVIOUS_PUBLIC_KEYS = [str(old_key) + ".pub"]
    call_command("checkpoint")
    call_command("verify_decision_log")
    assert len({checkpoint.key_id for checkpoint in Checkpoint.objects.all()}) == 2


def test_checkpoints_an_export_cross_checks_its_recorded_head(signing, log_of_six, auditor):
    from decisions import exports

    spec = exports.ExportSpec()
    b"".join(exports.export_stream(spec=spec, user=auditor, token=exports.uuid.uuid4()))
    assert Checkpoint.objects.filter(reason=Checkpoint.Reason.EXPORT).count() == 1
    superuser("DELETE FROM checkpoints_checkpoint")
    superuser("UPDATE decisions_decision SET rationale = 'Rewritten' WHERE id = %s", [log_of_six[0].pk])
    recompute_chain_from(1)
    with pytest.raises(CommandError, match=r"contradicts export .*'s recorded chain head"):
        call_command("verify_decision_log")


def test_checkpoints_keygen_writes_a_private_key_only_its_owner_reads(tmp_path, capsys):
    path = tmp_path / "log.key"
    call_command("checkpoint_keygen", str(path))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert Path(str(path) + ".pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert "Key id:" in capsys.readouterr().out
    with pytest.raises(CommandError, match="a key is never overwritten"):
        call_command("checkpoint_keygen", str(path))


def test_checkpoints_witness_over_http(signing, settings, log_of_six):
    received: list[dict] = []

    class Witness(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(201)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Witness)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.AUDIT_WITNESS = f"http://127.0.0.1:{server.server_port}/checkpoints"
        call_command("checkpoint")
    finally:
        server.shutdown()
    (record,) = received
    assert record["statement"] == services.checkpoint_statement(Checkpoint.objects.get())


def test_checkpoints_an_unreachable_witness_fails_the_scheduled_command(signing, settings, log_of_six):
    settings.AUDIT_WITNESS = "http://127.0.0.1:9/nowhere"
    with pytest.raises(CommandError, match="witness did not receive it"):
        call_command("checkpoint")
    assert not Checkpoint.objects.get().witnessed


def run_script(name: str, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPTS / name), *map(str, args)], capture_output=True, text=True, check=False
    )


def test_checkpoints_manifests_are_signed_and_checked_offline(signing, log_of_six, auditor, tmp_path):
    key, _witness = signing
    output = tmp_path / "chain.jsonl"
    call_command("export_decisions", str(output), by=auditor.username, dataset="chain", file_format="jsonl")
    manifest_path = Path(str(output) + ".manifest.json")
    manifest = json.loads(manifest_path.read_text())
    assert manifest["signature"]["algorithm"] == "ed25519"
    assert manifest["checkpoint"]["statement"].count("size 7")  # the export joined the chain as record 7
    result = run_script("verify_export.py", output, "--public-key", str(key) + ".pub")
    assert result.returncode == 0, result.stdout
    assert "signature valid" in result.stdout

    manifest["exported_by"] = "someone-else"
    manifest_path.write_text(json.dumps(manifest))
    result = run_script("verify_export.py", output, "--public-key", str(key) + ".pub")
    assert result.returncode == 1
    assert "the manifest was changed after signing" in result.stdout

    other = new_key(tmp_path / "other")
    result = run_script("verify_export.py", output, "--public-key", str(other) + ".pub")
    assert "not by the key given" in result.stdout


def test_checkpoints_the_auditors_page_reports_a_rewrite(signing, log_of_six, auditor_client):
    from django.urls import reverse

    call_command("checkpoint")
    page = auditor_client.get(reverse("audit:index")).content.decode()
    assert "Signed checkpoints the log still matches" in page
    superuser("UPDATE decisions_decision SET rationale = 'Rewritten' WHERE id = %s", [log_of_six[0].pk])
    recompute_chain_from(1)
    page = auditor_client.get(reverse("audit:index")).content.decode()
    assert "The log has been changed" in page
    assert "contradicts the checkpoint of" in page
