"""Benchmark: signed checkpoints, inclusion proofs and verification against checkpoints.

    DEBUG=true .venv/bin/python bench/bench_audit.py [ROWS]      # default 1,000,000

Works on a scratch database (``bench_audit``) on the project's database server, dropped at the end.
Generates ROWS decisions through the chain trigger (as bench_export.py does), then times, three
runs each (the median printed, with /proc/loadavg read beside every figure):

  * baseline: reading every record's Merkle leaf input (seq, kind, content hash) through the
    same server-side cursor, without hashing;
  * ``checkpoint_create``: the same read, the Merkle root over all records, the Ed25519 signature,
    the stored row and the witness file; ratio against the baseline;
  * ``inclusion_proof`` for the middle decision: re-reads the leaves, re-checks the signed root
    and builds the path; ratio against the baseline;
  * ``verify_chain`` with no anchors (baseline) and ``verify_log`` against every stored checkpoint
    and a witness file: records/s and the ratio;
  * ``scripts/verify_proof.py``'s check of the proof (standard library only, pure-Python Ed25519).

Not collected by pytest.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sharing_wizard.settings")
os.environ.setdefault("DATABASE_POOL", "false")
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")

import django

django.setup()

from bench_export import generate  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from bench.common import loadavg  # noqa: E402

BENCH_DB = "bench_audit"
RUNS = 3


def timed(label: str, function, records: int | None = None, runs: int = RUNS):
    """Median of RUNS runs; prints the figure with the load average before and after."""
    seconds, result = [], None
    before = Path("/proc/loadavg").read_text().split()[:3]
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - started)
    after = Path("/proc/loadavg").read_text().split()[:3]
    median = statistics.median(seconds)
    rate = f", {records / median:,.0f} records/s" if records else ""
    print(
        f"{label:<44} median {median:8.2f} s{rate}  (runs {', '.join(f'{s:.2f}' for s in seconds)};"
        f" load {' '.join(before)} -> {' '.join(after)})"
    )
    return median, result


def interleaved(first: tuple, second: tuple, records: int) -> tuple[float, float]:
    """Two measurements taken in turns (A B A B A B), so a load that changes during the run
    weighs on both alike; the median of each, with the load average beside every run."""
    times: dict[str, list[float]] = {first[0]: [], second[0]: []}
    for _ in range(RUNS):
        for label, function in (first, second):
            load = loadavg()
            started = time.perf_counter()
            result = function()
            times[label].append(time.perf_counter() - started)
            assert result.ok, str(result.broken)
            print(f"  {label}: {times[label][-1]:.2f} s (load {load})")
    medians = []
    for label, seconds in times.items():
        median = statistics.median(seconds)
        medians.append(median)
        print(f"{label:<44} median {median:8.2f} s, {records / median:,.0f} records/s")
    return medians[0], medians[1]


def use_scratch_database() -> str:
    original = settings.DATABASES["default"]["NAME"]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {BENCH_DB}")
    connections.close_all()
    settings.DATABASES["default"]["NAME"] = BENCH_DB
    connections["default"].settings_dict["NAME"] = BENCH_DB
    return original


def drop_scratch_database(original: str) -> None:
    connections.close_all()
    connections["default"].settings_dict["NAME"] = original
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def read_leaf_inputs(size: int) -> int:
    from django.db import transaction

    from decisions.audit import lift_statement_timeout
    from decisions.checkpoints.services import LEAVES_SQL

    count = 0
    with transaction.atomic():
        lift_statement_timeout()
        with connection.connection.cursor(name="bench_leaves") as cursor:
            cursor.itersize = 10000
            cursor.execute(LEAVES_SQL, {"size": size})
            for _row in cursor:
                count += 1
    return count


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    original = use_scratch_database()
    folder = Path(tempfile.mkdtemp(prefix="bench_audit_"))
    try:
        call_command("migrate", verbosity=0)
        print(f"Generating {rows:,} decisions (chain trigger on every row)...")
        seconds = generate(rows)
        print(f"  inserted in {seconds:.1f} s: {rows / seconds:,.0f} rows/s (load {loadavg()})")

        from decisions.audit import chain_head, verify_chain
        from decisions.checkpoints import services
        from decisions.models import Decision

        key = folder / "log.key"
        services.keypair_write(path=key)
        settings.AUDIT_SIGNING_KEY_FILE = str(key)
        settings.AUDIT_WITNESS = str(folder / "witness")
        services._load_private.cache_clear()
        size, _hash = chain_head()
        connection.ensure_connection()

        base, count = timed("baseline: read every leaf input", lambda: read_leaf_inputs(size), size)
        assert count == size
        made, checkpoint = timed(
            "checkpoint_create (root + sign + witness)", services.checkpoint_create, size
        )
        print(f"  ratio checkpoint / baseline read: {made / base:.2f}")

        middle = Decision.objects.get(chain_seq=size // 2)
        proving, proof = timed(
            "inclusion_proof (middle decision)", lambda: services.inclusion_proof(decision=middle)
        )
        print(
            f"  ratio proof / baseline read: {proving / base:.2f};"
            f" path of {len(proof['inclusion_path'])} hashes"
        )

        witness = folder / "witness" / services.WITNESS_FILE
        plain, anchored = interleaved(
            ("baseline: verify_chain without checkpoints", verify_chain),
            (
                "verify_log with checkpoints (db + witness)",
                lambda: services.verify_log(witness_files=(witness,)),
            ),
            size,
        )
        print(f"  ratio verify with checkpoints / without: {anchored / plain:.2f}")

        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
        import tlog_ed25519
        import verify_proof

        public = tlog_ed25519.load_public_key(Path(f"{key}.pub").read_text())
        _offline, problems = timed(
            "scripts/verify_proof.py check (offline)", lambda: verify_proof.check(proof, public)
        )
        assert problems == [], problems
        (folder / "proof.json").write_text(json.dumps(proof))
        print(f"Checkpoint: {checkpoint.size:,} records, root {checkpoint.merkle_root[:16]}...")
    finally:
        drop_scratch_database(original)


if __name__ == "__main__":
    main()
