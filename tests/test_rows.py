"""decisions.rows: one model instance read with plain SQL, as ``Model.objects.raw`` builds it."""

import uuid

from decisions import rows, services
from decisions.models import Decision, Draft

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


RELATED_SQL = (
    "SELECT d.*, {author}, {continues} FROM decisions_draft d"
    " JOIN auth_user author ON author.id = d.author_id"
    " LEFT JOIN decisions_decision continues ON continues.id = d.continues_id"
    " WHERE d.id = %s"
)


def test_related_rows_come_back_as_select_related_would_build_them(
    practitioner, django_user_model, django_assert_num_queries
):
    draft = services.draft_start(author=practitioner)
    sql = RELATED_SQL.format(
        author=rows.columns(django_user_model, "author", "author"),
        continues=rows.columns(Decision, "continues", "continues"),
    )

    read = rows.one(Draft, sql, [draft.pk], related=("author", "continues"))
    expected = Draft.objects.select_related("author", "continues").get(pk=draft.pk)

    with django_assert_num_queries(0):  # both read in the same row
        assert read.author.pk == expected.author.pk == practitioner.pk
        assert read.author.username == practitioner.username
        assert read.author.date_joined == expected.author.date_joined  # converted, time zone and all
        assert read.author.date_joined.tzinfo is not None
        assert read.continues is None  # the left join found nothing
    assert read.data == expected.data  # the draft's own columns are still its own
    assert not hasattr(read, "author.id")  # the related columns are not left as attributes


def test_every_row_comes_back_in_order_with_its_related_rows(
    practitioner, other_practitioner, django_user_model, django_assert_num_queries
):
    first = services.draft_start(author=practitioner)
    second = services.draft_start(author=other_practitioner)
    sql = (
        "SELECT d.*, {author} FROM decisions_draft d JOIN auth_user author ON author.id = d.author_id"
        " WHERE d.id IN (%s, %s) ORDER BY d.created_at DESC, d.id DESC"
    ).format(author=rows.columns(django_user_model, "author", "author"))

    with django_assert_num_queries(1):
        found = rows.every(Draft, sql, [first.pk, second.pk], related=("author",))
        assert [draft.pk for draft in found] == [second.pk, first.pk]
        assert [draft.author.username for draft in found] == [
            other_practitioner.username,
            practitioner.username,
        ]
    assert rows.every(Draft, sql, [uuid.uuid4(), uuid.uuid4()], related=("author",)) == []
