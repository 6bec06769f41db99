"""Walking the decision wizard over HTTP, as a browser without JavaScript would."""

import re

from django.test import Client
from django.urls import reverse

from decisions.demo import DEMO_ANSWERS, demo_answers
from decisions.models import Decision
from decisions.questions.base import Step

# A valid answer for every page of every current question set; a path's routing answers are laid
# over these. Follow-up fields that do not apply to the answer chosen are ignored by the forms.
VALID_ANSWERS = DEMO_ANSWERS

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
    """Answer the first question (which makes the draft); return the draft's first page URL."""
    response = client.post(reverse("decisions:new"), step_data(Step.TRIAGE))
    assert response.status_code == 302, response.content[:2000]
    return response["Location"].rsplit("/", 2)[0] + f"/{Step.TRIAGE}/"


def answer_until_check(client: Client, url: str, routing: dict[str, str]) -> str:
    """Answer each page from ``url`` on until "check your answers"; return its URL."""
    while current_step(url) != Step.CHECK:
        step = current_step(url)
        overrides = {"answer": routing[step]} if step in routing else {}
        response = client.post(url, step_data(step, overrides))
        assert response.status_code == 302, f"{step} did not accept its answers: {response.content[:3000]!r}"
        url = response["Location"]
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


cleaned_answers = demo_answers
