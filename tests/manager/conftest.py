"""Fixtures for the manager's pages: two teams, their people, and decisions recorded through the service."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from decisions import services
from decisions.models import Decision, LocalSettings, Role, Team
from decisions.questions import registry
from decisions.questions.base import Answer, Outcome, Step
from tests.wizard import cleaned_answers

ROUTING = {
    Outcome.SHARE: {
        Step.TRIAGE: Answer.NO,
        Step.PURPOSE: Answer.YES,
        Step.ENGAGE: "consent",
        Step.LAWFUL_BASIS: "6-1-a",
    },
    Outcome.DO_NOT_SHARE: {Step.TRIAGE: Answer.NO, Step.PURPOSE: Answer.NO},
    Outcome.AWAITING_ADVICE: {Step.TRIAGE: Answer.NO, Step.PURPOSE: Answer.NOT_SURE},
}
CONSENT_CONDITIONS = {Step.SPECIAL_CATEGORY: {"answer": "9-2-a"}, Step.CRIMINAL_OFFENCE: {"answer": "none"}}


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
        overrides = {Step.REQUEST: {"case_reference": case}}
        if routing.get(Step.ENGAGE) == "consent" and routing.get(Step.PURPOSE) == Answer.YES:
            overrides.update(CONSENT_CONDITIONS)
        answers, form_data, _ = cleaned_answers(registry.get(registry.DEFAULT_KEY), routing, overrides)
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
