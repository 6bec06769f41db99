#!/usr/bin/env python3
"""Check that one decision is in the decision log, without the application: standard library only.

    python3 verify_proof.py D-7KQ3-M9XP.proof.json --public-key log.key.pub

The proof (from ``manage.py prove_decision``) holds the decision's canonical content, its place in
the log, the sibling hashes up a Merkle tree (RFC 9162) and a checkpoint signed by the log's key.
It checks that
  1. the leaf, sha256(0x00 || "seq|kind|sha256(canonical)"), and the sibling hashes lead to a root;
  2. that root and the tree size are those of the checkpoint's statement;
  3. the statement carries a valid Ed25519 signature by the public key given
     (tlog_ed25519.py, beside this script).
No other record of the log is needed or shown. Exit status 0 when everything holds, 1 otherwise.
"""

import argparse
import base64
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tlog_ed25519

STATEMENT_TITLE = "sharing-wizard decision log checkpoint v1"


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_path(leaf: bytes, index: int, size: int, path: list[bytes]) -> bytes | None:
    """RFC 9162 section 2.1.3.2: the root the path leads to, or None when it cannot be a path."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def parse_statement(text: str) -> dict:
    lines = text.rstrip("\n").split("\n")
    if lines[0] != STATEMENT_TITLE:
        raise ValueError("the checkpoint is not a decision log checkpoint")
    return dict(line.split(" ", 1) for line in lines[1:])


def check(proof: dict, public_key: bytes) -> list[str]:
    problems = []
    record = proof["record"]
    content_hash = hashlib.sha256(record["canonical"].encode("utf-8")).hexdigest()
    leaf_data = f"{record['chain_seq']}|{record['chain_kind']}|{content_hash}".encode()
    leaf = hashlib.sha256(b"\x00" + leaf_data).digest()
    index, size = int(proof["leaf_index"]), int(proof["tree_size"])
    if json.loads(record["canonical"]).get("reference") != record.get("reference"):
        problems.append("the reference shown is not the one in the record's content")
    if index != int(record["chain_seq"]) - 1:
        problems.append("the leaf index is not the record's place in the log")
    path = [bytes.fromhex(h) for h in proof["inclusion_path"]]
    root = root_from_path(leaf, index, size, path)
    checkpoint = proof["checkpoint"]
    statement = parse_statement(checkpoint["statement"])
    if int(statement["size"]) != size:
        problems.append(
            f"the proof is for a log of {size} records, the checkpoint signed {statement['size']}"
        )
    if root is None or root.hex() != statement["root"]:
        problems.append(
            "the record and its path do not lead to the signed root: the record or proof was changed"
        )
    if checkpoint.get("key_id") != tlog_ed25519.key_id(public_key):
        problems.append(f"the checkpoint is signed by key {checkpoint.get('key_id')}, not by the key given")
    elif not tlog_ed25519.verify(
        public_key, checkpoint["statement"].encode(), base64.b64decode(checkpoint["signature"])
    ):
        problems.append("the checkpoint's signature is not valid")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("proof", type=Path)
    parser.add_argument("--public-key", type=Path, required=True, help="the log's public key (PEM)")
    args = parser.parse_args(argv)
    try:
        proof = json.loads(args.proof.read_text(encoding="utf-8"))
        problems = check(proof, tlog_ed25519.load_public_key(args.public_key.read_text()))
    except (ValueError, KeyError, TypeError) as error:
        problems = [f"the proof cannot be read: {error}"]
    if problems:
        print(f"FAILED: {len(problems)} problems")
        for problem in problems:
            print(f"  {problem}")
        return 1
    statement = parse_statement(proof["checkpoint"]["statement"])
    record = proof["record"]
    print(
        f"OK: {record.get('reference', 'the record')} is record {record['chain_seq']} of the log of "
        f"{statement['size']} records signed at {statement['time']} by key {proof['checkpoint']['key_id']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
