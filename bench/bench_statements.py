"""Benchmark: what the reads and writes every wizard page makes cost PostgreSQL, bound on the client
(Django's default) against bound on the server and prepared (DATABASE_PREPARED_STATEMENTS, the
service's default).

Two connections to the same database, one of each kind, run each statement in turn, three times
each way; printed for each statement: the PostgreSQL backend's CPU a statement (from /proc, so the
server must run on this machine) and the wall time, the median of the three, and the ratio of
prepared to client-bound. The statements are the service's own: the session read, the signed-in
user's query (``decisions.accounts.backends``), the draft read and the draft write. Not run by
pytest.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/bench_statements.py [--repeat 1000]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_wizard import BENCH_DB, SESSION_COOKIE, prepare, server_env  # noqa: E402
from bench.common import backend_cpu, database_url, loadavg  # noqa: E402


def measure(conn, sql: str, params: list, repeat: int) -> tuple[float, float]:
    """(backend CPU, wall) in µs a statement, over ``repeat`` runs after a warm-up."""
    for _ in range(10):
        conn.execute(sql, params)
    pid = conn.info.backend_pid
    cpu, wall = backend_cpu(pid), time.perf_counter()
    for _ in range(repeat):
        conn.execute(sql, params)
    return 1e6 * (backend_cpu(pid) - cpu) / repeat, 1e6 * (time.perf_counter() - wall) / repeat


def medians(measures: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(cpu for cpu, _ in measures), statistics.median(wall for _, wall in measures)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    url = database_url(base, BENCH_DB)
    os.environ.update(server_env(url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "sharing_wizard.settings"
    jar = prepare(1)[0]

    import psycopg
    from django.contrib.auth.models import User
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    from decisions.accounts.backends import _user_sql
    from decisions.models import Draft
    from decisions.selectors import DRAFT_SQL
    from decisions.services import DRAFT_SAVE_SQL
    from sharing_wizard.sessions import READ_SQL

    user = User.objects.get(username="bench-wizard-0")
    draft = Draft.objects.filter(author=user).order_by("-updated_at").first()
    if draft is None:
        draft = Draft.objects.create(author=user, data={"step": "triage", "step_data": {}})
    now = timezone.now()
    statements = [  # the service's own statements
        ("session read", READ_SQL.format(table=Session._meta.db_table), [jar[SESSION_COOKIE], now]),
        ("user read", _user_sql(), [user.pk]),
        ("draft read", DRAFT_SQL, [draft.pk, user.pk, now - timezone.timedelta(days=30)]),
        ("draft write", DRAFT_SAVE_SQL, [Jsonb(draft.data), now, draft.pk]),
    ]
    client = psycopg.connect(
        url, autocommit=True, cursor_factory=psycopg.ClientCursor, prepare_threshold=None
    )
    prepared = psycopg.connect(url, autocommit=True, prepare_threshold=0)
    print(f"{args.repeat} runs of each statement a measure, {args.runs} measures each way; load {loadavg()}")
    for name, sql, params in statements:
        figures = {"client": [], "prepared": []}
        for _ in range(args.runs):
            figures["client"].append(measure(client, sql, params, args.repeat))
            figures["prepared"].append(measure(prepared, sql, params, args.repeat))
        (c_cpu, c_wall), (p_cpu, p_wall) = medians(figures["client"]), medians(figures["prepared"])
        print(
            f"{name:12s}  client-bound: PostgreSQL {c_cpu:6.1f} µs CPU, {c_wall:6.1f} µs wall   "
            f"prepared: {p_cpu:6.1f} µs CPU, {p_wall:6.1f} µs wall   "
            f"ratio CPU {p_cpu / c_cpu if c_cpu else float('nan'):.2f}x, wall {p_wall / c_wall:.2f}x"
        )
    print(f"load average {loadavg()}")


if __name__ == "__main__":
    main()
