"""Where a wizard page's time goes: walk whole routes in-process (Django's test client, DEBUG off,
production settings as bench_wizard.py serves them) under cProfile, and print the CPU time a page,
the functions that take it and, when PostgreSQL runs on this machine, the CPU its backend spent
on the pages (from /proc). Not run by pytest; a tool for finding what to make faster.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/profile_wizard.py [--walks 20] [--top 40]
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_wizard import BENCH_DB, SESSION_COOKIE, prepare, routes, server_env  # noqa: E402
from bench.common import backend_cpu, database_url, loadavg, walk_to_recording  # noqa: E402


def walk(client, routing: dict, extra: dict) -> int:
    """One whole route, GET and POST of every page, then the recording request: pages requested."""
    pages, recording = walk_to_recording(client, routing, extra)
    client.get(recording)
    return pages


def database_cpu() -> float | None:
    """Seconds of CPU the PostgreSQL backend serving this process has used (``backend_cpu``)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return backend_cpu(cursor.fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--walks", type=int, default=20)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--no-profile", action="store_true", help="only the CPU time a page")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    os.environ.update(server_env(database_url(base, BENCH_DB)))
    os.environ["DJANGO_SETTINGS_MODULE"] = "sharing_wizard.settings"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    jar = prepare(1)[0]
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=False, secure=True)
    client.cookies[SESSION_COOKIE] = jar[SESSION_COOKIE]
    pairs = routes()
    walk(client, *pairs[0])  # warm: imports, templates, caches
    profile = cProfile.Profile()
    pages = 0
    database = database_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    if not args.no_profile:
        profile.enable()
    for n in range(args.walks):
        pages += walk(client, *pairs[n % len(pairs)])
    profile.disable()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = database_cpu()
    how = "unprofiled" if args.no_profile else "profiled"
    print(f"{pages} pages: {1000 * wall / pages:.1f} ms wall, {1000 * cpu / pages:.1f} ms CPU a page ({how})")
    if database is not None and after is not None:
        print(f"PostgreSQL: {1000 * (after - database) / pages:.2f} ms of its CPU a page")
    print(f"load average {loadavg()}")
    if args.no_profile:
        return
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
