"""The scoping matrix: every page the service resolves x every role x a record of their own team
and of another team, by GET and by POST.

Each answer is checked, and every refusal must be a 404 that leaves exactly one "denied" row in
the access log, for that person and that address. A page added to the service without a row in
``PAGES`` fails ``test_matrix_covers_every_page``, so the matrix cannot fall behind.
"""

import uuid
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from decisions import services
from decisions.alerts.models import Notification
from decisions.models import AccessLog, ExportEvent, LocalSettings, Role, Team
from decisions.questions import registry
from tests.audit.conftest import create_decision
from tests.conftest import PASSWORD

P, M, A, D = Role.PRACTITIONER, Role.MANAGER, Role.AUDITOR, Role.ADMINISTRATOR
ANONYMOUS = "anonymous"
ROLES = [ANONYMOUS, P, M, A, D]
OWN, OTHER = "own team", "other team"


@dataclass(frozen=True)
class Page:
    """Who may use a page. ``scope``: what its address names (a decision, a draft, a case, an
    export), each in the person's own team and in another; ``own``/``other``: the roles allowed."""

    scope: str | None
    own: frozenset
    other: frozenset = frozenset()
    public: bool = False
    post_only: bool = False
    absent: bool = False  # not found for everyone (single sign-on when it is not set up)


EVERYONE = frozenset({P, M, A, D})
RECORDERS = frozenset({P, M})


def page(scope=None, own=EVERYONE, other=frozenset(), public=False, post_only=False, absent=False) -> Page:
    return Page(scope, frozenset(own), frozenset(other), public, post_only, absent)


PAGES = {
    "home": page(),
    "login": page(public=True),
    "logout": page(public=True),
    "admin_login": page(public=True),
    # Single sign-on is off in this matrix (tests/oidc covers it on): its pages do not exist.
    "oidc_authentication_init": page(own=frozenset(), absent=True),
    "oidc_authentication_callback": page(own=frozenset(), absent=True),
    "accounts:account": page(),
    "accounts:password_change": page(),
    "accounts:security_code": page(),
    "accounts:two_factor_setup": page(),
    "accounts:recovery_codes": page(),
    "accounts:password_changed": page(),
    "accounts:password_forgotten": page(public=True),
    "accounts:password_reset_sent": page(public=True),
    "accounts:password_reset": page("reset", public=True),
    "accounts:password_reset_done": page(public=True),
    "decisions:my_decisions": page(),
    "decisions:start": page(own=RECORDERS),
    "decisions:new": page(own=RECORDERS),
    "decisions:guidance": page(),
    "decisions:resume": page("draft", own=RECORDERS),
    "decisions:discard": page("draft", own=RECORDERS),
    "decisions:wizard": page("draft", own=RECORDERS),
    # A practitioner's own decision; the manager's team's; auditors read every team's.
    "decisions:detail": page("decision", own={P, M, A}, other={A}),
    "decisions:confirmation": page("decision", own={P, M, A}, other={A}),
    "decisions:print": page("decision", own={P, M, A}, other={A}),
    # Only the author adds to a decision.
    "decisions:add_addendum": page("decision", own={P}),
    "decisions:advice_received": page("decision", own={P}),
    "decisions:reconsider": page("decision", own={P}),
    "decisions:answer_concern": page("decision", own={P}),
    "accessibility": page(public=True),
    "privacy": page(public=True),
    "cookies": page(public=True),
    "session_keep_alive": page(public=True),  # answers 401 itself when signed out
    # Everyone has alerts; one alert is its person's own; the email link goes on to the decision's
    # own page, which checks the scope itself.
    "alerts:list": page(),
    "alerts:preferences": page(),
    "alerts:mark_read": page(post_only=True),
    "alerts:open": page("notification"),
    "alerts:decision": page("decision", other=EVERYONE),
    "audit:index": page(own={A}),
    "audit:export": page(own={A}),
    "audit:download": page(own={A}),
    "audit:manifest": page("export", own={A}),
    "audit:export_log": page(own={A}),
    "audit:access_log": page(own={A}),
    "audit:retention": page(own={A}),
    "manager:queue": page(own={M}),
    "manager:review": page("decision", own={M}),
    "manager:chronology": page("case", own={M}),
    "manager:dashboard": page(own={M}),
    "manager:access_log": page(own={M}),
}


def resolved_names(patterns=None, namespace=None) -> set[str]:
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            names |= resolved_names(pattern.url_patterns, pattern.namespace or namespace)
        else:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_matrix_covers_every_page():
    assert resolved_names() == set(PAGES)


