"""Benchmark: a wizard page against a bare Django view that reads and writes a database session.

Both are served by gunicorn with the same options (2 workers x 4 threads, DEBUG off), against the
same PostgreSQL, with the service's own database, pool and session settings (the bare project is
bench/bare/). Both servers are up for the whole run, and the clients turn from one to the other
every few seconds (``--slices`` turns each way a run, the order swapped each time), so the two
are measured in the same stretch of time: on a shared machine whose speed changes from one half
minute to the next, a run of each in turn gave ratios from 0.34 to 0.55 for the same code. Eight
clients (threads in this process, keep-alive connections) each sign in as a practitioner in a
team and walk whole routes of the default question set: one share, one do-not-share, and so on,
GETting every page and POSTing its answers, up to the request that records the decision. The bare
clients request the bare view as fast as they can. Every run starts with a VACUUM of the bench's
database (the machine's PostgreSQL has autovacuum off; see ``bench.common.vacuum``).

Printed for each run: page requests/s, p50/p95/p99 of the page requests (the recording request
is timed apart), decisions/s, /proc/loadavg and the run's ratio of the wizard's page requests/s
to the bare view's; at the end the median of the runs. Not run by pytest.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/bench_wizard.py [--runs 3] [--seconds 20] [--slices 5] [--clients 8]
"""

import argparse
import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import database_url as database_url_of  # noqa: E402
from bench.common import loadavg, vacuum  # noqa: E402

BENCH_DB = "perf_bench_wizard"
PORTS = {"bare": 8731, "wizard": 8732}
WARM_UP = 5.0
SESSION_COOKIE = "__Host-sessionid"
CSRF_COOKIE = "__Host-csrftoken"
# Requests a bare client makes on one connection: about as many as a wizard walk (a share route
# is 15 pages, each a GET and a POST, and the recording request).
BARE_WALK = 30


def server_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="bench-only-" + "s" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.pop("DEBUG", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def prepare(clients: int) -> list[dict]:
    """Practitioners in a team, each with a signed-in session; returns their cookies."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group, User
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from decisions.accounts.sessions import SIGNED_IN_AT
    from decisions.models import Role, Team

    call_command("migrate", verbosity=0)
    team, _ = Team.objects.get_or_create(name="Bench wizard team")
    group, _ = Group.objects.get_or_create(name=Role.PRACTITIONER)
    assert not settings.TWO_FACTOR_PRACTITIONERS, "the bench signs practitioners in without two-factor"
    jars = []
    for n in range(clients):
        user, created = User.objects.get_or_create(username=f"bench-wizard-{n}")
        if created:
            user.set_password(secrets.token_urlsafe(16))
            user.save()
        user.groups.add(group)
        team.members.add(user)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[SIGNED_IN_AT] = time.time()
        session.create()
        jars.append({SESSION_COOKIE: session.session_key, CSRF_COOKIE: secrets.token_hex(16)})
    return jars


def routes() -> list[tuple[dict, dict]]:
    from tests.manager.conftest import CONSENT_CONDITIONS, ROUTING

    return [(ROUTING["share"], CONSENT_CONDITIONS), (ROUTING["do-not-share"], {})]


class Stop(Exception):
    """The run's time is up (raised between requests, so a walk stops part way)."""


class Browser:
    """One client: a keep-alive connection and a cookie jar. ``log`` gets (finished at, seconds,
    whether it recorded a decision) for every request."""

    def __init__(self, cookies: dict, stop_at: float, log: list, port: int):
        self.cookies = dict(cookies)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.stop_at = stop_at
        self.log = log

    def request(self, method: str, path: str, data: dict | None = None, *, records: bool = False):
        if time.perf_counter() >= self.stop_at:
            raise Stop
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        body = None
        if data is not None:
            body = urlencode({**data, "csrfmiddlewaretoken": self.cookies[CSRF_COOKIE]})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        response.read()
        finished = time.perf_counter()
        elapsed = finished - started
        self.log.append((finished, elapsed, records))
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), elapsed


def wizard_walk(browser: Browser, routing: dict, extra: dict) -> None:
    from tests.wizard import step_data

    status, location, _ = browser.request("POST", "/decisions/new/", step_data("triage"))
    assert status == 302, status
    while True:
        path = urlsplit(location).path
        status, _, _ = browser.request("GET", path)
        assert status == 200, (path, status)
        step = re.search(r"/([a-z-]+)/$", path)[1]
        overrides = dict(extra.get(step, {}))
        if step in routing:
            overrides["answer"] = routing[step]
        status, location, _ = browser.request("POST", path, step_data(step, overrides))
        assert status == 302, (path, status)
        if step == "check":
            status, location, _ = browser.request("GET", urlsplit(location).path, records=True)
            assert status == 302 and "confirmation" in location, (status, location)
            return


def bare_walk(browser: Browser) -> None:
    for _ in range(BARE_WALK):
        status, _, _ = browser.request("GET", "/bare/")
        assert status == 200, status


def start_server(kind: str, database_url: str) -> subprocess.Popen:
    app = "sharing_wizard.wsgi" if kind == "wizard" else "bench.bare.wsgi"
    server = subprocess.Popen(  # noqa: S603 (this checkout's own gunicorn, fixed arguments)
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{PORTS[kind]}",
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT),
            app,
        ],
        env=server_env(database_url),
    )
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", PORTS[kind], timeout=1).request("GET", "/")
            break
        except OSError:
            time.sleep(0.1)
    return server


