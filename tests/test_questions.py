"""The question sets as pure functions: every route, the law's coherence rules, random answers."""

import dataclasses
import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from decisions.questions import law, registry
from decisions.questions.base import Context, Outcome, Step, evaluate, on_route
from decisions.services import coherence_problems
from tests.paths import ALL_PATH_IDS, ALL_PATHS
from tests.wizard import VALID_ANSWERS

DEFAULT_ROUTING = {step: values["answer"] for step, values in VALID_ANSWERS.items() if "answer" in values}
TODAY = datetime.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("key", "name", "routing", "route", "outcome", "emergency", "attention", "extra"),
    ALL_PATHS,
    ids=ALL_PATH_IDS,
)
def test_every_route_of_every_set_leads_to_its_outcome(
    key, name, routing, route, outcome, emergency, attention, extra
):
    answers = {**DEFAULT_ROUTING, **{s: v["answer"] for s, v in extra.items()}, **routing}

    result = evaluate(registry.get(key), answers, Context(decided_on=TODAY))

    assert list(result.route) == route
    assert result.outcome == outcome
    assert result.emergency is emergency
    assert list(result.attention) == attention
    assert result.complete


@pytest.mark.parametrize(
    ("key", "name", "routing", "route", "outcome", "emergency", "attention", "extra"),
    ALL_PATHS,
    ids=ALL_PATH_IDS,
)
def test_a_route_is_never_complete_without_all_its_answers(
    key, name, routing, route, outcome, emergency, attention, extra
):
    question_set = registry.get(key)
    answers = {**DEFAULT_ROUTING, **{s: v["answer"] for s, v in extra.items()}, **routing}
    for step in question_set.routing_steps():
        if step in route:
            partial = {k: v for k, v in answers.items() if k != step}
            result = evaluate(question_set, partial, Context(decided_on=TODAY))
            assert result.outcome is None or not result.complete, step
            assert step == result.route[-1]


@pytest.mark.parametrize("key", ["2024.1", "2018.2"])
def test_every_route_keeps_the_order_of_the_sets_pages(key):
    question_set = registry.get(key)
    order = list(question_set.forms)
    for path in [p for p in ALL_PATHS if p[0] == key]:
        route = path[3]
        assert [order.index(step) for step in route] == sorted(order.index(step) for step in route)


def test_the_2024_advice_is_the_default_and_the_retired_set_is_not_offered():
    assert registry.DEFAULT_KEY == "2024.1"
    assert [qs.key for qs in registry.selectable()] == ["2024.1", "2018.2"]
    assert registry.for_continuation("2018.1").key == "2018.2"


# --- Which bases are offered: route x organisation type x date ----------------------------------

PUBLIC = sorted(law.PUBLIC_BODIES)
NOT_PUBLIC = [law.OrganisationType.VOLUNTARY, law.OrganisationType.PRIVATE]
AFTER_EA = datetime.date(2026, 3, 1)
BEFORE_EA = datetime.date(2025, 12, 1)


def law_context(organisation, consent=False, day=AFTER_EA):
    return law.Context(organisation_type=organisation, decided_on=day, consent_given=consent)


@pytest.mark.parametrize("organisation", list(law.OrganisationType))
@pytest.mark.parametrize("consent", [True, False])
@pytest.mark.parametrize("day", [BEFORE_EA, AFTER_EA])
def test_the_bases_offered_fit_the_organisation_the_route_and_the_date(organisation, consent, day):
    context = law_context(organisation, consent, day)
    bases = {b.code for b in law.offered_bases(context)}
    special = {c.code for c in law.offered_special_category(context)}
    criminal = {c.code for c in law.offered_criminal_offence(context)}
    public = organisation in law.PUBLIC_BODIES

    assert ("6-1-a" in bases) is consent
    assert ("6-1-f" in bases) is not public
    assert ("6-1-ea" in bases) is (not public and day >= law.EA_COMMENCEMENT)
    assert "6-1-e" in bases and "6-1-d" in bases
    assert ("9-2-a" in special) is consent
    assert ("sch1-18" in special) is not consent  # paragraph 18 only without consent
    assert ("co-sch1-29" in criminal) is consent
    assert ("co-sch1-18" in criminal) is not consent
    assert ("co-part3" in criminal) is (organisation == law.OrganisationType.POLICE)
    assert law.asks_power(context) is public
    # Whatever is offered is coherent; whatever is not is refused.
    for code in {b.code for b in law.ARTICLE_6}:
        assert (not law.incoherent(context, basis=code)) is (code in bases), code
    for code in {c.code for c in law.SPECIAL_CATEGORY}:
        assert (not law.incoherent(context, special_category=code)) is (code in special), code
    for code in {c.code for c in law.CRIMINAL_OFFENCE}:
        assert (not law.incoherent(context, criminal_offence=code)) is (code in criminal), code


