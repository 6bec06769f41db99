"""How answers read on a page: the same for "check your answers" and a stored decision."""

import datetime
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.dateformat import format as format_date

from decisions.flowchart import Step
from decisions.forms import WIZARD_FORMS

NOT_GIVEN = "Not given"


def _display(field: forms.Field, value: Any) -> str:
    if value in (None, ""):
        return NOT_GIVEN
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime.date):
        return format_date(value, "j F Y")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return str(value)


def answer_rows(step: str, values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The (question, answer) pairs of one wizard page, in the order the page asks them."""
    form_class = WIZARD_FORMS[Step(step)]
    return [
        (field.label, _display(field, values[name]))
        for name, field in form_class.base_fields.items()
        if name in values
    ]


def summary(route: list[str], answers: Mapping[str, Mapping[str, Any]]) -> list[dict]:
    """Every page on the route that has answers, with its rows."""
    return [
        {"step": step, "title": Step(step).label, "rows": answer_rows(step, answers[step])}
        for step in route
        if step != Step.CHECK and answers.get(step)
    ]
