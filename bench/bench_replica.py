"""Benchmark: what moving exports to a read replica takes off the primary, and how far it lags.

    .venv/bin/python bench/bench_replica.py [--rows 100000] [--seconds 15] [--runs 3]

Starts its own PostgreSQL primary and a streaming standby made with ``pg_basebackup -R`` (the
test's ``tests/replica/cluster.py``, in a temporary folder, removed at the end), migrates the
primary and generates ROWS decisions through the chain trigger. Then, in turns, for SECONDS each:

* ``writes alone``: 8 connections recording chained decisions on the primary (bench_chain's insert);
* ``exports on primary``: the same, while one thread exports every decision again and again
  through ``decisions.exports.export_stream`` (the download view's code path) from the primary;
* ``exports on replica``: the same, the export reading the standby (``DATABASE_REPLICA_URL``).

Printed for each run: chained inserts/s, export rows/s, the standby's lag as the app measures it
(``decisions.replica.LAG_SQL``, sampled every 0.2 s: median and max), and the load average; then
the median of the runs and the ratio of inserts/s against ``writes alone`` in the same run.

Both servers run on this machine and share its cores: the replica here takes the export's locks,
buffers and connection off the primary, not its CPU. On a replica of its own the export's CPU
leaves the primary too, so the ratio here is a floor. Not collected by pytest.
"""

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench.common import loadavg  # noqa: E402
from tests.replica.cluster import Cluster, bin_dir  # noqa: E402

BATCH = 5000
KINDS = ("writes alone", "exports on primary", "exports on replica")


def setup_django(cluster: Cluster) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="sharing_wizard.settings",
        SECRET_KEY="bench-" + "x" * 50,
        DATABASE_URL=cluster.primary.url("app"),
        DATABASE_REPLICA_URL=cluster.standby.url("app"),
        DATABASE_REPLICA_MAX_LAG="3600",  # measured here, not acted on
        LOG_LEVEL="WARNING",
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, check=True)
    import django

    django.setup()


def generate(rows: int) -> tuple[int, int]:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from decisions.models import Team

    author = get_user_model().objects.create_user(username=f"bench-{uuid.uuid4().hex[:6]}")
    team = Team.objects.create(name="Bench team")
    team.members.add(author)
    with connection.cursor() as cursor:
        for first in range(1, rows + 1, BATCH):
            cursor.execute(
                """
            INSERT INTO decisions_decision (reference, submission_key, author_id, team_id, case_reference,
                outcome, flowchart_version, route, answers, form_data, emergency, needs_attention, rationale,
                lawful_basis, special_category_condition, recipient_organisation, advice_from, created_at)
            SELECT 'B-' || lpad(g::text, 9, '0'), gen_random_uuid(), %s, %s, 'CASE-' || g, 'share', '2018',
                   '["triage", "purpose", "consent"]', '{"triage": {"answer": "no"}}', '{}', false, false,
                   'The answers support this decision, case ' || g, '6-1-e', 'sch1-18',
                   'Children''s social care', '', now() - make_interval(secs => %s - g)
              FROM generate_series(%s, %s) g
            """,
                [author.pk, team.pk, rows, first, min(first + BATCH - 1, rows)],
            )
    return author.pk, team.pk


def export_loop(user, on_replica: bool, stop: threading.Event, rows: list[int]) -> None:
    from django.db import connections

    from decisions import replica
    from decisions.exports import ExportSpec, export_stream

    try:
        while not stop.is_set():
            with replica.replica_reads() if on_replica else contextlib.nullcontext():
                stream = export_stream(spec=ExportSpec(), user=user, token=uuid.uuid4())
            for chunk in stream:
                rows.append(chunk.count(b"\n"))  # one line a row (no line breaks in these rows)
                if stop.is_set():
                    stream.close()
                    break
    finally:
        connections.close_all()


def lag_sampler(cluster: Cluster, stop: threading.Event, lags: list[float]) -> None:
    import psycopg

    from decisions.replica import LAG_SQL

    with psycopg.connect(cluster.standby.url("app"), autocommit=True) as conn:
        while not stop.is_set():
            lags.append(float(conn.execute(LAG_SQL).fetchone()[0] or 0))
            time.sleep(0.2)


def one_run(cluster: Cluster, kind: str, seconds: float, author: int, team: int) -> dict:
    from bench_chain import run as chained_inserts
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=author)
    stop, rows, lags = threading.Event(), [], []
    threads = [threading.Thread(target=lag_sampler, args=(cluster, stop, lags))]
    if kind != "writes alone":
        threads.append(
            threading.Thread(target=export_loop, args=(user, kind.endswith("replica"), stop, rows))
        )
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    inserts = chained_inserts(cluster.primary.url("app"), 8, seconds, True, author, team)
    elapsed = time.perf_counter() - started
    stop.set()
    for thread in threads:
        thread.join()
    return {
        "inserts": inserts,
        "export_rows": sum(rows) / elapsed,
        "lag_median": statistics.median(lags) if lags else 0.0,
        "lag_max": max(lags, default=0.0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    bins = bin_dir()
    if bins is None:
        sys.exit("No PostgreSQL binaries (initdb, pg_ctl, pg_basebackup) found.")
    cluster = Cluster(bins)
    try:
        cluster.start_primary()
        cluster.primary.query("CREATE DATABASE app")
        cluster.start_standby()
        setup_django(cluster)
        author, team = generate(args.rows)
        cluster.wait_replayed()
        print(f"{bins}; {args.rows:,} decisions; {args.seconds:g} s a run; load {loadavg()}", flush=True)
        figures = {kind: [] for kind in KINDS}
        for n in range(args.runs):
            for kind in KINDS:
                result = one_run(cluster, kind, args.seconds, author, team)
                figures[kind].append(result)
                print(
                    f"  run {n + 1} {kind:19}: {result['inserts']:7.1f} inserts/s, export"
                    f" {result['export_rows']:8.0f} rows/s, lag median {result['lag_median']:.2f} s"
                    f" max {result['lag_max']:.2f} s  load {loadavg()}",
                    flush=True,
                )
        alone = statistics.median(r["inserts"] for r in figures["writes alone"])
        print(f"median of {args.runs} (load {loadavg()}):")
        for kind in KINDS:
            runs = figures[kind]
            inserts = statistics.median(r["inserts"] for r in runs)
            print(
                f"  {kind:19}: {inserts:7.1f} inserts/s ({inserts / alone:.2f}x writes alone),"
                f" export {statistics.median(r['export_rows'] for r in runs):8.0f} rows/s,"
                f" lag median {statistics.median(r['lag_median'] for r in runs):.2f} s,"
                f" max {max(r['lag_max'] for r in runs):.2f} s"
            )
    finally:
        from django.db import connections

        connections.close_all()
        cluster.close()


if __name__ == "__main__":
    main()
