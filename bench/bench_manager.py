"""Benchmark: the manager's review queue (first page) and a decision's review page with many decisions.

Creates (or reuses) a separate database, fills it with ``--rows`` decisions in one
``INSERT ... SELECT generate_series`` (with reviews for most of the older ones), then times
``--requests`` requests to each page through Django's test client (server time, no network) and
prints p50/p95, the SQL query count and the app's CPU time a request (less sensitive to other
work on the machine than the times) of each page: the median of ``--runs`` runs (3), each
printed with /proc/loadavg. Not run by pytest.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/bench_manager.py --rows 1000000 --requests 200 [--reload]

Against a baseline in the same run: ``--baseline DIR`` (an export of an older commit, e.g.
``git archive <commit> | tar -x -C DIR``) runs that tree's own bench_manager.py on
``--baseline-db`` (a copy of the bench database before this tree's migrations, e.g.
``CREATE DATABASE b TEMPLATE a`` made before migrating ``a``), one run of each in turn, and prints
both medians and the ratio of the p95s.

The queue's indexes come with the migrations (0006_review_queue_indexes).
The rows go through the database's own insert triggers (the audit hash chain), so loading a
million takes a few minutes.
"""

import argparse
import importlib
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import database_url, loadavg  # noqa: E402

TEAMS = 20
PRACTITIONERS_PER_TEAM = 10
BENCH_DB = os.environ.get("BENCH_DB", "sharing_wizard_bench")  # a name of your own on a shared server


