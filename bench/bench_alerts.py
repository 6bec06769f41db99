"""Benchmark: recording decisions with alerts on and off, and the latency from commit to email.

Eight clients (separate processes, each its own database connection) record ``--decisions``
decisions between them through ``services.decision_record``, as the wizard's last page does (a
draft, then the record). One in ``--urgent-every`` is an emergency share, which emails the team's
two managers at once; the others put a line in the managers' daily summary. The procrastinate
worker runs beside them (``manage.py procrastinate worker``) and sends to a real SMTP server
(aiosmtpd) in this process.

- Throughput: decisions per second with alerts on, against alerts off (``ALERTS_ENABLED=false``),
  measured in the same run by the same client processes, alternating off and on in ``--segments``
  slices so both see the same load from the rest of the machine; the ratio is the figure (goal: at
  least 0.8).
- Latency: for every email, the time from the commit of its decision (the service returned) to the
  SMTP server receiving it; p50 and p95 (goal: p95 under 5 s).

Each figure is the median of ``--runs`` runs, printed with /proc/loadavg. Uses its own database on
the server in ``DATABASE_URL`` (default: the local server). Not run by pytest.

    .venv/bin/python bench/bench_alerts.py --decisions 10000 --clients 8 --runs 3
"""

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import Inbox, database_url, loadavg, smtp_inbox  # noqa: E402

BENCH_DB = "wt_alerts_bench"


def django_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off, the connection pool on), as the worker runs in production.
    Each client process holds one connection of its own for the whole run (no pool needed)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sharing_wizard.settings",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    env.pop("DEBUG", None)
    return env


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def prepare(clients: int) -> None:
    """Teams of one practitioner and two managers (with email addresses), one team per client."""
    from django.contrib.auth.models import Group, User

    from decisions.models import Role, Team

    for n in range(clients):
        team, created = Team.objects.get_or_create(name=f"Alerts bench {n}")
        if not created:
            continue
        author = User.objects.create_user(f"alerts-bench-{n}")
        author.groups.add(Group.objects.get(name=Role.PRACTITIONER))
        team.members.add(author)
        for m in range(2):
            manager = User.objects.create_user(f"alerts-bench-{n}-m{m}", email=f"m{m}.team{n}@example.org")
            manager.groups.add(Group.objects.get(name=Role.MANAGER))
            team.members.add(manager)


def client(index: int, urgent_every: int, env: dict, commands, results) -> None:
    """One client, kept for the whole benchmark: on ``(alerts_on, count)`` it records ``count``
    decisions as fast as it can, with alerts switched on or off; ``None`` stops it."""
    setup_django(env)
    from django.conf import settings
    from django.contrib.auth.models import User

    from decisions import services
    from decisions.demo import demo_answers
    from decisions.questions import registry
    from decisions.questions.base import Answer, Step

    author = User.objects.get(username=f"alerts-bench-{index}")
    question_set = registry.get(registry.DEFAULT_KEY)
    routine = demo_answers(question_set, {})[:2]
    urgent = demo_answers(question_set, {Step.TRIAGE: Answer.YES, Step.EMERGENCY: Answer.YES})[:2]
    results.put(("ready", index))
    done = 0
    while (command := commands.get()) is not None:
        alerts_on, count = command
        settings.ALERTS_ENABLED = alerts_on
        commits = {}
        for _ in range(count):
            done += 1
            is_urgent = (done * 8 + index) % urgent_every == 0
            answers, form_data = urgent if is_urgent else routine
            draft = services.draft_start(author=author)
            decision = services.decision_record(
                author=author, draft_id=draft.pk, answers=answers, form_data=form_data
            )
            if is_urgent and alerts_on:
                commits[decision.reference] = time.time()
        results.put((index, time.perf_counter(), commits))


class Clients:
    """``--clients`` processes (spawned, each with its own database connection), kept for every run."""

    def __init__(self, args, env: dict) -> None:
        context = multiprocessing.get_context("spawn")
        self.results = context.Queue()
        self.commands = [context.Queue() for _ in range(args.clients)]
        self.processes = [
            context.Process(
                target=client,
                args=(
                    i,
                    args.urgent_every,
                    {**env, "DATABASE_POOL": "false"},
                    self.commands[i],
                    self.results,
                ),
            )
            for i in range(args.clients)
        ]
        for process in self.processes:
            process.start()
        for _ in self.processes:
            self.results.get(timeout=600)

    def record(self, alerts_on: bool, per_client: int) -> tuple[float, dict]:
        """Every client records ``per_client`` decisions; returns the seconds taken and commit times."""
        began = time.perf_counter()
        for queue in self.commands:
            queue.put((alerts_on, per_client))
        finished, commits = [], {}
        for _ in self.processes:
            _index, ended, client_commits = self.results.get(timeout=1800)
            finished.append(ended)
            commits.update(client_commits)
        return max(finished) - began, commits

    def stop(self) -> None:
        for queue in self.commands:
            queue.put(None)
        for process in self.processes:
            process.join(timeout=60)


