#!/usr/bin/env python3
"""Check an export of the decision log without the application: standard library only.

    python3 verify_export.py decisions-2026-01-01-to-2026-03-31-1a2b3c4d.csv \
        decisions-2026-01-01-to-2026-03-31-1a2b3c4d.csv.manifest.json

It checks that
  1. the file's SHA-256 and row count are the ones in the manifest;
  2. every row's content hash is the SHA-256 of its canonical content (a disposed-of row's
     content is a tombstone, so only its chain hash is checked);
  3. every row's chain hash is sha256(chain_prev|chain_seq|chain_kind|content_hash);
  4. where two rows follow each other in the chain, the second points at the first's hash, and
     the row at the manifest's chain head has the head's hash;
  5. the readable columns (reference, rationale...) say what the canonical content says;
  6. a row counts as disposed of only when a disposal record in the same file vouches for it (its
     own hashes hold and it names the row), and its content is exactly the tombstone;
  7. an unfiltered export of the full chain has every record from 1 to the head, none missing;
  8. with --public-key, the manifest's Ed25519 signature (tlog_ed25519.py, beside this script).
CSV and JSON Lines files are checked row by row; for XLSX only the file hash (export CSV to check
the rows). Exit status 0 when everything holds, 1 otherwise.
"""

import argparse
import base64
import csv
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tlog_ed25519

csv.field_size_limit(1 << 30)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CROSS_CHECKED = (
    "reference",
    "case_reference",
    "outcome",
    "flowchart_version",
    "lawful_basis",
    "special_category_condition",
    "recipient_organisation",
    "advice_from",
    "rationale",
)
TRUE = {"t", "true", "True", True}
GENESIS = "0" * 64
# What a disposal writes over a record (None: the column is emptied, so absent from canonical).
TOMBSTONES = {
    "decision": {
        "case_reference": "DISPOSED",
        "route": [],
        "answers": {},
        "form_data": {},
        "rationale": "",
        "lawful_basis": "",
        "special_category_condition": "",
        "recipient_organisation": "",
        "shared_on": None,
        "shared_at": None,
        "advice_from": "",
        "referred_at": None,
        "power": None,
        "criminal_offence_condition": None,
    },
    "addendum": {"text": "", "advice_from": ""},
    "review": {"comment": "", "escalation_route": ""},
}


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def link_hash(prev: str, seq: int, kind: str, content_hash: str) -> str:
    return sha256_hex(f"{prev}|{seq}|{kind}|{content_hash}".encode())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def un_neutralise(value: str, version: int) -> str:
    """Exports put an apostrophe before text a spreadsheet would run as a formula.

    From manifest version 2, text starting with an apostrophe gets one too, so exactly one leading
    apostrophe is always removed. Version 1 added it only before formula characters.
    """
    if version >= 2:
        return value[1:] if value.startswith("'") else value
    if value.startswith("'") and value[1:2] and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


def read_rows(path: Path, file_format: str, version: int = 2):
    if file_format == "csv":
        with path.open(newline="", encoding="utf-8") as file:
            for row in csv.DictReader(file):
                yield {key: un_neutralise(value, version) for key, value in row.items()}
    elif file_format == "jsonl":
        with path.open(encoding="utf-8") as file:
            for line in file:
                if line.strip():
                    yield json.loads(line)
    else:
        raise ValueError(f"cannot read {file_format} rows")


def tombstone_problem(kind: str, content: dict) -> str | None:
    for name, value in TOMBSTONES.get(kind, {}).items():
        if (value is None and name in content) or (value is not None and content.get(name) != value):
            return f"marked disposed of, but its {name} is not the tombstone"
    return None


def decision_of(kind: str, content: dict):
    return content.get("id") if kind == "decision" else content.get("decision_id")


def vouching_problem(row: dict, seq: int, content: dict, disposals: dict) -> str | None:
    """Why no disposal record in the file vouches for this row's tombstone, or None."""
    kind = row["chain_kind"]
    record = row.get("disposal_record") or None
    if isinstance(record, str):
        record = json.loads(record)
    if record is None:
        return "is marked disposed of, but no disposal record in the export vouches for it"
    canonical = record["canonical"]
    if sha256_hex(canonical.encode("utf-8")) != record["content_hash"]:
        return "its disposal record's content does not match its hash"
    if (
        link_hash(record["chain_prev"], int(record["chain_seq"]), "disposal", record["content_hash"])
        != record["chain_hash"]
    ):
        return "its disposal record's chain hash is wrong"
    disposal = json.loads(canonical)
    if int(record["chain_seq"]) <= seq or disposal.get("decision_id") != decision_of(kind, content):
        return "its disposal record is for another record"
    if kind == "decision" and (disposal.get("decision_chain_seq"), disposal.get("decision_content_hash")) != (
        seq,
        row["content_hash"],
    ):
        return "its disposal record does not name this record's content hash"
    in_file = disposals.get(int(record["chain_seq"]))
    if in_file is not None and in_file != record["chain_hash"]:
        return "its disposal record differs from the disposal in the export"
    return None


def first_pass(rows) -> dict[int, str]:
    """The disposal records present in the file: sequence number -> chain hash."""
    return {int(row["chain_seq"]): row["chain_hash"] for row in rows if row.get("chain_kind") == "disposal"}


