"""Benchmark: recording decisions through the real request, with alerts on and off.

``bench_alerts.py`` calls the recording service directly, which leaves out everything a real
recording costs besides the insert (the request, the session, the checks, the page), so it shows
the alerts' cost at its largest. This one records the way practitioners do: each decision is the
wizard's final request (the "done" address after "check your answers", which records the draft's
answers and redirects to the confirmation page), served by gunicorn (2 workers x 4 threads,
production settings, DEBUG off) to 8 clients.

Two servers run side by side on the same database, one with ``ALERTS_ENABLED=false`` and one with
alerts on; the clients alternate between them in ``--segments`` slices a run so both see the same
load. Every draft is a copy of one walked through the wizard beforehand (1 in ``--urgent-every`` an
emergency share, which emails the team's 2 managers at once; the others go in their daily summary).
The procrastinate worker sends the emails to an SMTP server (aiosmtpd) in this process.

Printed: decisions/s off and on, the ratio (goal: at least 0.8), commit-to-email p50/p95 (goal:
p95 under 5 s), the load average; the median of ``--runs`` runs. Not run by pytest.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/bench_alerts_http.py [--decisions 10000] [--runs 3]
"""

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_wizard import BENCH_DB, SESSION_COOKIE, prepare, server_env  # noqa: E402
from bench.common import database_url, loadavg, smtp_inbox, walk_to_recording  # noqa: E402

PORTS = {False: 8741, True: 8742}
REFERENCE = re.compile(r"/decisions/(D-[A-Z0-9]{4}-[A-Z0-9]{4})/confirmation/")


def team_managers() -> None:
    """Two managers with email addresses in the bench team, to be alerted."""
    from django.contrib.auth.models import Group, User

    from decisions.models import Role, Team

    team = Team.objects.get(name="Bench wizard team")
    for m in range(2):
        manager, _ = User.objects.get_or_create(
            username=f"bench-wizard-manager-{m}", defaults={"email": f"m{m}@example.org"}
        )
        manager.groups.add(Group.objects.get(name=Role.MANAGER))
        team.members.add(manager)


def walked_draft(session_key: str, routing: dict, extra: dict) -> tuple[dict, str]:
    """Walk a route in-process up to the recording request; return the draft's data then, and the
    path of the recording request (with the draft's id in it)."""
    from django.test import Client

    from decisions.models import Draft

    client = Client(HTTP_HOST="127.0.0.1", secure=True)
    client.cookies[SESSION_COOKIE] = session_key
    _pages, path = walk_to_recording(client, routing, extra)
    draft_id = re.search(r"/decisions/draft/([0-9a-f-]{36})/", path)[1]
    return Draft.objects.get(pk=draft_id).data, path


def make_drafts(jars: list[dict], count: int, urgent_every: int) -> list[list[tuple[str, bool]]]:
    """``count`` drafts for each client, ready to record: (recording path, urgent)."""
    from django.contrib.auth.models import User

    from decisions.models import Draft
    from tests.alerts.helpers import EMERGENCY
    from tests.manager.conftest import CONSENT_CONDITIONS, ROUTING

    templates = {
        False: walked_draft(jars[0][SESSION_COOKIE], ROUTING["share"], CONSENT_CONDITIONS),
        True: walked_draft(jars[0][SESSION_COOKIE], EMERGENCY, {}),
    }
    queues = []
    for n, _jar in enumerate(jars):
        author = User.objects.get(username=f"bench-wizard-{n}")
        drafts, paths = [], []
        for i in range(count):
            urgent = (i * len(jars) + n) % urgent_every == 0
            data, path = templates[urgent]
            draft_id = uuid.uuid4()
            drafts.append(Draft(id=draft_id, author=author, data=data))
            paths.append((re.sub(r"[0-9a-f-]{36}", str(draft_id), path), urgent))
        Draft.objects.bulk_create(drafts, batch_size=1000)
        queues.append(paths)
    return queues


