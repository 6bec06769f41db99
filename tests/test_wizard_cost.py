"""What a wizard page costs the database: a handful of SQL statements, however far in.

Every page used to read the session, the user, their roles, their teams, their authenticator,
the local settings (twice) and the draft, write the draft, and write the session again: 12-13
statements. Now the session is read, the user with everything pages ask about them (the unread
alerts in the header included), the draft, and on a POST the draft is written.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.models import LocalSettings
from decisions.questions.base import Step
from tests.manager.conftest import CONSENT_CONDITIONS, ROUTING
from tests.wizard import current_step, start_draft, step_data

MAX_STATEMENTS = {"GET": 3, "POST": 4}


def statements(send, *args):
    with CaptureQueriesContext(connection) as captured:
        response = send(*args)
    return response, [query["sql"] for query in captured.captured_queries]


def walk_counting(client, routing, extra=None):
    """Answer every page up to "check your answers", GETting each first; returns the costs seen."""
    costs = []
    url = start_draft(client)
    client.get(url)  # the first GET of a new draft moves its current page to the one asked for
    while True:
        step = current_step(url)
        response, sql = statements(client.get, url)
        assert response.status_code == 200, step
        costs.append(("GET", step, sql))
        if step == Step.CHECK:
            return costs
        overrides = dict((extra or {}).get(step, {}))
        if step in routing:
            overrides["answer"] = routing[step]
        response, sql = statements(client.post, url, step_data(step, overrides))
        assert response.status_code == 302, f"{step}: {response.content[:1000]!r}"
        costs.append(("POST", step, sql))
        url = response["Location"]


@pytest.mark.parametrize(
    ("outcome", "extra"),
    [("share", CONSENT_CONDITIONS), ("do-not-share", None)],
    ids=["share", "do-not-share"],
)
def test_every_wizard_page_costs_at_most_three_statements_to_show_and_four_to_answer(
    practitioner_client, outcome, extra
):
    practitioner_client.get(reverse("decisions:my_decisions"))  # a first page: the session is written
    costs = walk_counting(practitioner_client, ROUTING[outcome], extra)

    assert len(costs) > 6
    too_dear = {f"{method} {step}": sql for method, step, sql in costs if len(sql) > MAX_STATEMENTS[method]}
    assert not too_dear, too_dear


def test_a_wizard_page_does_not_write_the_session(practitioner_client):
    url = start_draft(practitioner_client)
    practitioner_client.get(url)
    _, sql = statements(practitioner_client.get, url)
    assert not [query for query in sql if "django_session" in query and not query.startswith("SELECT")]


def test_a_change_to_the_local_settings_shows_on_the_next_page(practitioner_client):
    """The settings are kept in the process, but never served after they changed (any server)."""
    practitioner_client.get(reverse("decisions:my_decisions"))
    url = start_draft(practitioner_client)
    page = practitioner_client.get(url).content.decode()
    assert "Better care phone line" not in page
    LocalSettings.objects.filter(pk=1).update(organisation_name="Better care phone line")  # no signal

    page = practitioner_client.get(reverse("privacy")).content.decode()

    assert "Better care phone line" in page


def test_each_page_gets_a_copy_of_the_kept_settings_of_its_own(db):
    """A page that changes its copy of the settings (without saving) changes nothing for the
    next page or person."""
    from decisions import settings_cache

    settings_cache.forget()
    LocalSettings.load()  # outside a request: read from the database, and kept
    settings_cache.note_version(settings_cache._cached[0])  # as the user's query does in a request
    try:
        mine = LocalSettings.load()
        mine.organisation_name = "Changed by one page"
        mine._state.fields_cache["spoilt"] = True
        theirs = LocalSettings.load()
    finally:
        settings_cache.note_version(None)

    assert theirs is not mine
    assert theirs.organisation_name != "Changed by one page"
    assert "spoilt" not in theirs._state.fields_cache
    assert theirs.pk == mine.pk and not theirs._state.adding and theirs._state.db == "default"


def test_only_the_reads_and_writes_every_page_makes_are_prepared_and_they_outlive_a_new_column(
    practitioner_client,
):
    """PostgreSQL plans the session, user and draft statements once a connection (prepared,
    settings.DATABASE_PREPARED_STATEMENTS) and every other statement for its own values; and a
    column added meanwhile, as by a migration run while the app servers are up, does not break
    the statements already prepared (PostgreSQL refuses to run a prepared ``SELECT *`` whose
    columns changed; psycopg prepares it again)."""
    url = start_draft(practitioner_client)
    for _ in range(3):
        practitioner_client.post(url, step_data(Step.TRIAGE))
        assert practitioner_client.get(url).status_code == 200
        assert practitioner_client.get(reverse("decisions:my_decisions")).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    marks = ["FROM django_session", "AS _role_names", "FROM decisions_draft WHERE", "UPDATE decisions_draft"]
    assert sorted(next(m for m in marks if m in statement) for statement in prepared) == sorted(marks)

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's transaction holds deferred checks
        cursor.execute("ALTER TABLE decisions_draft ADD COLUMN added_later integer")
        cursor.execute("ALTER TABLE auth_user ADD COLUMN added_later integer")

    assert practitioner_client.get(url).status_code == 200
