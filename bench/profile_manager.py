"""Profile the manager's pages on a bench database: every SQL statement with its time, the
EXPLAIN (ANALYZE, BUFFERS) of the slow ones, and a Python profile of the view.

Uses the database ``bench/bench_manager.py`` loaded (``BENCH_DB``). Not run by pytest.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_DB=manager_bench \\
        .venv/bin/python bench/profile_manager.py [queue review dashboard ...] [--explain-ms 5] [--profile]
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("pages", nargs="*")
    parser.add_argument(
        "--explain-ms", type=float, help="EXPLAIN (ANALYZE, BUFFERS) the SELECTs slower than this"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile five requests of each page")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.exit("Set DATABASE_URL (and BENCH_DB) as for bench/bench_manager.py.")
    parts = urlsplit(base)
    os.environ["DATABASE_URL"] = urlunsplit(
        parts._replace(path="/" + os.environ.get("BENCH_DB", "sharing_wizard_bench"))
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sharing_wizard.settings_test")
    os.environ.setdefault("AXES_ENABLED", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from decisions import reviews
    from tests.conftest import verify_second_factor

    manager = User.objects.get(username="bench-manager")
    client = Client()
    client.force_login(manager)
    verify_second_factor(client, manager)
    recent = reviews.review_queue(manager).first()
    pages = {
        "queue": reverse("manager:queue"),
        "all-by-case": reverse("manager:queue") + "?section=all&sort=case",
        "emergency": reverse("manager:queue") + "?section=emergency",
        "review": reverse("manager:review", args=[recent.reference]),
        "dashboard": reverse("manager:dashboard") + "?period=365",
    }
    for name in args.pages or pages:
        url = pages[name]
        for _ in range(3):
            client.get(url)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            total = (time.perf_counter() - started) * 1000
        sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        print(f"=== {name} ({response.status_code}): {total:.1f} ms, SQL {sql_ms:.1f} ms in {len(queries)}")
        for query in queries.captured_queries:
            print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:150]}")
        for query in queries.captured_queries:
            slow = args.explain_ms is not None and float(query["time"]) * 1000 >= args.explain_ms
            if slow and query["sql"].lstrip().upper().startswith(("SELECT", "(SELECT")):
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    print("\n".join(row[0] for row in cursor.fetchall()))
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(5):
                client.get(url)
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(40)
            print(out.getvalue())


if __name__ == "__main__":
    main()
