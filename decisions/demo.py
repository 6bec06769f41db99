"""Answers that make a valid decision on any route of the current question sets.

Used by ``seed_demo`` (a working service for a newcomer on a development machine) and by the tests,
which lay each route's own answers over these. Nothing here is real: the names are made up.
"""

from decisions.questions.base import Context, QuestionSet, Result, Step, evaluate, on_route
from decisions.questions.fields import PageContext

DEMO_ANSWERS: dict[str, dict[str, str]] = {
    Step.TRIAGE: {"answer": "no"},
    Step.EMERGENCY: {"answer": "yes"},
    Step.EMERGENCY_SHARE: {
        "shared_on_0": "3",
        "shared_on_1": "2",
        "shared_on_2": "2026",
        "shared_time": "14:30",
        "why_urgent": "The child said they were afraid to go home tonight.",
    },
    Step.SIGNIFICANT_HARM: {"answer": "no"},
    Step.REFERRAL: {
        "referred_to": "childrens-social-care",
        "referred_on_0": "3",
        "referred_on_1": "2",
        "referred_on_2": "2026",
        "referred_time": "09:15",
        "referral_contact": "Duty social worker, reference MASH-77",
    },
    Step.REQUEST: {
        "case_reference": "CASE-0042",
        "requested_by": "A school nurse, Riverside Primary",
        "request_method": "phone",
        "requested_on_0": "2",
        "requested_on_1": "2",
        "requested_on_2": "2026",
        "request_details": "Whether the family is known to early help.",
    },
    Step.PURPOSE: {"answer": "yes", "purpose": "protect", "purpose_details": ""},
    Step.ENGAGE: {
        "answer": "told",
        "engaged_with": "both",
        "consent_details": "Mother agreed on the phone on 3 February.",
        "child_views": "",
    },
    Step.CONSENT: {
        "answer": "not-sought",
        "consent_from": "carer",
        "consent_details": "Mother agreed on the phone on 3 February.",
        "not_sought_reason": "risk",
        "child_views": "",
    },
    Step.IDENTIFIABLE: {"answer": "yes"},
    Step.LAWFUL_REASON: {"answer": "yes"},
    Step.ADVICE: {
        "advice_from": "dsl",
        "adviser_name": "Jo Lead",
        "advice_question": "Is the risk high enough to share without consent?",
    },
    Step.LAWFUL_BASIS: {"answer": "6-1-e"},
    Step.POWER: {"answer": "ca2004-s11", "other_power": ""},
    Step.SPECIAL_CATEGORY: {"answer": "sch1-18"},
    Step.CRIMINAL_OFFENCE: {"answer": "none"},
    Step.RECIPIENT: {
        "recipient_name": "Chris Social",
        "recipient_role": "Social worker",
        "recipient_organisation": "Children's social care",
        "identity_checked": "known",
        "answer": "yes",
    },
    Step.IDENTITIES: {
        "answer": "protected",
        "recipient_asked": "Not to say who reported the concern.",
        "not_protected_reason": "The neighbour is the only possible source.",
    },
    Step.METHOD: {
        "method": "secure-email",
        "method_details": "",
        "shared_on_0": "4",
        "shared_on_1": "2",
        "shared_on_2": "2026",
    },
    Step.FACTS_OPINION: {
        "facts": "Visits on 1, 8 and 15 January.",
        "opinion": "",
        "historical": "no",
        "why_proportionate": "Only the dates are needed to plan the visit.",
    },
    Step.TRANSPARENCY: {
        "answer": "no-risk",
        "not_told_reason": "Telling the parent could put the child at risk.",
    },
    Step.WITHHOLD: {
        "reasons": "The request had no safeguarding purpose.",
        "discussed": "agreed",
        "next_steps": "",
    },
    Step.RATIONALE: {"rationale": "The answers to the flowchart support this decision."},
    Step.CHECK: {},
}


def demo_answers(
    question_set: QuestionSet,
    routing: dict[str, str],
    overrides: dict | None = None,
    context: Context | None = None,
) -> tuple[dict, dict, Result]:
    """The answers as the wizard hands them to ``decision_record``: each page's form, cleaned.

    Every page on the route is filled from ``DEMO_ANSWERS``, with ``routing`` and ``overrides``
    laid over it, and validated by the page's own form as the wizard would (raising if invalid).
    """
    overrides = overrides or {}
    context = context or Context()
    full_routing = {step: values["answer"] for step, values in DEMO_ANSWERS.items() if "answer" in values}
    full_routing.update(routing)
    result = evaluate(question_set, full_routing, context)
    answers, form_data = {}, {}
    page_context = PageContext(
        law_context=question_set.law_context(on_route(full_routing, result.route), context),
        emergency=result.emergency,
        significant_harm=result.significant_harm,
        basis_can_end=Step.LAWFUL_BASIS in result.questions_asked,
    )
    for step in result.route:
        values = {**DEMO_ANSWERS[step], **overrides.get(step, {})}
        if step in routing:
            values["answer"] = routing[step]
        data = {f"{step}-{name}": value for name, value in values.items()}
        form = question_set.forms[Step(step)](data=data, prefix=step, context=page_context)
        if not form.is_valid():
            raise ValueError(f"the demo answers for {step} are not valid: {form.errors.as_text()}")
        answers[step] = form.cleaned_data
        form_data[step] = {key: [value] for key, value in data.items()}
    return answers, form_data, result
