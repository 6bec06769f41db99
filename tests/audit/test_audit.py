"""The verifier: OK on a clean log, and names the first record that was tampered with."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from decisions import audit
from decisions.models import Decision


def as_superuser_without_triggers(statement: str, params=()) -> None:
    """What an attacker with the database's superuser could do: switch triggers off and write."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(statement, params)
        cursor.execute("SET session_replication_role = DEFAULT")


def test_verify_clean_log_is_ok_with_its_head(small_log, capsys):
    result = audit.verify_chain()
    assert result.ok
    assert result.checked == 5
    call_command("verify_decision_log")
    out = capsys.readouterr().out
    assert out.startswith(f"OK: 5 records, head 5 {result.head_hash}")


def test_verify_empty_log_is_ok(db):
    assert audit.verify_chain().ok


def test_verify_names_a_record_whose_content_was_changed(small_log):
    changed = small_log[1]
    as_superuser_without_triggers(
        "UPDATE decisions_decision SET rationale = 'rewritten' WHERE id = %s", [changed.pk]
    )
    result = audit.verify_chain()
    assert not result.ok
    assert result.broken.seq == changed.chain_seq
    assert result.broken.label == changed.reference
    assert "content has changed" in result.broken.reason
    with pytest.raises(
        CommandError, match=f"BROKEN at record {changed.chain_seq} \\(decision {changed.reference}\\)"
    ):
        call_command("verify_decision_log")


def test_verify_names_the_gap_left_by_a_deleted_addendum(small_log):
    as_superuser_without_triggers("DELETE FROM decisions_addendum")
    result = audit.verify_chain()
    assert not result.ok
    assert "missing" in result.broken.reason


def test_verify_catches_a_rehashed_record(small_log):
    """Recomputing the tampered record's own hashes breaks the link to the next record."""
    first = small_log[0]
    as_superuser_without_triggers(
        "UPDATE decisions_decision d SET rationale = 'rewritten' WHERE id = %s", [first.pk]
    )
    as_superuser_without_triggers(
        "UPDATE decisions_decision d SET content_hash = audit_sha256(audit_canonical(d)) WHERE id = %s",
        [first.pk],
    )
    as_superuser_without_triggers(
        "UPDATE decisions_decision d SET chain_hash = audit_link_hash(chain_prev, chain_seq, 'decision',"
        " content_hash) WHERE id = %s",
        [first.pk],
    )
    result = audit.verify_chain()
    assert not result.ok
    assert result.broken.seq == first.chain_seq + 1
    assert "previous record" in result.broken.reason


def test_verify_application_cannot_update_or_delete(small_log):
    with pytest.raises(DatabaseError), transaction.atomic():
        Decision.objects.filter(pk=small_log[0].pk).update(rationale="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        Decision.objects.filter(pk=small_log[0].pk).delete()
