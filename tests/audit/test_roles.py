"""Role separation: the application's database role can read and append, and nothing else."""

import datetime

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from decisions.models import Decision
from tests.audit.conftest import create_decision

REFUSALS = {
    "update": "UPDATE decisions_decision SET rationale = 'changed'",
    "delete": "DELETE FROM decisions_decision",
    "truncate": "TRUNCATE decisions_decision CASCADE",
    "disable trigger": "ALTER TABLE decisions_decision DISABLE TRIGGER ALL",
    "replication role": "SET session_replication_role = replica",
    "move the chain head": "UPDATE decisions_chainhead SET seq = 0",
    "update an addendum": "UPDATE decisions_addendum SET text = 'changed'",
    "delete a review": "DELETE FROM decisions_reviewevent",
    "delete the access log": "DELETE FROM decisions_accesslog",
    "delete an export event": "DELETE FROM decisions_exportevent",
    "delete a checkpoint": "DELETE FROM checkpoints_checkpoint",
    "truncate checkpoints": "TRUNCATE checkpoints_checkpoint",
    "replace the chain function": "CREATE OR REPLACE FUNCTION audit_sha256(t text) RETURNS text"
    " LANGUAGE sql AS $$ SELECT 'x' $$",
    "change the dashboard's day counts": "UPDATE decisions_decisionday SET decisions = decisions + 1",
    "add to the day counts": "INSERT INTO decisions_decisionday"
    " (team_id, day, outcome, decisions, emergency, flagged, continued)"
    " SELECT team_id, day + 1, outcome, 1, 0, 0, 0 FROM decisions_decisionday",
    "delete the day counts": "DELETE FROM decisions_decisionday",
}


def test_roles_app_reads_and_appends_and_the_chain_still_grows(app_role, practitioner):
    first = create_decision(practitioner)
    with app_role.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM decisions_decision")
        assert cursor.fetchone() == (1,)
        cursor.execute(
            "INSERT INTO decisions_addendum (decision_id, author_id, kind, text, advice_from, created_at)"
            " VALUES (%s, %s, 'other', 'added by the app role', '', now()) RETURNING chain_seq",
            [first.pk, practitioner.pk],
        )
        assert cursor.fetchone() == (2,)
        cursor.execute("UPDATE decisions_draft SET data = data")  # ordinary tables stay writable
        # The recording service takes a decision's id before inserting it (services.decision_record).
        cursor.execute("SELECT nextval(pg_get_serial_sequence('decisions_decision', 'id'))")
        assert cursor.fetchone()[0] > first.pk


@pytest.mark.parametrize("attempt", REFUSALS)
def test_roles_app_is_refused(app_role, practitioner, attempt):
    create_decision(practitioner)
    with pytest.raises(psycopg.errors.InsufficientPrivilege), app_role.cursor() as cursor:
        cursor.execute(REFUSALS[attempt])
    assert Decision.objects.get().rationale == "The answers support sharing."


def test_roles_app_may_dispose_only_through_the_function(app_role, practitioner, auditor):
    decision = create_decision(practitioner, created_at=timezone.now() - datetime.timedelta(days=7 * 365))
    with app_role.cursor() as cursor:
        cursor.execute(
            "SELECT audit_dispose_decision(%s, %s, 'Retention period over')", [decision.pk, auditor.pk]
        )
    decision.refresh_from_db()
    assert decision.rationale == ""
    assert decision.case_reference == "DISPOSED"


def test_roles_print_sql_changes_nothing(db, capsys):
    call_command("setup_database_roles", print_sql=True)
    out = capsys.readouterr().out
    assert 'GRANT SELECT, INSERT ON "decisions_decision" TO "sharing_wizard_app"' in out
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_roles WHERE rolname = 'sharing_wizard_app'")
        assert cursor.fetchone() == (0,)


def test_roles_a_decision_the_app_records_is_counted_in_its_day_though_the_app_cannot_count(
    app_role, practitioner
):
    team = practitioner.teams.first()
    with app_role.cursor() as cursor:
        cursor.execute(
            "INSERT INTO decisions_decision (reference, submission_key, author_id, team_id, case_reference,"
            " outcome, flowchart_version, route, answers, form_data, emergency, needs_attention, rationale,"
            " lawful_basis, special_category_condition, recipient_organisation, advice_from, created_at)"
            " VALUES ('R-APP-1', gen_random_uuid(), %s, %s, 'CASE-APP', 'share', '2024.1', '[]', '{}', '{}',"
            " true, false, 'Shared in an emergency.', '', '', '', '', now())",
            [practitioner.pk, team.pk],
        )
        cursor.execute(
            "SELECT day, outcome, decisions, emergency, flagged, continued FROM decisions_decisionday"
            " WHERE team_id = %s",
            [team.pk],
        )
        assert cursor.fetchall() == [(timezone.now().astimezone(datetime.UTC).date(), "share", 1, 1, 0, 0)]