class Clients:
    """The clients of one kind: their cookie jars and, across slices, every request's timing."""

    def __init__(self, kind: str, jars: list[dict]):
        self.kind = kind
        self.jars = [dict(jar) for jar in jars]
        self.logs: list[list] = [[] for _ in jars]
        self.errors: list[str] = []
        self.walks = [0] * len(jars)
        self.routing = routes()

    def drive(self, seconds: float) -> None:
        """Every client walks for ``seconds``; a walk still going then stops part way."""
        stop = time.perf_counter() + seconds
        threads = [threading.Thread(target=self.client, args=(n, stop)) for n in range(len(self.jars))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def client(self, n: int, stop: float) -> None:
        # A new connection for every walk. A gunicorn worker keeps the connections it accepts,
        # and eight opened at once and kept for the whole run could all land on one of the two
        # workers (seen: 8 and 0, halving that run's figure); a connection a walk lets the
        # connections spread over the workers as a load balancer's would.
        while True:
            browser = Browser(self.jars[n], stop, self.logs[n], PORTS[self.kind])
            try:
                if self.kind == "wizard":
                    path, extra = self.routing[(n + self.walks[n]) % len(self.routing)]
                    wizard_walk(browser, path, extra)
                else:
                    bare_walk(browser)
            except Stop:
                return
            except (AssertionError, OSError, http.client.HTTPException) as error:
                self.errors.append(repr(error)[:200])
            finally:
                browser.conn.close()
                self.jars[n] = browser.cookies
            self.walks[n] += 1

    def figures(self, seconds: float, load: str) -> dict:
        counted = [entry for log in self.logs for entry in log]
        pages = sorted(elapsed for _, elapsed, records in counted if not records)
        recordings = [elapsed for _, elapsed, records in counted if records]
        cut = statistics.quantiles(pages, n=100) if len(pages) > 100 else [max(pages or [0])] * 99
        return {
            "kind": self.kind,
            "rps": len(pages) / seconds,
            "p50": cut[49] * 1000,
            "p95": cut[94] * 1000,
            "p99": cut[98] * 1000,
            "decisions": len(recordings) / seconds,
            "record_p50": statistics.median(recordings) * 1000 if recordings else 0.0,
            "errors": len(self.errors),
            "first_error": self.errors[0] if self.errors else "",
            "load": load,
        }


def run(kinds: tuple[str, ...], jars: list[dict], seconds: float, slices: int, database_url: str) -> dict:
    """One run: each kind's server up, a warm-up of each (not counted), then ``slices`` turns of
    ``seconds / slices`` each way, the order swapped every turn. Returns each kind's figures."""
    vacuum(database_url)  # each run starts from the same tidy tables, whatever ran before it
    servers = [start_server(kind, database_url) for kind in kinds]
    try:
        clients = {kind: Clients(kind, jars) for kind in kinds}
        for kind in kinds:
            clients[kind].drive(WARM_UP)
            clients[kind] = Clients(kind, clients[kind].jars)  # the warm-up is not counted
        load_before = loadavg()
        for turn in range(slices):
            for kind in kinds if turn % 2 == 0 else kinds[::-1]:
                clients[kind].drive(seconds / slices)
        load = f"{load_before} -> {loadavg()}"
        return {kind: clients[kind].figures(seconds, load) for kind in kinds}
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--slices", type=int, default=5, help="turns each way in a run")
    parser.add_argument(
        "--wizard-only", action="store_true", help="no bare runs: decisions/s at other client counts"
    )
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.exit("Set DATABASE_URL to a PostgreSQL server the bench may create a database on.")
    database_url = database_url_of(base, BENCH_DB)
    os.environ.update(server_env(database_url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "sharing_wizard.settings"
    jars = prepare(args.clients)
    print(
        f"{args.clients} clients, {args.seconds:.0f} s each way a run in {args.slices} turns,"
        " gunicorn 2 workers x 4 threads;"
        f" load {loadavg()}"
    )
    kinds = ("wizard",) if args.wizard_only else ("bare", "wizard")
    figures = {kind: [] for kind in kinds}
    ratios = []
    for n in range(args.runs):
        results = run(kinds, jars, args.seconds, args.slices, database_url)
        for kind in kinds:
            result = results[kind]
            figures[kind].append(result)
            print(
                f"run {n + 1} {kind:6}: {result['rps']:7.1f} page requests/s  p50 {result['p50']:6.1f} ms"
                f"  p95 {result['p95']:6.1f} ms  p99 {result['p99']:6.1f} ms"
                + (
                    f"  {result['decisions']:5.2f} decisions/s (recording p50 {result['record_p50']:.0f} ms)"
                    if kind == "wizard"
                    else ""
                )
                + f"  errors {result['errors']}  load {result['load']}",
                flush=True,
            )
            if result["errors"]:
                print("   first error:", result["first_error"])
        if not args.wizard_only:
            ratios.append(results["wizard"]["rps"] / results["bare"]["rps"])
            print(f"run {n + 1} wizard / bare: {ratios[-1]:.2f}x", flush=True)

    def median(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in figures[kind])

    print(f"median of {args.runs} runs (load now {loadavg()}):")
    for kind in kinds:
        print(
            f"  {kind:6}: {median(kind, 'rps'):7.1f} page requests/s  p50 {median(kind, 'p50'):.1f} ms"
            f"  p95 {median(kind, 'p95'):.1f} ms  p99 {median(kind, 'p99'):.1f} ms"
            + (f"  {median(kind, 'decisions'):.2f} decisions/s" if kind == "wizard" else "")
        )
    if args.wizard_only:
        return
    runs = ", ".join(f"{ratio:.2f}" for ratio in ratios)
    ratio = statistics.median(ratios)
    print(f"  wizard / bare page requests/s: {ratio:.2f}x, the median of the runs' ({runs}); goal >= 0.5x")


if __name__ == "__main__":
    main()
