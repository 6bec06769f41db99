"""What the replica tests ask of the app, run in a process of its own pointed at the test's cluster.

``python -m tests.replica.scenario ACTION [ARG...]`` with ``DATABASE_URL`` (the primary) and
``DATABASE_REPLICA_URL`` (the standby) set: it uses the app's real settings, router and pages (the
Django test client), and prints what it saw as JSON on its last line of output.
"""

import io
import json
import os
import re
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sharing_wizard.settings_test")

import django

django.setup()

from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()  # the test client then keeps each page's template context

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import router  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from decisions import replica, services  # noqa: E402
from decisions.demo import demo_answers  # noqa: E402
from decisions.models import Decision, LocalSettings, ReviewEvent, Role, Team  # noqa: E402
from decisions.questions import registry  # noqa: E402
from decisions.questions.base import Answer, Step  # noqa: E402

CASE = "CASE-REPLICA"
PASSWORD = "correct-horse-battery-staple"
REFERENCE = re.compile(r"D-[0-9A-Z]{4}-[0-9A-Z]{4}")


def user(username: str):
    return get_user_model().objects.get(username=username)


def record() -> str:
    """A do-not-share decision on the case, recorded through the service as the wizard would."""
    routing = {Step.TRIAGE: Answer.NO, Step.PURPOSE: Answer.NO}
    answers, form_data, _ = demo_answers(
        registry.get(registry.DEFAULT_KEY), routing, {Step.REQUEST: {"case_reference": CASE}}
    )
    author = user("pat")
    draft = services.draft_start(author=author)
    return services.decision_record(
        author=author, draft_id=draft.pk, answers=answers, form_data=form_data
    ).reference


def seed() -> dict:
    team = Team.objects.create(name="Riverside early help")
    people = {"morgan": Role.MANAGER, "avery": Role.AUDITOR, "pat": Role.PRACTITIONER}
    for username, role in people.items():
        person = get_user_model().objects.create_user(username=username, password=PASSWORD)
        person.groups.add(Group.objects.get_or_create(name=role)[0])
        if role != Role.AUDITOR:
            team.members.add(person)
        TOTPDevice.objects.create(user=person, name="Test app", confirmed=True)
    return {"reference": record()}


def signed_in(username: str) -> Client:
    client = Client()
    person = user(username)
    client.force_login(person)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=person).persistent_id
    session.save()
    return client


def references(response) -> list[str]:
    return sorted(set(REFERENCE.findall(response.content.decode())))


def chronology(client: Client) -> dict:
    response = client.get(reverse("manager:chronology"), {"case": CASE})
    return {"status": response.status_code, "references": references(response)}


def dashboard(client: Client) -> dict:
    response = client.get(reverse("manager:dashboard"))
    total = re.search(r'id="figure-total">([\d,]+)<', response.content.decode())
    return {"status": response.status_code, "total": int(total[1].replace(",", "")) if total else None}


def audit_index(client: Client) -> dict:
    response = client.get(reverse("audit:index"))
    head = re.search(r"Latest record</dt>\s*<dd[^>]*>(\d+)<", response.content.decode())
    return {"status": response.status_code, "head": int(head[1]) if head else None}


def export(client: Client, folder: str) -> dict:
    """Download a CSV export of decisions and its manifest into ``folder``, as an auditor would."""
    page = client.get(reverse("audit:export"), {"dataset": "decisions", "file_format": "csv"})
    response = client.get(page.context["download_url"])
    body = b"".join(response.streaming_content)
    manifest = json.loads(client.get(page.context["manifest_url"]).content)
    path = os.path.join(folder, manifest["file"]["name"])
    with open(path, "wb") as file:
        file.write(body)
    with open(path + ".manifest.json", "w") as file:
        json.dump(manifest, file)
    return {
        "status": response.status_code,
        "references": sorted(set(REFERENCE.findall(body.decode()))),
        "head": manifest["chain_head"]["seq"],
        "export_record": manifest["export_record"]["chain_seq"],
        "checkpoint": int(re.search(r"^size (\d+)$", manifest["checkpoint"]["statement"], re.M)[1])
        if "checkpoint" in manifest
        else None,
        "file": path,
    }


