import uuid

import pytest
from django.db import DatabaseError, connection, transaction

from decisions.models import Addendum, Decision, ReviewEvent, new_reference


@pytest.fixture
def decision(practitioner):
    return Decision.objects.create(
        submission_key=uuid.uuid4(),
        author=practitioner,
        case_reference="C-1",
        outcome="share",
        flowchart_version="2018.1",
        route=["triage"],
        answers={},
        form_data={},
        rationale="Because.",
    )


@pytest.fixture
def addendum(decision, practitioner):
    return Addendum.objects.create(decision=decision, author=practitioner, kind="other", text="Later fact")


def refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except DatabaseError as error:
        return "Cannot update or delete" in str(error)
    return False


def test_decisions_refuse_orm_updates_and_deletes(decision):
    decision.rationale = "Rewritten"
    assert refused(decision.save)
    assert refused(lambda: Decision.objects.filter(pk=decision.pk).update(outcome="do-not-share"))
    assert refused(decision.delete)
    assert Decision.objects.get(pk=decision.pk).rationale == "Because."


def test_decisions_refuse_raw_sql_updates_and_deletes(decision):
    def raw(sql):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql, [decision.pk])

        return run

    assert refused(raw("UPDATE decisions_decision SET outcome = 'share' WHERE id = %s"))
    assert refused(raw("DELETE FROM decisions_decision WHERE id = %s"))
    assert Decision.objects.filter(pk=decision.pk).exists()


def test_addenda_refuse_updates_and_deletes(addendum):
    assert refused(lambda: Addendum.objects.filter(pk=addendum.pk).update(text="Changed"))
    assert refused(addendum.delete)
    assert Addendum.objects.get(pk=addendum.pk).text == "Later fact"


def test_review_events_refuse_updates_and_deletes(decision, practitioner):
    review = ReviewEvent.objects.create(
        decision=decision, reviewer=practitioner, action="endorse", comment="Fine"
    )

    assert refused(lambda: ReviewEvent.objects.filter(pk=review.pk).update(comment="Changed"))
    assert refused(review.delete)


def test_references_are_short_and_unambiguous():
    references = {new_reference() for _ in range(500)}

    assert len(references) == 500
    for reference in references:
        assert len(reference) == 11 and reference.startswith("D-")
        assert not set(reference) & set("01ILOU")
