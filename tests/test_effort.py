"""How much each route asks of a practitioner: pages, clicks, required fields, required long text.

The table is generated from the question sets' own forms (a field counts as required when leaving
it blank is refused, given the answers on the route) and must match docs/effort.md, so the document
stays true. The typical share routes ask for at most four long texts.
"""

import re
from pathlib import Path

import pytest
from crispy_forms_gds.fields import DateInputField
from django import forms

from decisions.questions import registry
from decisions.questions.base import Context, Step, evaluate, on_route
from decisions.questions.fields import PageContext
from tests.paths import SETS
from tests.test_questions import DEFAULT_ROUTING, TODAY
from tests.wizard import VALID_ANSWERS, step_data

DOC = Path(__file__).resolve().parents[1] / "docs" / "effort.md"
TYPICAL_SHARE = {"2024.1": "told the family, public task", "2018.2": "lawful reason"}
EMPTY = {"": ""}


def blank(name: str, field: forms.Field) -> dict[str, str]:
    if isinstance(field, DateInputField):
        return {f"{name}_{part}": "" for part in range(3)}
    return {name: ""}


def effort(key: str, routing: dict, extra: dict) -> dict[str, int]:
    question_set = registry.get(key)
    answers = {**DEFAULT_ROUTING, **{s: v["answer"] for s, v in extra.items()}, **routing}
    context = Context(decided_on=TODAY)
    result = evaluate(question_set, answers, context)
    page_context = PageContext(
        law_context=question_set.law_context(on_route(answers, result.route), context),
        emergency=result.emergency,
        significant_harm=result.significant_harm,
        basis_can_end=Step.LAWFUL_BASIS in result.questions_asked,
    )
    totals = {"pages": len(result.route), "clicks": 1, "required": 0, "long": 0}  # 1: "Start now"
    for step in result.route:
        values = {**VALID_ANSWERS[step], **extra.get(step, {})}
        if step in answers and "answer" in values:
            values["answer"] = answers[step]
        form_class = question_set.forms[step]
        totals["clicks"] += 1  # Continue, or "Record the decision"
        for name, field in form_class(context=page_context).fields.items():
            data = step_data(step, {**values, **blank(name, field)})
            form = form_class(data=data, prefix=step, context=page_context)
            if form.is_valid() or name not in form.errors:
                continue
            totals["required"] += 1
            if isinstance(field.widget, forms.RadioSelect):
                totals["clicks"] += 1
            if isinstance(field.widget, forms.Textarea):
                totals["long"] += 1
    return totals


def table() -> str:
    lines = [
        "| Question set | Route | Pages | Clicks | Required answers | Required long text |",
        "|---|---|---|---|---|---|",
    ]
    for key, paths in SETS.items():
        for name, routing, _route, _outcome, _emergency, _attention, extra in paths:
            figures = effort(key, {"triage": "no", **routing}, extra)
            lines.append(
                f"| {key} | {name} | {figures['pages']} | {figures['clicks']} | {figures['required']} "
                f"| {figures['long']} |"
            )
    return "\n".join(lines)


def test_the_effort_table_in_the_docs_is_what_the_forms_ask():
    generated = table()
    documented = re.search(r"<!-- effort-table -->\n(.*?)\n<!-- /effort-table -->", DOC.read_text(), re.S)
    assert documented, f"{DOC} has no effort table"
    assert documented[1].strip() == generated, f"docs/effort.md is out of date; it should say:\n\n{generated}"


@pytest.mark.parametrize(("key", "name"), TYPICAL_SHARE.items())
def test_a_typical_share_asks_for_at_most_four_long_texts(key, name):
    path = next(p for p in SETS[key] if p[0] == name)
    assert effort(key, {"triage": "no", **path[1]}, path[6])["long"] <= 4