def start_server(alerts_on: bool, env: dict) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 (this checkout's own gunicorn, fixed arguments)
        [
            str(ROOT / ".venv/bin/gunicorn"),
            *("--workers", "2", "--threads", "4", "--log-level", "warning", "--chdir", str(ROOT)),
            *("--bind", f"127.0.0.1:{PORTS[alerts_on]}", "sharing_wizard.wsgi"),
        ],
        env={**env, "ALERTS_ENABLED": "true" if alerts_on else "false"},
    )
    for _ in range(200):
        try:
            http.client.HTTPConnection("127.0.0.1", PORTS[alerts_on], timeout=1).request("GET", "/")
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def record_slice(jars, queues, alerts_on: bool, per_client: int, errors: list) -> tuple[float, dict]:
    """Every client records its next ``per_client`` drafts on one server; seconds and commit times."""
    commits: dict[str, float] = {}

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORTS[alerts_on], timeout=60)
        cookie = f"{SESSION_COOKIE}={jars[n][SESSION_COOKIE]}"
        for _ in range(per_client):
            path, urgent = queues[n].pop()
            conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            location = response.headers.get("Location", "")
            match = REFERENCE.search(location)
            if response.status != 302 or not match:
                errors.append(f"{response.status} {location}")
                continue
            if urgent and alerts_on:
                commits[match[1]] = time.time()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(len(jars))]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, commits


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--decisions", type=int, default=10_000, help="per run and setting (off, on), all clients together"
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--urgent-every", type=int, default=10)
    parser.add_argument("--segments", type=int, default=5)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    url = database_url(base, BENCH_DB)
    smtp, inbox, smtp_port = smtp_inbox()
    env = {
        **server_env(url),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
    }
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "sharing_wizard.settings"
    jars = prepare(args.clients)
    team_managers()
    per_client = args.decisions // args.clients // args.segments
    print(
        f"{args.decisions:,} decisions a run by {args.clients} clients through the recording request; "
        f"1 in {args.urgent_every} urgent; load {loadavg()}",
        flush=True,
    )
    warm_up = 10  # a client's first requests to each server (workers starting, caches) are not counted
    queues = make_drafts(jars, per_client * args.segments * 2 * args.runs + 2 * warm_up, args.urgent_every)
    servers = [start_server(False, env), start_server(True, env)]
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "procrastinate", "worker", "--queues", "alerts"],
        env={**env, "DJANGO_SETTINGS_MODULE": "sharing_wizard.settings"},
        cwd=ROOT,
    )
    ratios, offs, ons, p50s, p95s, errors = [], [], [], [], [], []
    try:
        for alerts_on in (False, True):
            record_slice(jars, queues, alerts_on, warm_up, errors)
        for run in range(1, args.runs + 1):
            seconds = {False: 0.0, True: 0.0}
            commits: dict[str, float] = {}
            with inbox.lock:
                inbox.received.clear()
            for _segment in range(args.segments):
                for alerts_on in (False, True):
                    elapsed, slice_commits = record_slice(jars, queues, alerts_on, per_client, errors)
                    seconds[alerts_on] += elapsed
                    commits.update(slice_commits)
            total = per_client * args.clients * args.segments
            off, on = total / seconds[False], total / seconds[True]
            deadline = time.time() + 120
            while time.time() < deadline:
                with inbox.lock:
                    if sum(ref in commits for ref, _ in inbox.received) >= 2 * len(commits):
                        break
                time.sleep(0.2)
            with inbox.lock:
                latencies = sorted(at - commits[ref] for ref, at in inbox.received if ref in commits)
            p50 = statistics.median(latencies) if latencies else float("nan")
            p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
            print(
                f"run {run}: alerts off {off:6.1f} decisions/s, on {on:6.1f} decisions/s, "
                f"ratio {on / off:.2f}; emails {len(latencies)}/{2 * len(commits)}, commit to email "
                f"p50 {p50:.2f} s, p95 {p95:.2f} s; errors {len(errors)}   load {loadavg()}",
                flush=True,
            )
            offs.append(off)
            ons.append(on)
            ratios.append(on / off)
            p50s.append(p50)
            p95s.append(p95)
    finally:
        for process in (*servers, worker):
            process.terminate()
        for process in (*servers, worker):
            process.wait(timeout=30)
        smtp.stop()
    if errors:
        print("first error:", errors[0])
    print(
        f"median of {args.runs}: off {statistics.median(offs):.1f}/s, on {statistics.median(ons):.1f}/s, "
        f"ratio on/off {statistics.median(ratios):.2f} (goal >= 0.8); commit to email "
        f"p50 {statistics.median(p50s):.2f} s, p95 {statistics.median(p95s):.2f} s (goal < 5 s)"
        f"   load {loadavg()}"
    )


if __name__ == "__main__":
    main()
