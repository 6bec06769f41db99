"""The hash chain: every insert joins it, in the database, whatever the path or the concurrency."""

import threading

import pytest
from django.db import connection, connections, transaction

from decisions import audit
from decisions.models import Addendum, ChainHead, Decision, ReviewEvent
from tests import wizard
from tests.audit.conftest import create_decision


def test_chain_links_every_kind_of_record_in_order(small_log):
    records = sorted(
        [*Decision.objects.all(), *Addendum.objects.all(), *ReviewEvent.objects.all()],
        key=lambda record: record.chain_seq,
    )
    assert [record.chain_seq for record in records] == [1, 2, 3, 4, 5]
    previous = audit.GENESIS
    for record in records:
        assert record.chain_prev == previous
        previous = record.chain_hash
    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (5, previous)


def test_chain_hash_is_recomputable_from_the_canonical_content(small_log):
    decision = Decision.objects.get(pk=small_log[0].pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_canonical(d) FROM decisions_decision d WHERE id = %s", [decision.pk])
        (canonical,) = cursor.fetchone()
    assert audit.sha256_hex(canonical) == decision.content_hash
    assert decision.chain_hash == audit.link_hash(
        decision.chain_prev, decision.chain_seq, "decision", decision.content_hash
    )
    assert '"rationale": "The answers support sharing."' in canonical


def test_chain_ignores_values_the_application_tries_to_supply(practitioner):
    decision = create_decision(practitioner, chain_seq=999, chain_hash="f" * 64, chain_prev="e" * 64)
    decision.refresh_from_db()
    assert decision.chain_seq == 1
    assert decision.chain_prev == audit.GENESIS
    assert decision.chain_hash != "f" * 64


def test_chain_covers_a_raw_sql_insert(practitioner):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO decisions_decision (reference, submission_key, author_id, case_reference, outcome,"
            " flowchart_version, route, answers, form_data, emergency, needs_attention, rationale,"
            " lawful_basis, special_category_condition, recipient_organisation, advice_from, created_at)"
            " VALUES ('D-RAWS-QL00', gen_random_uuid(), %s, 'RAW', 'share', '2018', '[]', '{}', '{}',"
            " false, false, 'raw', '', '', '', '', now()) RETURNING chain_seq, chain_hash",
            [practitioner.pk],
        )
        seq, chain_hash = cursor.fetchone()
    assert seq == 1
    assert len(chain_hash) == 64
    assert audit.verify_chain().ok


def test_chain_a_rolled_back_insert_leaves_no_gap(practitioner):
    create_decision(practitioner)
    with pytest.raises(RuntimeError), transaction.atomic():
        create_decision(practitioner)
        raise RuntimeError("the request failed")
    create_decision(practitioner)
    assert sorted(Decision.objects.values_list("chain_seq", flat=True)) == [1, 2]
    assert audit.verify_chain().ok


def test_chain_decision_recorded_through_the_wizard_is_chained(practitioner_client):
    _seen, final_url = wizard.walk(practitioner_client, {})
    decision = wizard.recorded(final_url)
    assert decision.chain_seq == 1
    result = audit.verify_chain()
    assert result.ok
    assert (result.head_seq, result.head_hash) == (1, decision.chain_hash)


@pytest.mark.django_db(transaction=True)
def test_chain_concurrent_submissions_are_all_stored_without_a_fork_or_gap(practitioner):
    threads_count, per_thread = 8, 15
    barrier = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    def submit():
        try:
            barrier.wait()
            for _ in range(per_thread):
                with transaction.atomic():
                    create_decision(practitioner)
        except BaseException as error:  # surfaced in the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    total = threads_count * per_thread
    assert Decision.objects.count() == total
    assert sorted(Decision.objects.values_list("chain_seq", flat=True)) == list(range(1, total + 1))
    result = audit.verify_chain()
    assert result.ok, str(result.broken)
    assert result.head_seq == total


def test_chain_stays_verifiable_when_a_later_migration_adds_a_nullable_column(small_log):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE decisions_decision ADD COLUMN added_later date")
        cursor.execute("ALTER TABLE decisions_addendum ADD COLUMN source text")

    result = audit.verify_chain()

    assert result.ok, result
