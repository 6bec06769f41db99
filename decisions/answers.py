"""How answers read on a page: the same for "check your answers", a stored decision and its print.

Labels always come from the decision's own question set, so a record reads as its author saw it
whatever sets are added later. No stored code is shown where a person reads.
"""

import datetime
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.utils.dateformat import format as format_date

from decisions.questions import law
from decisions.questions.base import QuestionSet, Step

NOT_GIVEN = "Not given"


@dataclass(frozen=True)
class FieldInfo:
    name: str
    label: str
    kind: str  # "choice", "date" or "text"
    choices: Mapping[str, str] | None = None


def _field_info(name: str, field: forms.Field) -> FieldInfo:
    if isinstance(field, forms.ChoiceField):
        return FieldInfo(name, str(field.label), "choice", {str(c[0]): str(c[1]) for c in field.choices})
    if isinstance(field, DateInputField):
        return FieldInfo(name, str(field.label), "date")
    return FieldInfo(name, str(field.label), "text")


def page_fields(question_set: QuestionSet, step: str) -> Sequence[FieldInfo]:
    """A page's fields, in the order the page asks them."""
    if question_set.field_table is not None:
        return [FieldInfo(*row) for row in question_set.field_table.get(step, [])]
    form_class = question_set.forms.get(Step(step))
    if form_class is None:
        return []
    return _form_fields(form_class)


@functools.cache
def _form_fields(form_class: type[forms.Form]) -> tuple[FieldInfo, ...]:
    """A form class's fields as ``FieldInfo``: worked out once a process, as its fields never
    change (each page of a record's summary asked for them again)."""
    return tuple(_field_info(name, field) for name, field in form_class.base_fields.items())


def display(info: FieldInfo, value: Any) -> str:
    if value in (None, ""):
        return NOT_GIVEN
    if info.kind == "choice":
        return info.choices.get(str(value), law.label(str(value)))
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime.date):
        return format_date(value, "j F Y")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, str) and len(value) == 8 and value[2] == ":" and value[5] == ":":
        return value[:5]  # a time stored as HH:MM:SS
    return str(value)


def answer_rows(question_set: QuestionSet, step: str, values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The (question, answer) pairs of one page, in the order the page asks them."""
    return [
        (info.label, display(info, values[info.name]))
        for info in page_fields(question_set, step)
        if info.name in values
    ]


STEP_TITLES = {step.value: step.label for step in Step}


def step_title(step: str) -> str:
    return STEP_TITLES.get(step, step)


def summary(
    question_set: QuestionSet, route: list[str], answers: Mapping[str, Mapping[str, Any]]
) -> list[dict]:
    """Every page on the route that has answers, with its rows."""
    return [
        {"step": step, "title": step_title(step), "rows": answer_rows(question_set, step, answers[step])}
        for step in route
        if step != Step.CHECK and answers.get(step)
    ]