def one_run(args, clients: Clients, inbox: Inbox) -> dict:
    """Alerts off and on, alternating in ``--segments`` slices so both see the same machine load."""
    per_client = args.decisions // args.clients // args.segments
    seconds = {False: 0.0, True: 0.0}
    commits: dict[str, float] = {}
    with inbox.lock:
        inbox.received.clear()
    for _segment in range(args.segments):
        for alerts_on in (False, True):
            elapsed, segment_commits = clients.record(alerts_on, per_client)
            seconds[alerts_on] += elapsed
            commits.update(segment_commits)
    total = per_client * args.clients * args.segments
    figures = {"off": total / seconds[False], "on": total / seconds[True], "load": loadavg()}
    expected = 2 * len(commits)
    deadline = time.time() + 120
    while time.time() < deadline:
        with inbox.lock:
            if sum(ref in commits for ref, _at in inbox.received) >= expected:
                break
        time.sleep(0.2)
    with inbox.lock:
        latencies = sorted(at - commits[ref] for ref, at in inbox.received if ref in commits)
    figures.update(
        emails=len(latencies),
        expected=expected,
        p50=statistics.median(latencies) if latencies else float("nan"),
        p95=latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan"),
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--decisions", type=int, default=10_000, help="per run, all clients together")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--urgent-every", type=int, default=10, help="one decision in N is urgent")
    parser.add_argument("--worker-concurrency", type=int, default=4)
    parser.add_argument("--segments", type=int, default=5, help="off/on slices a run, alternating")
    parser.add_argument(
        "--worker-nice", type=int, default=0, help="CPU priority of the worker (10: recording goes first)"
    )
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    url = database_url(base, BENCH_DB)

    smtp, inbox, port = smtp_inbox()
    env = django_env(
        url,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=ROOT)  # noqa: S603
    setup_django(env)
    prepare(args.clients)
    worker = subprocess.Popen(  # noqa: S603
        [
            *manage,
            "procrastinate",
            "worker",
            "--queues",
            "alerts",
            "--concurrency",
            str(args.worker_concurrency),
        ],
        env=env,
        cwd=ROOT,
        preexec_fn=lambda: os.nice(args.worker_nice),
    )
    print(f"{args.decisions:,} decisions a run, {args.clients} clients, 1 in {args.urgent_every} urgent")
    print(
        f"worker concurrency {args.worker_concurrency}, nice {args.worker_nice}; "
        f"load average before: {loadavg()}"
    )
    ratios, offs, ons, p95s, p50s = [], [], [], [], []
    clients = Clients(args, env)
    try:
        for run in range(1, args.runs + 1):
            figures = one_run(args, clients, inbox)
            off, on = figures["off"], figures["on"]
            print(
                f"run {run}: alerts off {off:6.1f} decisions/s, on {on:6.1f} decisions/s, "
                f"ratio {on / off:.2f}; "
                f"emails {figures['emails']}/{figures['expected']}, commit to email "
                f"p50 {figures['p50']:.2f} s, p95 {figures['p95']:.2f} s   load {figures['load']}"
            )
            offs.append(figures["off"])
            ons.append(figures["on"])
            ratios.append(figures["on"] / figures["off"])
            p95s.append(figures["p95"])
            p50s.append(figures["p50"])
        worker_cpu = sum(psutil.Process(worker.pid).cpu_times()[:2])
        own_cpu = sum(psutil.Process().cpu_times()[:2])
        emails = args.runs * args.decisions * 2 // args.urgent_every
        print(
            f"CPU seconds: worker {worker_cpu:.1f} ({1000 * worker_cpu / max(emails, 1):.1f} ms an email), "
            f"this process (the SMTP server) {own_cpu:.1f}"
        )
    finally:
        clients.stop()
        worker.terminate()
        worker.wait(timeout=30)
        smtp.stop()
    print(
        f"median of {args.runs}: off {statistics.median(offs):.1f}/s, on {statistics.median(ons):.1f}/s, "
        f"ratio on/off {statistics.median(ratios):.2f} (goal >= 0.8); "
        f"commit to email p50 {statistics.median(p50s):.2f} s, p95 {statistics.median(p95s):.2f} s "
        f"(goal < 5 s)   load {loadavg()}"
    )


if __name__ == "__main__":
    main()
