"""GOV.UK Frontend's JavaScript runs as a module under the strict CSP: "Escalate to" is revealed
under its choice and the comment counts its characters with JavaScript; without it, every field
is shown and the limit is stated."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from decisions.models import ReviewEvent
from decisions.questions.base import Outcome
from tests.browser_support import TIMEOUT_MS, pass_two_factor
from tests.conftest import PASSWORD


def review_page(chromium_browser, live_server, manager, decision, *, javascript: bool):
    context = chromium_browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(reverse("login"))
    page.get_by_label("Username").fill(manager.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_two_factor(page)
    page.goto(reverse("manager:review", args=[decision.reference]))
    return page, errors


@pytest.fixture
def decision(people, record_decision, live_roles):
    return record_decision(people["practitioner"], Outcome.SHARE)


def test_escalate_to_is_revealed_under_its_choice(chromium_browser, live_server, people, decision):
    page, errors = review_page(chromium_browser, live_server, people["manager"], decision, javascript=True)
    body = page.locator("body")
    expect(body).to_have_class("govuk-template__body js-enabled govuk-frontend-supported")
    expect(page.locator('[data-module="govuk-radios"]')).to_have_attribute("data-govuk-radios-init", "")
    escalate_to = page.get_by_label("Escalate to")
    expect(escalate_to).to_be_hidden()
    page.get_by_label("Escalate the decision").check()
    expect(escalate_to).to_be_visible()
    expect(page.get_by_label("Escalate the decision")).to_have_attribute("aria-expanded", "true")
    page.get_by_label("Endorse the decision").check()
    expect(escalate_to).to_be_hidden()

    page.get_by_label("Escalate the decision").check()
    escalate_to.select_option("Head of service")
    page.get_by_label("Comment").fill("Needs a senior decision.")
    expect(page.locator(".govuk-character-count__status")).to_have_text("You have 9,976 characters remaining")
    page.get_by_role("button", name="Record your review").click()
    expect(page.get_by_text("your review of")).to_be_visible()
    event = ReviewEvent.objects.get(decision=decision)
    assert (event.action, event.escalation_route) == (ReviewEvent.Action.ESCALATE, "Head of service")
    assert not errors, errors  # no CSP refusals or script errors
    page.context.close()


def test_without_javascript_every_field_stays_visible(chromium_browser, live_server, people, decision):
    page, _ = review_page(chromium_browser, live_server, people["manager"], decision, javascript=False)
    expect(page.get_by_label("Escalate to")).to_be_visible()
    expect(page.get_by_text("You can enter up to 10000 characters")).to_be_visible()
    page.get_by_label("Escalate the decision").check()
    page.get_by_label("Comment").fill("Needs a senior decision.")
    page.get_by_role("button", name="Record your review").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select where you are escalating the decision to")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Escalate to")).to_be_focused()
    assert not ReviewEvent.objects.exists()
    page.context.close()