@pytest.fixture
def world(db, django_user_model):
    """Two teams. The person under test (one per role) is in Riverside, with a practitioner
    colleague; Hillside has its own practitioner. Each of them has a decision and a draft."""
    for role in Role:
        Group.objects.get_or_create(name=role)
    LocalSettings.load()
    riverside, hillside = Team.objects.create(name="Riverside"), Team.objects.create(name="Hillside")

    def user(name, role, team=None):
        person = django_user_model.objects.create_user(
            username=name, password=PASSWORD, email=f"{name}@x.org"
        )
        person.groups.add(Group.objects.get(name=role))
        person.is_staff = person.is_superuser = role == D
        person.save()
        if team is not None:
            team.members.add(person)
        return person

    people = {
        P: user("pat", P, riverside),
        M: user("morgan", M, riverside),
        A: user("avery", A),
        D: user("ash", D),
    }
    stranger = user("hana", P, hillside)
    other_auditor = user("olly", A)
    version = registry.DEFAULT_KEY
    own_decision = create_decision(people[P], case_reference="CASE-OWN", flowchart_version=version)
    other_decision = create_decision(stranger, case_reference="CASE-OTHER", flowchart_version=version)

    def export(by):
        return ExportEvent.objects.create(
            token=uuid.uuid4(),
            user=by,
            dataset="decisions",
            file_format="csv",
            row_count=0,
            sha256="0" * 64,
            head_seq=0,
            head_hash="0" * 64,
        ).token

    return {
        "people": people,
        "decision": {OWN: own_decision.reference, OTHER: other_decision.reference},
        "case": {OWN: "CASE-OWN", OTHER: "CASE-OTHER"},
        "drafts": {role: services.draft_start(author=person).pk for role, person in people.items()},
        "other_draft": services.draft_start(author=stranger).pk,
        "export": {OWN: export(people[A]), OTHER: export(other_auditor)},
        # One alert each about their own team's decision; another team's is someone else's.
        "notification": {
            **{
                role: Notification.objects.create(
                    user=person, kind="decision-recorded", decision=own_decision
                ).pk
                for role, person in people.items()
            },
            OTHER: Notification.objects.create(
                user=stranger, kind="decision-recorded", decision=other_decision
            ).pk,
        },
    }


def address(name: str, scope: str | None, where: str | None, world: dict, role) -> str:
    if scope is None:
        return reverse(name)
    if scope == "reset":
        return reverse(name, kwargs={"uidb64": "MQ", "token": "not-a-token"})
    if scope == "decision":
        return reverse(name, kwargs={"reference": world["decision"][where]})
    if scope == "case":
        return f"{reverse(name)}?case={world['case'][where]}"
    if scope == "export":
        return reverse(name, kwargs={"token": world["export"][where]})
    if scope == "notification":
        owner = role if where == OWN and role in world["notification"] else OTHER
        return reverse(name, kwargs={"pk": world["notification"][owner]})
    draft = world["drafts"].get(role) if where == OWN else world["other_draft"]
    kwargs = {"draft_id": draft or uuid.uuid4()}
    if name == "decisions:wizard":
        kwargs["step"] = "triage"
    return reverse(name, kwargs=kwargs)


def denied_rows(user) -> int:
    return AccessLog.objects.filter(user=user, action=AccessLog.Action.DENIED).count()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_scope_matrix(world, name, role):
    rule = PAGES[name]
    person = None if role == ANONYMOUS else world["people"][role]
    for where in [OWN, OTHER] if rule.scope not in (None, "reset") else [None]:
        url = address(name, rule.scope, where, world, role)
        allowed = role in (rule.other if where == OTHER else rule.own)
        for method in ["get", "post"]:
            client = Client()
            if person is not None:
                client.force_login(person)
            before = denied_rows(person) if person else 0
            response = getattr(client, method)(url)
            answer = f"{method.upper()} {url} as {role}: {response.status_code}"

            assert response.status_code < 500, answer
            if rule.absent and method == "post":  # the views answer GET only
                assert response.status_code == 405, answer
                continue
            if person is None and rule.absent:
                assert response.status_code == 404, answer
                continue
            if person is None:
                if not rule.public:
                    assert response.status_code == 302, answer
                    assert response["Location"].startswith(reverse("login")), answer
                continue
            if rule.post_only and method == "get":  # for anyone, whatever the address names
                assert response.status_code == 405, answer
                assert denied_rows(person) == before, answer
                continue
            if allowed or rule.public:
                assert response.status_code not in (403, 404), answer
                assert denied_rows(person) == before, answer
            else:
                assert response.status_code == 404, answer
                rows = AccessLog.objects.filter(user=person, action=AccessLog.Action.DENIED)
                assert rows.count() == before + 1, answer
                assert rows.order_by("-id").first().path == url, answer
