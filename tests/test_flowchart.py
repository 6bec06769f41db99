import pytest

from decisions import flowchart
from decisions.flowchart import Outcome, Step
from tests.paths import PATH_IDS, PATHS


@pytest.mark.parametrize(
    ("name", "answers", "route", "outcome", "emergency", "attention"), PATHS, ids=PATH_IDS
)
def test_evaluate_every_path_to_its_outcome(name, answers, route, outcome, emergency, attention):
    result = flowchart.evaluate(answers)

    assert list(result.route) == route
    assert result.outcome == outcome
    assert result.emergency is emergency
    assert result.needs_attention is attention
    assert result.complete


@pytest.mark.parametrize(
    ("name", "answers", "route", "outcome", "emergency", "attention"), PATHS, ids=PATH_IDS
)
def test_evaluate_stops_at_the_first_unanswered_question(name, answers, route, outcome, emergency, attention):
    routing = [step for step in route if step in answers]
    for count, step in enumerate(routing):
        partial = {s: answers[s] for s in routing[:count]}
        result = flowchart.evaluate(partial)
        assert result.route[-1] == step
        assert result.outcome is None
        assert not result.complete


def test_evaluate_treats_an_unknown_answer_as_unanswered():
    result = flowchart.evaluate({"triage": "no", "purpose": "maybe"})

    assert result.route[-1] == Step.PURPOSE
    assert result.outcome is None


def test_evaluate_ignores_answers_off_the_route():
    result = flowchart.evaluate({"triage": "no", "purpose": "no", "consent": "yes", "emergency": "yes"})

    assert result.outcome == Outcome.DO_NOT_SHARE
    assert Step.CONSENT not in result.route
    assert not result.emergency


def test_every_flowchart_version_is_registered_under_its_own_version():
    assert flowchart.FLOWCHARTS[flowchart.CURRENT.version] is flowchart.CURRENT
    assert all(key == chart.version for key, chart in flowchart.FLOWCHARTS.items())


def test_walk_follows_the_published_questions_in_order():
    asked, outcome = flowchart.CURRENT.walk({"purpose": "yes", "consent": "no", "identifiable": "yes"})

    assert asked == [Step.PURPOSE, Step.CONSENT, Step.IDENTIFIABLE, Step.LAWFUL_REASON]
    assert outcome is None
