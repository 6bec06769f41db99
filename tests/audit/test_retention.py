"""Retention: what is due for review, keeping, and disposal by tombstone."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from decisions import audit
from decisions.models import Addendum, Decision, Disposal, LocalSettings, ReviewEvent
from decisions.retention import decisions_due_for_review, retention_keep


@pytest.fixture
def old_and_new(decision_factory):
    now = timezone.now()
    old = decision_factory(created_at=now - datetime.timedelta(days=7 * 365))
    new = decision_factory(created_at=now - datetime.timedelta(days=30))
    return old, new


def test_retention_lists_decisions_past_the_period(old_and_new, capsys):
    old, _new = old_and_new
    assert list(decisions_due_for_review()) == [old]
    call_command("retention_review")
    out = capsys.readouterr().out
    assert "1 decisions due for review" in out
    assert old.reference in out


def test_retention_period_comes_from_local_settings(old_and_new):
    LocalSettings.load()
    LocalSettings.objects.filter(pk=1).update(retention_years=10)
    assert list(decisions_due_for_review()) == []


def test_retention_kept_decision_returns_after_the_interval(old_and_new, auditor):
    old, _new = old_and_new
    retention_keep(decision=old, reviewer=auditor, reason="Case still open")
    assert list(decisions_due_for_review()) == []
    later = timezone.now() + datetime.timedelta(days=3 * 365)
    assert list(decisions_due_for_review(now=later)) == [old]


def test_retention_disposal_leaves_a_tombstone_and_a_verifiable_chain(old_and_new, auditor, practitioner):
    old, _new = old_and_new
    Addendum.objects.create(decision=old, author=practitioner, kind=Addendum.Kind.OTHER, text="Child's name")
    call_command(
        "retention_review", dispose=old.reference, by=auditor.username, reason="Retention period over"
    )
    old.refresh_from_db()
    assert old.case_reference == "DISPOSED"
    assert old.answers == {} and old.rationale == ""
    assert old.addenda.get().text == ""
    disposal = Disposal.objects.get()
    assert disposal.decision_content_hash == old.content_hash
    result = audit.verify_chain()
    assert result.ok, str(result.broken)
    assert result.disposed == 2  # the decision and its addendum
    assert list(decisions_due_for_review()) == []


def test_retention_no_other_path_changes_a_decision(old_and_new):
    old, _new = old_and_new
    with pytest.raises(DatabaseError), transaction.atomic():
        Decision.objects.filter(pk=old.pk).update(rationale="")
    # Even switching the pgtrigger protection off is not enough: the guard wants a disposal.
    with (
        pytest.raises(DatabaseError, match="only through audit_dispose_decision"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{pgtrigger_append_only_8236e}', true)")
        cursor.execute("UPDATE decisions_decision SET rationale = '' WHERE id = %s", [old.pk])


def test_retention_blanked_content_without_a_disposal_is_reported(old_and_new):
    old, _new = old_and_new
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE decisions_decision SET rationale = '' WHERE id = %s", [old.pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    assert audit.verify_chain().broken.label == old.reference


def test_retention_disposing_twice_is_refused(old_and_new, auditor):
    old, _new = old_and_new
    audit.decision_dispose(decision=old, actor=auditor, reason="Over")
    with pytest.raises(audit.DisposalRefused, match="already been disposed of"):
        audit.decision_dispose(decision=old, actor=auditor, reason="Again")
    with (
        pytest.raises(DatabaseError, match="already disposed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT audit_dispose_decision(%s, %s, 'Again')", [old.pk, auditor.pk])


def superuser_update(sql: str, params: list) -> None:
    """A DBA with superuser rights, switching every trigger off for the session."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def disposed(old_and_new, auditor, practitioner, manager):
    old, _new = old_and_new
    Addendum.objects.create(decision=old, author=practitioner, kind=Addendum.Kind.OTHER, text="A name")
    ReviewEvent.objects.create(
        decision=old, reviewer=manager, action=ReviewEvent.Action.ENDORSE, comment="Ok"
    )
    audit.decision_dispose(decision=old, actor=auditor, reason="Retention period over")
    assert audit.verify_chain().ok
    return old


CHANGED = "a tombstone it made was changed"


@pytest.mark.parametrize(
    ("table", "change", "reason"),
    [
        ("decision", "rationale = 'rewritten'", "rationale is not the tombstone value"),
        ("decision", "shared_on = '2020-01-01'", "shared_on is no longer blank"),
        ("decision", "outcome = 'awaiting-advice'", CHANGED),
        ("decision", "emergency = true", CHANGED),
        ("addendum", "text = 'rewritten'", "text is not the tombstone value"),
        ("addendum", "kind = 'correction'", CHANGED),
        ("reviewevent", "comment = 'rewritten'", "comment is not the tombstone value"),
        ("reviewevent", "action = 'concern'", CHANGED),
    ],
)
def test_retention_a_rewritten_tombstone_is_reported(disposed, table, change, reason):
    key = "id" if table == "decision" else "decision_id"
    superuser_update(f"UPDATE decisions_{table} SET {change} WHERE {key} = %s", [disposed.pk])
    result = audit.verify_chain()
    assert not result.ok
    assert reason in result.broken.reason


def test_retention_an_addendum_after_a_disposal_is_checked_like_any_record(disposed, practitioner):
    later = Addendum.objects.create(
        decision=disposed, author=practitioner, kind=Addendum.Kind.OTHER, text="Added after"
    )
    assert audit.verify_chain().ok
    superuser_update("UPDATE decisions_addendum SET text = 'changed' WHERE id = %s", [later.pk])
    assert "content has changed" in audit.verify_chain().broken.reason


def test_retention_disposal_refused_with_a_clear_message(old_and_new, practitioner, auditor, capsys):
    old, new = old_and_new
    with pytest.raises(audit.DisposalRefused, match="Only an auditor or an administrator"):
        audit.decision_dispose(decision=old, actor=practitioner, reason="Over")
    with pytest.raises(CommandError, match="still within its retention period"):
        call_command("retention_review", dispose=new.reference, by=auditor.username, reason="Early")
    call_command(
        "retention_review",
        dispose=new.reference,
        by=auditor.username,
        reason="Early",
        legal_reason="Subject's erasure request upheld by the ICO",
    )
    assert Disposal.objects.get().legal_override == "Subject's erasure request upheld by the ICO"
    assert audit.verify_chain().ok


def test_retention_database_tombstone_is_the_verifiers(disposed):
    """What audit_dispose_decision writes is exactly what the verifier calls a tombstone."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_canonical(d) FROM decisions_decision d WHERE id = %s", [disposed.pk])
        (canonical,) = cursor.fetchone()
    assert audit.tombstone_problem("decision", canonical) is None
    for name, value in audit.TOMBSTONES["decision"].items():
        content = audit.json.loads(canonical)
        assert content.get(name) == value