def check_rows(rows, head: dict | None, *, disposals=None, contiguous: bool = False) -> tuple[int, list[str]]:
    problems: list[str] = []
    disposals = disposals or {}
    count = 0
    previous_seq, previous_hash = None, None
    tombstones: dict = {}
    tombstone_hashes: dict = {}
    for count, row in enumerate(rows, start=1):
        if row.get("chain_seq") in (None, ""):
            continue  # the access log is not chained
        seq = int(row["chain_seq"])
        where = f"row {count} (record {seq})"
        canonical = row["canonical"]
        content = json.loads(canonical)
        kind = row["chain_kind"]
        if contiguous and seq != (previous_seq or 0) + 1:
            problems.append(f"{where}: expected record {(previous_seq or 0) + 1}: records are missing")
        if row.get("disposed") in TRUE:
            problem = vouching_problem(row, seq, content, disposals) or tombstone_problem(kind, content)
            if problem:
                problems.append(f"{where}: {problem}")
            tombstones.setdefault(decision_of(kind, content), []).append(
                f"{seq}:{sha256_hex(canonical.encode('utf-8'))}"
            )
        else:
            if sha256_hex(canonical.encode("utf-8")) != row["content_hash"]:
                problems.append(f"{where}: its content does not match its content hash")
            for name in CROSS_CHECKED:
                if name in row and name in content and str(row[name] or "") != str(content[name] or ""):
                    problems.append(f"{where}: column {name} differs from the hashed content")
            if kind == "disposal" and content.get("tombstone_hash"):
                tombstone_hashes[content.get("decision_id")] = (where, content["tombstone_hash"])
        if link_hash(row["chain_prev"], seq, kind, row["content_hash"]) != row["chain_hash"]:
            problems.append(f"{where}: its chain hash is wrong")
        if previous_seq is not None and seq == previous_seq + 1 and row["chain_prev"] != previous_hash:
            problems.append(f"{where}: does not point at record {previous_seq}")
        if seq == 1 and row["chain_prev"] != GENESIS:
            problems.append(f"{where}: the first record must point at 64 zeros")
        if head and seq == head["seq"] and row["chain_hash"] != head["hash"]:
            problems.append(f"{where}: is the chain head, but its hash is not the manifest's")
        if previous_seq is not None and seq <= previous_seq:
            problems.append(f"{where}: out of order")
        previous_seq, previous_hash = seq, row["chain_hash"]
    if contiguous:
        if head and (previous_seq or 0) != head["seq"]:
            problems.append(f"the export ends at record {previous_seq or 0}, but the head is {head['seq']}")
        for decision, (where, expected) in tombstone_hashes.items():
            made = sha256_hex("\n".join(tombstones.get(decision, [])).encode("utf-8"))
            if made != expected:
                problems.append(f"{where}: a tombstone it made was changed")
    return count, problems


def signed_bytes(manifest: dict) -> bytes:
    """What the manifest's signature covers: the manifest without it, as compact sorted JSON."""
    body = {key: value for key, value in manifest.items() if key != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def signature_problem(manifest: dict, public_key: bytes) -> str | None:
    signature = manifest.get("signature")
    if not signature:
        return "the manifest is not signed"
    if signature.get("key_id") != tlog_ed25519.key_id(public_key):
        return f"the manifest is signed by key {signature.get('key_id')}, not by the key given"
    if not tlog_ed25519.verify(public_key, signed_bytes(manifest), base64.b64decode(signature["value"])):
        return "the manifest's signature is not valid: the manifest was changed after signing"
    return None


def unfiltered_chain(manifest: dict) -> bool:
    period = manifest.get("period") or {}
    return (
        manifest.get("dataset") == "chain"
        and not period.get("from")
        and not period.get("to")
        and not manifest.get("filters")
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("manifest", type=Path, nargs="?", help="default: FILE.manifest.json")
    parser.add_argument(
        "--public-key", type=Path, help="the log's public key: check the manifest's signature"
    )
    args = parser.parse_args(argv)
    manifest_path = args.manifest or args.file.with_name(args.file.name + ".manifest.json")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    problems = []
    if args.public_key:
        problem = signature_problem(manifest, tlog_ed25519.load_public_key(args.public_key.read_text()))
        if problem:
            problems.append(problem)
    elif manifest.get("signature"):
        print("The manifest is signed: give --public-key to check the signature.")
    actual = file_sha256(args.file)
    if actual != manifest["file"]["sha256"]:
        problems.append(f"the file's SHA-256 is {actual}, the manifest says {manifest['file']['sha256']}")
    file_format = manifest["file"]["format"]
    version = int(manifest.get("manifest_version", 1))
    if file_format in ("csv", "jsonl"):
        disposals = first_pass(read_rows(args.file, file_format, version))
        count, row_problems = check_rows(
            read_rows(args.file, file_format, version),
            manifest.get("chain_head"),
            disposals=disposals,
            contiguous=unfiltered_chain(manifest),
        )
        problems += row_problems
        if count != manifest["row_count"]:
            problems.append(f"the file has {count} rows, the manifest says {manifest['row_count']}")
    else:
        print("XLSX: only the file's hash is checked; export CSV or JSON Lines to check each row.")
    if problems:
        print(f"FAILED: {len(problems)} problems")
        for problem in problems[:50]:
            print(f"  {problem}")
        return 1
    head = manifest["chain_head"]
    signed = " (signature valid)" if args.public_key else ""
    print(
        f"OK: {manifest['row_count']} rows, sha256 {actual}, chain head {head['seq']} {head['hash']}{signed}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
