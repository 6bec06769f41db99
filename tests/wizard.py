"""Walking the decision wizard over HTTP, as a browser without JavaScript would."""

import re

from django.test import Client
from django.urls import reverse

from decisions.flowchart import Step
from decisions.models import Decision

# A valid answer for every page; a path's routing answers are laid over these.
VALID_ANSWERS: dict[str, dict[str, str]] = {
    Step.TRIAGE: {"answer": "no"},
    Step.EMERGENCY: {"answer": "yes"},
    Step.EMERGENCY_SHARE: {
        "shared_on_0": "3",
        "shared_on_1": "2",
        "shared_on_2": "2026",
        "shared_time": "14:30",
        "why_urgent": "The child said they were afraid to go home tonight.",
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
    Step.PURPOSE: {"answer": "yes", "purpose": "To protect the child from harm at home."},
    Step.CONSENT: {"answer": "no", "consent_details": ""},
    Step.IDENTIFIABLE: {"answer": "yes"},
    Step.LAWFUL_REASON: {"answer": "yes", "lawful_reason": "Asking would put the child at risk."},
    Step.ADVICE: {
        "advice_from": "dsl",
        "adviser_name": "Jo Lead",
        "advice_question": "Is the risk high enough to share without consent?",
    },
    Step.LAWFUL_BASIS: {"lawful_basis": "6-1-e"},
    Step.SPECIAL_CATEGORY: {"condition": "sch1-18"},
    Step.HOW_MUCH: {
        "what_shared": "Dates of the last three home visits.",
        "why_proportionate": "Only the dates are needed to plan the visit.",
        "identities_protected": "yes",
    },
    Step.FACTS_OPINION: {"facts": "Visits on 1, 8 and 15 January.", "opinion": ""},
    Step.RECIPIENT: {
        "recipient_name": "Chris Social",
        "recipient_role": "Social worker",
        "recipient_organisation": "Children's social care",
        "safeguarding_role": "yes",
    },
    Step.METHOD: {
        "method": "secure-email",
        "method_details": "",
        "shared_on_0": "4",
        "shared_on_1": "2",
        "shared_on_2": "2026",
    },
    Step.TRANSPARENCY: {
        "told": "no-risk",
        "not_told_reason": "Telling the parent could put the child at risk.",
    },
    Step.WITHHOLD: {
        "reasons": "The request had no safeguarding purpose.",
        "discussed": "yes",
        "discussion_notes": "",
    },
    Step.RATIONALE: {"rationale": "The answers to the flowchart support this decision."},
    Step.CHECK: {},
}

MANAGEMENT_FIELD = "decision_wizard-current_step"


def step_data(step: str, overrides: dict | None = None) -> dict[str, str]:
    values = {**VALID_ANSWERS[step], **(overrides or {})}
    data = {f"{step}-{name}": value for name, value in values.items()}
    data[MANAGEMENT_FIELD] = step
    return data


def current_step(url: str) -> str:
    match = re.search(r"/draft/[0-9a-f-]+/([a-z-]+)/$", url)
    assert match, f"not a wizard page: {url}"
    return match[1]


def start_draft(client: Client) -> str:
    response = client.post(reverse("decisions:new"))
    assert response.status_code == 302
    return response["Location"]


def answer_until_check(client: Client, url: str, routing: dict[str, str]) -> str:
    """Answer each page from ``url`` on until "check your answers"; return its URL."""
    while current_step(url) != Step.CHECK:
        step = current_step(url)
        overrides = {"answer": routing[step]} if step in routing else {}
        url = client.post(url, step_data(step, overrides))["Location"]
    return url


def walk(client: Client, routing: dict[str, str], extra: dict | None = None) -> tuple[list[str], str]:
    """Answer every page until the wizard ends. Returns the pages seen and the final URL."""
    url = start_draft(client)
    seen = []
    for _ in range(30):
        step = current_step(url)
        seen.append(step)
        overrides = dict((extra or {}).get(step, {}))
        if step in routing:
            overrides["answer"] = routing[step]
        response = client.post(url, step_data(step, overrides))
        assert response.status_code == 302, f"{step} did not accept its answers: {response.content[:2000]!r}"
        url = response["Location"]
        if step == Step.CHECK:
            response = client.get(url)  # the "done" URL stores the decision
            assert response.status_code == 302
            return seen, response["Location"]
    raise AssertionError(f"the wizard did not end: {seen}")


def recorded(final_url: str) -> Decision:
    reference = re.search(r"/decisions/([A-Z0-9-]+)/confirmation/$", final_url)[1]
    return Decision.objects.get(reference=reference)
