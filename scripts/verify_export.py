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
  5. the readable columns (reference, rationale...) say what the canonical content says.
CSV and JSON Lines files are checked row by row; for XLSX only the file hash (export CSV to check
the rows). Exit status 0 when everything holds, 1 otherwise.
"""

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path

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


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def un_neutralise(value: str) -> str:
    """Exports put an apostrophe before text a spreadsheet would run as a formula."""
    if value.startswith("'") and value[1:2] and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


def read_rows(path: Path, file_format: str):
    if file_format == "csv":
        with path.open(newline="", encoding="utf-8") as file:
            for row in csv.DictReader(file):
                yield {key: un_neutralise(value) for key, value in row.items()}
    elif file_format == "jsonl":
        with path.open(encoding="utf-8") as file:
            for line in file:
                if line.strip():
                    yield json.loads(line)
    else:
        raise ValueError(f"cannot read {file_format} rows")


def check_rows(rows, head: dict | None) -> tuple[int, list[str]]:
    problems: list[str] = []
    count = 0
    previous_seq, previous_hash = None, None
    for count, row in enumerate(rows, start=1):
        if row.get("chain_seq") in (None, ""):
            continue  # the access log is not chained
        seq = int(row["chain_seq"])
        where = f"row {count} (record {seq})"
        canonical = row["canonical"]
        disposed = row.get("disposed") in TRUE
        if not disposed:
            if sha256_hex(canonical.encode("utf-8")) != row["content_hash"]:
                problems.append(f"{where}: its content does not match its content hash")
            content = json.loads(canonical)
            for name in CROSS_CHECKED:
                if name in row and name in content and str(row[name] or "") != str(content[name] or ""):
                    problems.append(f"{where}: column {name} differs from the hashed content")
        link = f"{row['chain_prev']}|{seq}|{row['chain_kind']}|{row['content_hash']}"
        if sha256_hex(link.encode("utf-8")) != row["chain_hash"]:
            problems.append(f"{where}: its chain hash is wrong")
        if previous_seq is not None and seq == previous_seq + 1 and row["chain_prev"] != previous_hash:
            problems.append(f"{where}: does not point at record {previous_seq}")
        if previous_seq is None and seq == 1 and row["chain_prev"] != "0" * 64:
            problems.append(f"{where}: the first record must point at 64 zeros")
        if head and seq == head["seq"] and row["chain_hash"] != head["hash"]:
            problems.append(f"{where}: is the chain head, but its hash is not the manifest's")
        if previous_seq is not None and seq <= previous_seq:
            problems.append(f"{where}: out of order")
        previous_seq, previous_hash = seq, row["chain_hash"]
    return count, problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("manifest", type=Path, nargs="?", help="default: FILE.manifest.json")
    args = parser.parse_args(argv)
    manifest_path = args.manifest or args.file.with_name(args.file.name + ".manifest.json")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    problems = []
    actual = file_sha256(args.file)
    if actual != manifest["file"]["sha256"]:
        problems.append(f"the file's SHA-256 is {actual}, the manifest says {manifest['file']['sha256']}")
    file_format = manifest["file"]["format"]
    if file_format in ("csv", "jsonl"):
        count, row_problems = check_rows(read_rows(args.file, file_format), manifest.get("chain_head"))
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
    print(f"OK: {manifest['row_count']} rows, sha256 {actual}, chain head {head['seq']} {head['hash']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
