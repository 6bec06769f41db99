"""How answers read on a page: the same for "check your answers", a stored decision and its print.

Labels always come from the decision's own question set, so a record reads as its author saw it
whatever sets are added later. No stored code is shown where a person reads.
"""

import datetime
from collections.abc import Mapping
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


def page_fields(question_set: QuestionSet, step: str) -> list[FieldInfo]:
    """A page's fields, in the order the page asks them."""
    if question_set.field_table is not None:
        return [FieldInfo(*row) for row in question_set.field_table.get(step, [])]
    form_class = question_set.forms.get(Step(step))
    if form_class is None:
        return []
    return [_field_info(name, field) for name, field in form_class.base_fields.items()]


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


def step_title(step: str) -> str:
    return Step(step).label if step in Step.values else step


def summary(
    question_set: QuestionSet, route: list[str], answers: Mapping[str, Mapping[str, Any]]
) -> list[dict]:
    """Every page on the route that has answers, with its rows."""
    return [
        {"step": step, "title": step_title(step), "rows": answer_rows(question_set, step, answers[step])}
        for step in route
        if step != Step.CHECK and answers.get(step)
    ]