def load(rows: int) -> None:
    """Users, teams, and ``rows`` decisions over two years; reviews for 95% of those older than 30 days."""
    from django.contrib.auth.models import Group, User
    from django.db import connection

    from decisions.models import Decision, Role, Team
    from tests.manager.conftest import ROUTING, cleaned_answers

    Decision.objects.exists() and print("  (tables not empty: use --reload to start again)")
    password = "bench-password-123"  # noqa: S105 - a throwaway bench database
    manager = User.objects.create_user("bench-manager", password=password, first_name="Bench")
    manager.groups.add(Group.objects.get(name=Role.MANAGER))
    teams = [Team.objects.create(name=f"Bench team {n:02d}") for n in range(TEAMS)]
    teams[0].members.add(manager)
    practitioner_group = Group.objects.get(name=Role.PRACTITIONER)
    for team in teams:
        for n in range(PRACTITIONERS_PER_TEAM):
            user = User.objects.create_user(f"bench-{team.pk}-{n}", first_name=f"P{n}", last_name=team.name)
            user.groups.add(practitioner_group)
            team.members.add(user)

    import json

    from decisions.questions import registry
    from decisions.services import json_value
    from tests.manager.conftest import CONSENT_CONDITIONS

    answers, form_data, _ = cleaned_answers(
        registry.get(registry.DEFAULT_KEY),
        ROUTING["share"],
        {
            **CONSENT_CONDITIONS,
            "consent": {"consent_details": "The parent agreed by phone; noted on the file."},
        },
    )
    answers = {step: {k: json_value(v) for k, v in fields.items()} for step, fields in answers.items()}
    route = list(answers)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        columns = {
            c.name for c in connection.introspection.get_table_description(cursor, "decisions_decision")
        }
        chained = "chain_hash" in columns
        if chained:  # skip the per-row hash-chain trigger; stand-in chain values instead
            cursor.execute("SET session_replication_role = replica")
        chain_cols = ", chain_seq, chain_prev, chain_hash, content_hash" if chained else ""
        chain_vals = (
            ", g, md5(g::text) || md5(g::text), md5((g + 1)::text) || md5(g::text),"
            " md5(g::text) || md5(g::text)"
        )
        review_vals = (
            ", 100000000 + d.id, md5(d.id::text) || md5(d.id::text), md5(d.id::text) || md5(d.id::text),"
            " md5(d.id::text) || md5(d.id::text)"
        )
        cursor.execute(
            f"""
            WITH authors AS (
                SELECT row_number() OVER (ORDER BY u.id) - 1 AS n, u.id AS user_id, m.team_id
                FROM auth_user u JOIN decisions_team_members m ON m.user_id = u.id
                WHERE u.username LIKE 'bench-%%-%%'
            ), counts AS (SELECT count(*) AS c FROM authors)
            INSERT INTO decisions_decision (
                reference, submission_key, author_id, team_id, case_reference, outcome, flowchart_version,
                route, answers, form_data, emergency, needs_attention, rationale, lawful_basis,
                special_category_condition, recipient_organisation, advice_from, created_at {chain_cols}
            )
            SELECT
                'B-' || lpad(to_hex(g), 8, '0'),
                md5(g::text)::uuid,
                a.user_id, a.team_id,
                'CASE-' || (g %% 50000),
                CASE WHEN g %% 10 < 6 THEN 'share' WHEN g %% 10 < 9 THEN 'do-not-share'
                     ELSE 'awaiting-advice' END,
                '2024.1', %s::jsonb, %s::jsonb, %s::jsonb,
                g %% 33 = 0,
                g %% 33 = 0 AND g %% 10 BETWEEN 6 AND 8,
                'Bench rationale ' || g, '6-1-e', '', 'Children''s social care', '',
                now() - make_interval(secs => (%s - g) * (63072000.0 / %s)) {chain_vals}
            FROM generate_series(1, %s) AS g
            JOIN authors a ON a.n = g %% (SELECT c FROM counts)
            """,
            [json.dumps(route), json.dumps(answers), json.dumps(form_data), rows, rows, rows],
        )
        cursor.execute(
            """
            INSERT INTO decisions_reviewevent (
                decision_id, reviewer_id, action, comment, escalation_route, created_at {chain_cols}
            )
            SELECT d.id, %s, 'endorse', 'Bench endorsement', '',
                   d.created_at + interval '2 days' {review_vals}
            FROM decisions_decision d
            WHERE d.created_at < now() - interval '30 days' AND d.id %% 20 <> 0
              AND d.outcome <> 'awaiting-advice'
            """.format(chain_cols=chain_cols, review_vals=review_vals if chained else ""),
            [manager.pk],
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        if "decisions_decisionday" in connection.introspection.table_names(cursor):
            # The day counts the insert trigger keeps (migration 0015), skipped with the triggers:
            # filled as the migration fills them for the decisions recorded before it.
            day_counts = importlib.import_module("decisions.migrations.0015_decision_days")
            cursor.execute(day_counts.BACKFILL.replace("@S.", ""))
        # What autovacuum does to a table that only grows: statistics, and the visibility map that
        # lets the covering indexes answer without reading the table.
        cursor.execute("VACUUM (ANALYZE)")
    print(f"  loaded {rows:,} decisions in {time.perf_counter() - started:.1f} s")


def timed(client, url: str, requests: int) -> tuple[float, float, int, float]:
    """p50 and p95 in ms, SQL statements, and the app's CPU time a request in ms (this process:
    Python, templates, the database driver; not the database server's)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):  # warm up: connection pool, caches
        client.get(url)
    samples = []
    cpu = time.process_time()
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    cpu_ms = (time.process_time() - cpu) * 1000 / requests
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    p95 = statistics.quantiles(samples, n=100)[94] if len(samples) >= 20 else max(samples)
    return statistics.median(samples), p95, len(queries), cpu_ms


HEADER = f"  {'page':40} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'app CPU ms':>10}"


def row(name: str, p50: float, p95: float, queries: int, cpu: float | None) -> str:
    return f"  {name:40} {p50:8.1f} {p95:8.1f} {queries:8d} {'-' if cpu is None else f'{cpu:.1f}':>10}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reload", action="store_true", help="drop the bench database and load it again")
    parser.add_argument("--baseline", type=Path, help="a tree of an older commit to compare with, run by run")
    parser.add_argument(
        "--baseline-db", help="the bench database the baseline tree reads (loaded, not migrated)"
    )
    args = parser.parse_args()
    if args.baseline and not args.baseline_db:
        parser.error("--baseline needs --baseline-db")

    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.exit("Set DATABASE_URL to a PostgreSQL server the bench may create a database on.")
    if args.reload:
        import psycopg

        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    os.environ["DATABASE_URL"] = database_url(base, BENCH_DB)
    os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")  # loading a million rows takes minutes
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sharing_wizard.settings_test")
    os.environ.setdefault("AXES_ENABLED", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from decisions.models import Decision

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="bench-manager").exists():
        load(args.rows)
    total = Decision.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE decisions_decision")

    manager = User.objects.get(username="bench-manager")
    client = Client()
    client.force_login(manager)
    from tests.conftest import verify_second_factor

    verify_second_factor(client, manager)  # managers sign in with two-factor
    from decisions import reviews

    recent = reviews.review_queue(manager).first()
    pages = {
        "review queue, first page": reverse("manager:queue"),
        "queue, all decisions, sorted by case": reverse("manager:queue") + "?section=all&sort=case",
        "queue, emergency section": reverse("manager:queue") + "?section=emergency",
        "decision review page": reverse("manager:review", args=[recent.reference]),
        "dashboard, 12 months": reverse("manager:dashboard") + "?period=365",
    }
    print(f"{total:,} decisions; manager's teams hold {reviews.team_decisions(manager).count():,}")
    print(f"indexes as migrated; {args.requests} requests a page")
    results = {name: [] for name in pages}
    baseline = {name: [] for name in pages}
    for run in range(args.runs):
        if args.baseline:
            print(
                f"run {run + 1}, baseline {args.baseline} on {args.baseline_db}, load {loadavg()}", flush=True
            )
            for name, figures in baseline_run(args, base).items():
                baseline[name].append(figures)
        print(f"run {run + 1}, load {loadavg()}")
        print(HEADER)
        for name, url in pages.items():
            figures = timed(client, url, args.requests)
            results[name].append(figures)
            print(row(name, *figures) + f"   load {loadavg()}", flush=True)
    print(f"median of {args.runs} runs (load now {loadavg()})")
    print(HEADER)
    for name, runs in results.items():
        print(row(name, *medians(runs)))
    if args.baseline:
        print(f"baseline, median of {args.runs} runs, and the ratio of this tree's figure to the baseline's")
        print(HEADER + f" {'p95 ratio':>10} {'CPU ratio':>10}")
        for name, runs in baseline.items():
            if not runs:
                continue
            p50, p95, queries, cpu = medians(runs)
            ours = medians(results[name])
            cpu_ratio = f"{ours[3] / cpu:9.2f}x" if cpu else "-"
            print(row(name, p50, p95, queries, cpu) + f" {ours[1] / p95:9.2f}x {cpu_ratio:>10}")


def medians(runs: list[tuple]) -> tuple[float, float, int, float | None]:
    cpu = [r[3] for r in runs if r[3] is not None]
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        runs[-1][2],
        statistics.median(cpu) if cpu else None,
    )


def baseline_run(args, base: str) -> dict[str, tuple[float, float, int, float | None]]:
    """One run of the baseline tree's bench on its database: {page: (p50, p95, queries, CPU)}."""
    import subprocess

    env = {
        **os.environ,
        "DATABASE_URL": base,
        "BENCH_DB": args.baseline_db,
        "DATABASE_STATEMENT_TIMEOUT": "0",
    }
    command = [sys.executable, str(args.baseline / "bench" / "bench_manager.py")]
    command += ["--runs", "1", "--requests", str(args.requests), "--rows", str(args.rows)]
    output = subprocess.run(  # noqa: S603 (our own interpreter and a tree the user named)
        command, env=env, cwd=args.baseline, capture_output=True, text=True, check=True
    )
    table = output.stdout.split("median of 1 runs", 1)[1].splitlines()[2:]
    figures = {}
    for line in table:  # name p50 p95 queries [app CPU] (an older bench has no CPU column)
        parts = line.split()
        if len(parts) < 4:
            continue
        if parts[-1].isdigit():
            figures[" ".join(parts[:-3])] = (float(parts[-3]), float(parts[-2]), int(parts[-1]), None)
        else:
            cpu = None if parts[-1] == "-" else float(parts[-1])
            figures[" ".join(parts[:-4])] = (float(parts[-4]), float(parts[-3]), int(parts[-2]), cpu)
    print("  baseline: " + ", ".join(f"{n} p95 {f[1]:.1f}" for n, f in figures.items()), flush=True)
    return figures


if __name__ == "__main__":
    main()
