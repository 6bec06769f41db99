"""Fixtures for the auditor's side: auditors, quick decisions, and a Chromium for the pages."""

import itertools
import os
import uuid
from dataclasses import dataclass

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

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


@dataclass
class Roles:
    owner: str
    app: str
    connection: psycopg.Connection


@pytest.fixture
def roles(transactional_db):
    """Set up the roles on the test database, yield them and a connection as the app role, undo.

    The tests then act as the application's database role would in production (docs/audit.md).
    """
    suffix = uuid.uuid4().hex[:8]
    owner, app = f"test_owner_{suffix}", f"test_app_{suffix}"
    call_command("setup_database_roles", owner=owner, app=app, app_password="app-password-for-tests")
    connection.ensure_connection()
    info = connection.connection.info
    app_connection = psycopg.connect(
        host=info.host,
        port=info.port,
        dbname=info.dbname,
        user=app,
        password="app-password-for-tests",
        autocommit=True,
    )
    try:
        yield Roles(owner=owner, app=app, connection=app_connection)
    finally:
        app_connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f'REASSIGN OWNED BY "{owner}" TO CURRENT_USER')
            cursor.execute(f'DROP OWNED BY "{owner}"')
            cursor.execute(f'DROP OWNED BY "{app}"')
            cursor.execute(f'DROP ROLE "{app}"')
            cursor.execute(f'DROP ROLE "{owner}"')


@pytest.fixture
def app_role(roles):
    """A connection (autocommit) as the application's database role."""
    return roles.connection
