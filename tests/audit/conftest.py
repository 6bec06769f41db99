"""Fixtures for the auditor's side: auditors, quick decisions, and a Chromium for the pages."""

import itertools
import os
import uuid

import pytest

from decisions.models import Addendum, Decision, ReviewEvent, Role
from decisions.questions.base import Outcome

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


_case_numbers = itertools.count(1)


@pytest.fixture
def auditor(make_user):
    return make_user("ada", Role.AUDITOR)


@pytest.fixture
def auditor_client(client, auditor):
    client.force_login(auditor)
    return client


@pytest.fixture
def manager(make_user, team):
    return make_user("max", Role.MANAGER, team)


def create_decision(author, **fields) -> Decision:
    """A decision stored through the ORM, as the wizard's service stores it (chain by trigger)."""
    values = {
        "submission_key": uuid.uuid4(),
        "author": author,
        "team": author.teams.first(),
        "case_reference": f"CASE-{next(_case_numbers):05d}",
        "outcome": Outcome.SHARE,
        "flowchart_version": "2024.1",
        "route": ["triage", "purpose"],
        "answers": {"triage": {"answer": "no"}, "purpose": {"answer": "yes", "purpose": "To protect"}},
        "form_data": {},
        "rationale": "The answers support sharing.",
    }
    values.update(fields)
    decision = Decision.objects.create(**values)
    decision.refresh_from_db()  # the chain columns come from the database's trigger
    return decision


@pytest.fixture
def decision_factory(practitioner):
    def make(**fields) -> Decision:
        return create_decision(fields.pop("author", practitioner), **fields)

    return make


@pytest.fixture
def small_log(decision_factory, practitioner, manager):
    """Three decisions, an addendum and a review: five links of the chain."""
    first = decision_factory()
    second = decision_factory(outcome=Outcome.DO_NOT_SHARE, emergency=True)
    Addendum.objects.create(decision=first, author=practitioner, kind=Addendum.Kind.OTHER, text="Later fact")
    ReviewEvent.objects.create(
        decision=second, reviewer=manager, action=ReviewEvent.Action.ENDORSE, comment="Agreed"
    )
    third = decision_factory(rationale='=HYPERLINK("http://evil.example")')
    return [first, second, third]
