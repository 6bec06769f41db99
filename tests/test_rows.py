"""decisions.rows: one model instance read with plain SQL, as ``Model.objects.raw`` builds it."""

import uuid

from decisions import rows, services
from decisions.models import Draft

ANSWERS = {"step_data": {"triage": {"triage-answer": ["no"]}}}
SQL = "SELECT d.*, 41 + 1 AS answer_count FROM decisions_draft d WHERE d.id = %s"


def test_a_row_comes_back_as_the_instance_raw_would_build(practitioner):
    draft = services.draft_start(
        author=practitioner, data={"step_data": {"triage": {"triage-answer": ["no"]}}}
    )

    read = rows.one(Draft, SQL, [draft.pk])
    expected = next(iter(Draft.objects.raw(SQL, [draft.pk])))

    assert read.pk == expected.pk == draft.pk
    assert read.data == expected.data == ANSWERS  # JSON decoded
    assert read.updated_at == expected.updated_at and read.updated_at.tzinfo is not None
    assert read.author_id == practitioner.pk
    assert read.answer_count == expected.answer_count == 42  # a column that is no field
    assert not read._state.adding and read._state.db == "default"


def test_no_row_is_none(db):
    assert rows.one(Draft, SQL, [uuid.uuid4()]) is None
