"""Where a wizard page's time goes: walk whole routes in-process (Django's test client, DEBUG off,
production settings as bench_wizard.py serves them) under cProfile, and print the CPU time a page
and the functions that take it. Not run by pytest; a tool for finding what to make faster.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/profile_wizard.py [--walks 20] [--top 40]
"""

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_wizard import (  # noqa: E402
    SESSION_COOKIE,
    bench_database_url,
    loadavg,
    prepare,
    routes,
    server_env,
)


def walk(client, routing: dict, extra: dict) -> int:
    """One whole route, GET and POST of every page, then the recording request: pages requested."""
    from tests.wizard import step_data

    pages = 1
    response = client.post("/decisions/new/", step_data("triage"))
    location = response["Location"]
    while True:
        path = urlsplit(location).path
        assert client.get(path).status_code == 200, path
        step = re.search(r"/([a-z-]+)/$", path)[1]
        overrides = dict(extra.get(step, {}))
        if step in routing:
            overrides["answer"] = routing[step]
        response = client.post(path, step_data(step, overrides))
        assert response.status_code == 302, (path, response.status_code)
        pages += 2
        location = response["Location"]
        if step == "check":
            client.get(urlsplit(location).path)
            return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--walks", type=int, default=20)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--no-profile", action="store_true", help="only the CPU time a page")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    os.environ.update(server_env(bench_database_url(base)))
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
    started, cpu = time.perf_counter(), time.process_time()
    if not args.no_profile:
        profile.enable()
    for n in range(args.walks):
        pages += walk(client, *pairs[n % len(pairs)])
    profile.disable()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    how = "unprofiled" if args.no_profile else "profiled"
    print(f"{pages} pages: {1000 * wall / pages:.1f} ms wall, {1000 * cpu / pages:.1f} ms CPU a page ({how})")
    print(f"load average {loadavg()}")
    if args.no_profile:
        return
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
