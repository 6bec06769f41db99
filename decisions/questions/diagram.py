"""The flowchart of a decision's own question set, with the route it took marked.

Drawn as an ordered list (HTML, with small SVG arrows in the template): it reads in order with a
screen reader, reflows on a phone, and needs no JavaScript.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from decisions.answers import page_fields
from decisions.questions.base import ANSWER_FIELD, Outcome, QuestionSet, Step


@dataclass
class Exit:
    answer: str
    leads_to: str
    taken: bool = False


@dataclass
class Node:
    step: str
    question: str
    taken: bool
    answer: str = ""
    exits: list[Exit] = field(default_factory=list)


def _label(question_set: QuestionSet, step: Step) -> tuple[str, dict[str, str]]:
    for info in page_fields(question_set, step):
        if info.name == ANSWER_FIELD:
            return info.label, dict(info.choices or {})
    return step.label, {}


def _place(target: "Step | Outcome", question_set: QuestionSet) -> str:
    if isinstance(target, Outcome) or target in Outcome.values:
        return Outcome(target).label
    return _label(question_set, Step(target))[0]


def flowchart(
    question_set: QuestionSet, route: list[str], answers: Mapping[str, Mapping[str, Any]]
) -> list[Node]:
    """Every question of the set in order, what was answered, and where each answer leads."""

    def node(step: Step, exits: list[Exit] | None = None, question: str | None = None) -> Node:
        label, choices = _label(question_set, step)
        value = answers.get(step, {}).get(ANSWER_FIELD)
        answered = choices.get(str(value), "") if value is not None else ""
        for exit_ in exits or []:
            exit_.taken = step in route and exit_.answer == answered
        return Node(step, question or label, step in route, answered, exits or [])

    nodes = [node(Step.TRIAGE, [Exit("Yes", "Call the police or children's social care now")])]
    nodes.append(
        node(Step.EMERGENCY, [Exit("Yes, I have already shared it", "Record the emergency sharing")])
    )
    if question_set.significant_harm:
        nodes.append(
            node(
                Step.SIGNIFICANT_HARM,
                [Exit("Yes", "Refer to children's social care or the police, then record how it was shared")],
            )
        )
    nodes.append(Node(Step.REQUEST, "About the request", Step.REQUEST in route))
    for question in question_set.questions:
        _question, choices = _label(question_set, question.step)
        by_target: dict[str, list[str]] = {}
        for value, target in question.routes.items():
            by_target.setdefault(_place(target, question_set), []).append(choices.get(value, value))
        exits = [
            Exit(" or ".join(answers_) if len(answers_) < 3 else "A lawful basis", place)
            for place, answers_ in by_target.items()
        ]
        built = node(question.step, exits)
        value = answers.get(question.step, {}).get(ANSWER_FIELD)
        target = question.routes.get(value)
        for exit_ in built.exits:
            exit_.taken = (
                built.taken and target is not None and exit_.leads_to == _place(target, question_set)
            )
        nodes.append(built)
    how_taken = any(page.step in route for page in question_set.how)
    nodes.append(Node("how", "How to share: lawful basis, recipient, method, what is shared", how_taken))
    nodes.append(
        Node(Step.WITHHOLD, "Reasons for not sharing, explained to whoever asked", Step.WITHHOLD in route)
    )
    nodes.append(Node(Step.ADVICE, "I'm not sure, at any question: ask for advice", Step.ADVICE in route))
    nodes.append(Node(Step.RATIONALE, "Record the decision and the reasons", Step.RATIONALE in route))
    return nodes