def test_a_power_is_only_named_by_a_public_body():
    assert law.incoherent(law_context(law.OrganisationType.VOLUNTARY), power="ca2004-s11")
    assert not law.incoherent(law_context(law.OrganisationType.SCHOOL), power="ea2002-s175")
    assert law.incoherent(law_context(law.OrganisationType.SCHOOL), power="made-up")


# --- Random answers: an unfinished route or a coherent record, never "do not share" after harm ---

ROUTING_VALUES = {
    Step.TRIAGE: ["yes", "no", "maybe"],
    Step.EMERGENCY: ["yes", "no"],
    Step.SIGNIFICANT_HARM: ["yes", "no", "not-sure", ""],
    Step.PURPOSE: ["yes", "no", "not-sure"],
    Step.ENGAGE: ["consent", "told", "not-safe", "not-practicable", "not-sure", "bogus"],
    Step.CONSENT: ["given", "refused", "not-sought", "not-sure"],
    Step.IDENTIFIABLE: ["yes", "no", "not-sure"],
    Step.LAWFUL_REASON: ["yes", "no", "not-sure"],
    Step.LAWFUL_BASIS: [b.code for b in law.ARTICLE_6] + ["none", "not-sure"],
    Step.POWER: [p.code for p in law.POWERS] + ["other", "not-sure"],
    Step.SPECIAL_CATEGORY: [c.code for c in law.SPECIAL_CATEGORY] + ["none", "not-sure"],
    Step.CRIMINAL_OFFENCE: [c.code for c in law.CRIMINAL_OFFENCE] + ["none", "not-sure"],
    Step.RECIPIENT: ["yes", "no", "not-sure"],
    Step.IDENTITIES: ["not-needed", "protected", "not-protected", "not-sure"],
    Step.TRANSPARENCY: ["yes", "will-tell", "no-risk", "no-other", "not-sure"],
}

answers_strategy = st.fixed_dictionaries(
    {}, optional={step: st.sampled_from(v) for step, v in ROUTING_VALUES.items()}
)


def offered_by_the_pages(question_set, result, answers, context) -> bool:
    """Whether every answer on the route is one its page would have offered."""
    law_context = question_set.law_context(on_route(answers, result.route), context)
    offered = {
        Step.LAWFUL_BASIS: {b.code for b in law.offered_bases(law_context)} | {"not-sure"},
        Step.SPECIAL_CATEGORY: {c.code for c in law.offered_special_category(law_context)}
        | {"none", "not-sure"},
        Step.CRIMINAL_OFFENCE: {c.code for c in law.offered_criminal_offence(law_context)}
        | {"none", "not-sure"},
    }
    if Step.LAWFUL_BASIS in result.questions_asked:  # a "when" question: no basis, do not share
        offered[Step.LAWFUL_BASIS].add("none")
    if not result.emergency:
        offered[Step.RECIPIENT] = {"yes", "not-sure"}
    return all(answers.get(step) in values for step, values in offered.items() if step in result.route)


@settings(max_examples=400, deadline=None)
@given(
    key=st.sampled_from(["2024.1", "2018.2"]),
    answers=answers_strategy,
    organisation=st.sampled_from(list(law.OrganisationType)),
    day=st.sampled_from([BEFORE_EA, AFTER_EA]),
)
def test_random_answers_make_an_unfinished_route_or_a_coherent_record(key, answers, organisation, day):
    question_set = registry.get(key)
    context = Context(organisation_type=organisation, decided_on=day)

    result = evaluate(question_set, answers, context)

    if result.significant_harm:
        assert result.outcome != Outcome.DO_NOT_SHARE
        assert Step.WITHHOLD not in result.route
    if result.outcome is None:
        assert not result.complete
        return
    assert result.route[-2:] == (Step.RATIONALE, Step.CHECK)
    assert (Step.ADVICE in result.route) is (result.outcome == Outcome.AWAITING_ADVICE)
    problems = coherence_problems(question_set, result, answers, context)
    if offered_by_the_pages(question_set, result, answers, context):
        assert problems == [], (answers, problems)
    else:
        assert problems, answers  # the service refuses what no page offers


def test_a_third_set_can_be_added_without_changing_how_others_read():
    """A later set (here a test-only one) changes nothing for decisions recorded under another."""
    current = registry.get("2024.1")
    third = dataclasses.replace(current, key="2030.1", title="A future set")
    answers = {**DEFAULT_ROUTING}
    before = evaluate(current, answers, Context(decided_on=TODAY))
    registry.SETS[third.key] = third
    try:
        assert evaluate(current, answers, Context(decided_on=TODAY)) == before
        assert registry.get("2018.1").title == "When and how to share information (2018)"
    finally:
        del registry.SETS[third.key]
