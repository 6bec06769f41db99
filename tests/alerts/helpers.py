"""Recording decisions the way practitioners do (the wizard over HTTP), and what an email may not hold."""

from django.test import Client

from decisions.models import Decision
from decisions.questions.base import Outcome
from tests.paths import PATHS_2024 as PATHS
from tests.wizard import recorded, walk


def routing(name: str) -> dict[str, str]:
    return next(path[1] for path in PATHS if path[0] == name)


ROUTINE = routing("told the family, public task")  # share, not urgent
EMERGENCY = routing("emergency, shared, would share")
FLAGGED = routing("emergency, shared, would not share")
AWAITING_ADVICE = next(p[1] for p in PATHS if p[3] == Outcome.AWAITING_ADVICE and not p[4])


def record(user, answers: dict[str, str], extra: dict | None = None) -> Decision:
    client = Client()
    client.force_login(user)
    _, final = walk(client, answers, extra)
    return recorded(final)


def personal_data(decision: Decision) -> list[str]:
    """Everything an email must never hold: the case reference, names, and every typed answer."""
    author = decision.author
    found = {decision.case_reference, decision.rationale, author.get_full_name(), author.last_name}
    for fields in decision.answers.values():
        for value in fields.values():
            if isinstance(value, str) and (" " in value.strip() or value == decision.case_reference):
                found.add(value)
    return sorted(value for value in found if value)


def assert_no_personal_data(messages, decision: Decision) -> None:
    forbidden = personal_data(decision)
    assert decision.case_reference in forbidden and decision.rationale in forbidden
    for message in messages:
        for value in forbidden:
            assert value not in message.subject, (value, message.subject)
            assert value not in message.body, (value, message.body)
