"""Benchmark: what the hash chain costs an insert, at 1 and 8 connections.

Each connection inserts decisions one statement at a time (autocommit, as the service records
them: one decision, one transaction) for ``--seconds``:
- chained: the insert goes through the chain trigger, which locks the chain's head row, so
  concurrent inserts queue behind one another;
- plain: the same insert with triggers switched off for the session
  (``session_replication_role = replica``) and stand-in chain values, i.e. the same row without
  its chain.
- chained, no day count: chained, with the dashboard's day-count trigger (``zz_decision_day``,
  migration 0015) switched off for the run (``ALTER TABLE``: the bench's own database only), to
  show what that trigger adds to an insert.
Runs alternate (plain, chained, chained with no day count, plain, ...); printed: inserts/s of each
run with /proc/loadavg, then the medians and the ratios chained/plain and chained/no day count.
The rows go into the wizard bench's database (bench/bench_wizard.py makes it and its
practitioners: run that first). The plain rows and those inserted with the day count off leave that
database's chain and day counts unlike a real log's: it is for benches only. Not run by pytest.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_chain.py
"""

import argparse
import contextlib
import itertools
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import loadavg  # noqa: E402

BENCH_DB = "perf_bench_wizard"

INSERT = """
INSERT INTO decisions_decision (
    reference, submission_key, author_id, team_id, case_reference, outcome, flowchart_version,
    route, answers, form_data, emergency, needs_attention, rationale, lawful_basis,
    special_category_condition, recipient_organisation, advice_from, created_at {chain_cols}
) VALUES (
    'C-' || %(n)s, md5(%(n)s::text || random()::text)::uuid, %(author)s, %(team)s, 'CASE-BENCH', 'share',
    '2024.1', %(route)s::jsonb, %(answers)s::jsonb, '{{}}'::jsonb, false, false, 'Bench rationale',
    '6-1-e', '', 'Children''s social care', '', now() {chain_vals}
)
"""
PLAIN_CHAIN = (
    ", chain_seq, chain_prev, chain_hash, content_hash",
    ", %(n)s, md5(%(n)s::text) || md5(%(n)s::text), md5(%(n)s::text) || md5(%(n)s::text),"
    " md5(%(n)s::text) || md5(%(n)s::text)",
)
counter = itertools.count(int(time.time() * 1000) * 1000)
counter_lock = threading.Lock()


def run(url: str, connections: int, seconds: float, chained: bool, author: int, team: int) -> float:
    sql = (
        INSERT.format(chain_cols="", chain_vals="")
        if chained
        else INSERT.format(chain_cols=PLAIN_CHAIN[0], chain_vals=PLAIN_CHAIN[1])
    )
    route = json.dumps(["triage", "purpose", "engage", "lawful-basis", "rationale", "check"])
    answers = json.dumps({"triage": {"answer": "no"}, "purpose": {"answer": "yes"}})
    counts = [0] * connections
    stop = time.perf_counter() + seconds
    ready = threading.Barrier(connections + 1)

    def worker(i: int) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            if not chained:
                conn.execute("SET session_replication_role = replica")
            ready.wait()
            while time.perf_counter() < stop:
                with counter_lock:
                    n = next(counter)
                conn.execute(
                    sql, {"n": n, "author": author, "team": team, "route": route, "answers": answers}
                )
                counts[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    stop = started + seconds
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", default="1,8")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.exit("Set DATABASE_URL to the PostgreSQL server bench/bench_wizard.py used.")
    url = urlunsplit(urlsplit(base)._replace(path=f"/{BENCH_DB}"))
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT m.user_id, m.team_id FROM decisions_team_members m JOIN auth_user u ON u.id = m.user_id"
            " WHERE u.username LIKE 'bench-wizard-%' LIMIT 1"
        ).fetchone()
    if row is None:
        sys.exit("Run bench/bench_wizard.py first: it makes the database and its practitioners.")
    author, team = row
    print(f"hash chain cost, {args.seconds:.0f} s a run; load {loadavg()}")
    for connections in [int(c) for c in args.connections.split(",")]:
        figures = {"plain": [], "chained": [], "no day count": []}
        for n in range(args.runs):
            for kind in figures:
                with day_count_trigger(url, enabled=kind != "no day count"):
                    rate = run(url, connections, args.seconds, kind != "plain", author, team)
                figures[kind].append(rate)
                print(
                    f"  {connections} conn run {n + 1} {kind:12}: {rate:8.1f} inserts/s  load {loadavg()}",
                    flush=True,
                )
        plain, chained = statistics.median(figures["plain"]), statistics.median(figures["chained"])
        uncounted = statistics.median(figures["no day count"])
        print(
            f"{connections} connection(s), median of {args.runs}: plain {plain:.1f}/s,"
            f" chained {chained:.1f}/s, chained with no day count {uncounted:.1f}/s;"
            f" chained/plain {chained / plain:.2f}x, chained/no day count {chained / uncounted:.2f}x"
            f"  (load {loadavg()})"
        )


@contextlib.contextmanager
def day_count_trigger(url: str, *, enabled: bool):
    """The dashboard's day-count trigger switched off for a run (and on again), where it exists."""
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'zz_decision_day'").fetchone()
        if exists and not enabled:
            conn.execute("ALTER TABLE decisions_decision DISABLE TRIGGER zz_decision_day")
        try:
            yield
        finally:
            if exists:
                conn.execute("ALTER TABLE decisions_decision ENABLE TRIGGER zz_decision_day")


if __name__ == "__main__":
    main()
