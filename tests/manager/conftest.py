"""Fixtures for the manager's pages: two teams, their people, and decisions recorded through the service."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from decisions import flowchart, services
from decisions.flowchart import Answer, Outcome, Step
from decisions.forms import WIZARD_FORMS
from decisions.models import Decision, LocalSettings, Role, Team
from tests.wizard import VALID_ANSWERS

ROUTING = {
    Outcome.SHARE: {Step.TRIAGE: Answer.NO, Step.PURPOSE: Answer.YES, Step.CONSENT: Answer.YES},
    Outcome.DO_NOT_SHARE: {Step.TRIAGE: Answer.NO, Step.PURPOSE: Answer.NO},
    Outcome.AWAITING_ADVICE: {Step.TRIAGE: Answer.NO, Step.PURPOSE: Answer.NOT_SURE},
}


def cleaned_answers(routing: dict[str, str], overrides: dict | None = None) -> tuple[dict, dict]:
    """The answers as the wizard hands them to ``decision_record``: each page's form, cleaned."""
    overrides = overrides or {}
    result = flowchart.evaluate(routing)
    answers, form_data = {}, {}
    for step in result.route:
        values = {**VALID_ANSWERS[step], **overrides.get(step, {})}
        if step in routing:
            values["answer"] = routing[step]
        data = {f"{step}-{name}": value for name, value in values.items()}
        kwargs = {"emergency": result.emergency} if step == Step.METHOD else {}
        form = WIZARD_FORMS[Step(step)](data=data, prefix=step, **kwargs)
        assert form.is_valid(), (step, form.errors)
        answers[step] = form.cleaned_data
        form_data[step] = {key: [value] for key, value in data.items()}
    return answers, form_data


@pytest.fixture
def record_decision(db):
    """Record a decision as the wizard would, through ``services.decision_record``."""

    def record(
        author,
        outcome: Outcome = Outcome.SHARE,
        *,
        case: str = "CASE-0042",
        emergency: bool = False,
        continues: Decision | None = None,
        routing: dict | None = None,
    ) -> Decision:
        routing = dict(routing or ROUTING[outcome])
        if emergency:
            routing[Step.TRIAGE] = Answer.YES
            routing[Step.EMERGENCY] = Answer.YES
        answers, form_data = cleaned_answers(
            routing,
            {
                Step.REQUEST: {"case_reference": case},
                Step.CONSENT: {"consent_details": "The parent agreed by phone; noted on the file."},
            },
        )
        draft = services.draft_start(author=author, continues=continues)
        return services.decision_record(
            author=author, draft_id=draft.pk, answers=answers, form_data=form_data
        )

    return record


@pytest.fixture(autouse=True)
def _roles_and_settings(db):
    for role in Role:
        Group.objects.get_or_create(name=role)
    LocalSettings.load()


@pytest.fixture
def teams(db):
    return Team.objects.create(name="Riverside early help"), Team.objects.create(name="Hillside school")


@pytest.fixture
def people(make_user, teams):
    """A manager and two practitioners in Riverside; a manager and a practitioner in Hillside; an
    auditor and an administrator in no team."""
    riverside, hillside = teams
    return {
        "manager": make_user("morgan", Role.MANAGER, riverside),
        "practitioner": make_user("pat", Role.PRACTITIONER, riverside),
        "colleague": make_user("sam", Role.PRACTITIONER, riverside),
        "other_manager": make_user("olly", Role.MANAGER, hillside),
        "other_practitioner": make_user("hana", Role.PRACTITIONER, hillside),
        "auditor": make_user("avery", Role.AUDITOR),
        "admin": make_user("ada", Role.ADMINISTRATOR),
    }


@pytest.fixture
def manager_client(people):
    client = Client()
    client.force_login(people["manager"])
    return client


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def aware(year: int, month: int, day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=datetime.UTC)
