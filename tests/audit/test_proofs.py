"""Merkle tree and inclusion proofs: one decision proven to be in a signed log, nothing else shown."""

import base64
import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from decisions.checkpoints import merkle
from decisions.checkpoints.models import Checkpoint
from tests.audit.test_checkpoints import SCRIPTS, log_of_six, signing  # noqa: F401 (fixtures)


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


verify_proof = load_script("verify_proof")


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH as RFC 6962 section 2.1 defines it, recursively."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return merkle.node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


def reference_path(index: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) as RFC 6962 section 2.1.1 defines it."""
    if len(leaves) == 1:
        return []
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if index < k:
        return [*reference_path(index, leaves[:k]), reference_root(leaves[k:])]
    return [*reference_path(index - k, leaves[k:]), reference_root(leaves[:k])]


@pytest.mark.parametrize("size", [*range(1, 34), 100, 257])
def test_proofs_merkle_tree_is_rfc_6962s(size):
    leaves = [merkle.leaf_hash(merkle.leaf_data(seq, "decision", "0" * 64)) for seq in range(1, size + 1)]
    root = merkle.root(leaves)
    assert root == reference_root(leaves)
    for index in range(size):
        path = merkle.inclusion_path(leaves, index)
        assert path == reference_path(index, leaves)
        assert merkle.verify_inclusion(leaves[index], index, size, path, root)
        assert verify_proof.root_from_path(leaves[index], index, size, path) == root
        assert not merkle.verify_inclusion(leaves[index], index, size, path, merkle.leaf_hash(b"other"))
        if size > 1:
            assert not merkle.verify_inclusion(leaves[index - 1], index, size, path, root)
            assert (
                not merkle.verify_inclusion(leaves[index], index ^ 1, size, path, root) or index ^ 1 >= size
            )


def run_proof(proof_path: Path, key: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPTS / "verify_proof.py"), str(proof_path), "--public-key", f"{key}.pub"],
        capture_output=True,
        text=True,
        check=False,
    )


def test_proofs_a_decision_proven_offline_and_every_changed_byte_refused(signing, log_of_six, tmp_path):  # noqa: F811
    key, _witness = signing
    decision = log_of_six[2]
    output = tmp_path / "proof.json"
    call_command("prove_decision", decision.reference, output=str(output))
    result = run_proof(output, key)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith(f"OK: {decision.reference} is record 3 of the log of 6 records")

    proof = json.loads(output.read_text())
    others = [d.reference for d in log_of_six if d != decision]
    assert not any(reference in output.read_text() for reference in others)  # nothing else shown
    public = verify_proof.tlog_ed25519.load_public_key(Path(f"{key}.pub").read_text())
    assert verify_proof.check(proof, public) == []

    def refused(changed: dict) -> bool:
        try:
            return bool(verify_proof.check(changed, public))
        except (ValueError, KeyError):
            return True

    canonical = proof["record"]["canonical"]
    for i in range(len(canonical)):
        changed = json.loads(json.dumps(proof))
        changed["record"]["canonical"] = canonical[:i] + chr(ord(canonical[i]) ^ 1) + canonical[i + 1 :]
        assert refused(changed), f"a change at character {i} of the record went unnoticed"
    for n, node in enumerate(proof["inclusion_path"]):
        for i in range(len(node)):
            changed = json.loads(json.dumps(proof))
            changed["inclusion_path"][n] = node[:i] + ("0" if node[i] != "0" else "1") + node[i + 1 :]
            assert refused(changed)
    signature = base64.b64decode(proof["checkpoint"]["signature"])
    for i in range(len(signature)):
        changed = json.loads(json.dumps(proof))
        flipped = signature[:i] + bytes([signature[i] ^ 1]) + signature[i + 1 :]
        changed["checkpoint"]["signature"] = base64.b64encode(flipped).decode()
        assert refused(changed)
    statement = proof["checkpoint"]["statement"]
    for i in range(len(statement)):
        changed = json.loads(json.dumps(proof))
        changed["checkpoint"]["statement"] = statement[:i] + chr(ord(statement[i]) ^ 1) + statement[i + 1 :]
        assert refused(changed)
    for field, value in [("leaf_index", 1), ("tree_size", 7), ("tree_size", 5)]:
        changed = json.loads(json.dumps(proof))
        changed[field] = value
        assert refused(changed)
    for field, value in [("chain_seq", 4), ("chain_kind", "addendum"), ("reference", "D-AAAA-AAAA")]:
        changed = json.loads(json.dumps(proof))
        changed["record"][field] = value
        assert refused(changed)

    proof["record"]["canonical"] = canonical.replace("support sharing", "support withholding")
    output.write_text(json.dumps(proof))
    result = run_proof(output, key)
    assert result.returncode == 1
    assert "do not lead to the signed root" in result.stdout


def test_proofs_use_an_existing_checkpoint_or_make_one(signing, log_of_six, tmp_path):  # noqa: F811
    call_command("prove_decision", log_of_six[0].reference, output=str(tmp_path / "a.json"))
    assert Checkpoint.objects.get().reason == Checkpoint.Reason.PROOF
    call_command("prove_decision", log_of_six[1].reference, output=str(tmp_path / "b.json"))
    assert Checkpoint.objects.count() == 1


def test_proofs_refused_when_the_log_no_longer_matches(signing, log_of_six, tmp_path):  # noqa: F811
    from tests.audit.test_checkpoints import recompute_chain_from, superuser

    call_command("checkpoint")
    superuser("UPDATE decisions_decision SET rationale = 'Rewritten' WHERE id = %s", [log_of_six[0].pk])
    recompute_chain_from(1)
    with pytest.raises(CommandError, match="no longer matches the checkpoint"):
        call_command("prove_decision", log_of_six[0].reference, output=str(tmp_path / "p.json"))


def test_proofs_unknown_reference(db):
    with pytest.raises(CommandError, match="No decision D-NONE"):
        call_command("prove_decision", "D-NONE")


def test_proofs_hash_helpers_agree_with_the_script():
    assert merkle.leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert verify_proof.node(b"a", b"b") == merkle.node_hash(b"a", b"b")