def pages(folder: str) -> dict:
    """Every page the tests look at, as the person who uses it."""
    manager, auditor = signed_in("morgan"), signed_in("avery")
    own = signed_in("pat").get(reverse("decisions:my_decisions"))
    return {
        "chronology": chronology(manager),
        "dashboard": dashboard(manager),
        "audit_index": audit_index(auditor),
        "export": export(auditor, folder),
        "my_decisions": {"status": own.status_code, "references": references(own)},
    }


def verify() -> dict:
    out = io.StringIO()
    call_command("verify_decision_log", stdout=out)
    return {"output": out.getvalue().strip()}


def within_one_scope() -> dict:
    """Inside a replica scope: a read, a write, the same read again."""
    cases = Decision.objects.filter(case_reference=CASE)
    models = {"user": get_user_model(), "session": Session, "settings": LocalSettings, "decision": Decision}
    with replica.replica_reads():
        routes = {name: router.db_for_read(model) for name, model in models.items()}
        before = sorted(cases.values_list("reference", flat=True))
        written = record()
        after = sorted(cases.values_list("reference", flat=True))
        routes_after = {name: router.db_for_read(model) for name, model in models.items()}
    return {
        "routes": routes,
        "before": before,
        "written": written,
        "after": after,
        "routes_after": routes_after,
    }


def review_then_read() -> dict:
    """A manager endorses a decision, then opens the chronology; later (their window over) again."""
    manager = signed_in("morgan")
    decision = Decision.objects.filter(case_reference=CASE).order_by("created_at").first()
    posted = manager.post(
        reverse("manager:review", args=[decision.reference]),
        {"action": ReviewEvent.Action.ENDORSE, "comment": "Agreed."},
    )
    right_after = chronology(manager)
    session = manager.session
    window_ends = session[replica.PRIMARY_UNTIL]
    session[replica.PRIMARY_UNTIL] = 0  # as if the window had run out
    session.save()
    return {
        "posted": posted.status_code,
        "window_ends": window_ends,
        "after": right_after,
        "later": chronology(manager),
    }


def practitioner_writes() -> dict:
    """A practitioner's form that succeeds does not write a window into their session."""
    client = signed_in("pat")
    decision = Decision.objects.filter(author__username="pat").first()
    response = client.post(
        reverse("decisions:add_addendum", args=[decision.reference]), {"kind": "other", "text": "A note."}
    )
    return {"status": response.status_code, "window": replica.PRIMARY_UNTIL in client.session}


def replica_stops_between_pages() -> dict:
    """One page on the replica; then (the test stops the standby) the same pages again."""
    manager, auditor = signed_in("morgan"), signed_in("avery")
    before = chronology(manager)
    print(json.dumps({"before": before}), flush=True)
    sys.stdin.readline()  # the test stops the standby, then says go on
    seen = {"before": before, "chronology": chronology(manager)}  # fails on the replica, runs again
    # Each of the others meets the stopped replica too, as if another thread had just found it well.
    for name, page in [
        ("export", lambda: export(auditor, sys.argv[2])),
        ("audit_index", lambda: audit_index(auditor)),
        ("dashboard", lambda: dashboard(manager)),
    ]:
        replica._set_health(True, "checked by another thread")
        seen[name] = page()
    return seen


ACTIONS = {
    "seed": seed,
    "record": lambda: {"reference": record()},
    "pages": lambda: pages(sys.argv[2]),
    "verify": verify,
    "within_one_scope": within_one_scope,
    "review_then_read": review_then_read,
    "practitioner_writes": practitioner_writes,
    "replica_stops_between_pages": replica_stops_between_pages,
}

if __name__ == "__main__":
    print(json.dumps(ACTIONS[sys.argv[1]]()), flush=True)
