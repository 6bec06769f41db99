"""Every manager page in Debian's Chromium (Playwright) with axe-core: WCAG 2.2 AA, no JavaScript needed."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from decisions.models import ReviewEvent
from decisions.questions.base import Outcome
from tests.browser_support import axe_check, pass_two_factor
from tests.conftest import PASSWORD


@pytest.fixture
def page(chromium_browser, live_server, live_roles) -> Page:
    context = chromium_browser.new_context(base_url=live_server.url, locale="en-GB", java_script_enabled=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def axe(page: Page) -> None:
    axe_check(page, impacts=("minor", "moderate", "serious", "critical"))


def sign_in(page: Page, username: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in/"))
    pass_two_factor(page)


def test_manager_pages_are_accessible_and_work(page: Page, people, record_decision):
    decision = record_decision(people["practitioner"], Outcome.SHARE, case="CASE-77")
    record_decision(people["colleague"], Outcome.DO_NOT_SHARE, case="CASE-77", emergency=True)
    waiting = record_decision(people["colleague"], Outcome.AWAITING_ADVICE, case="CASE-78")
    sign_in(page, people["manager"].username)

    page.goto(reverse("manager:queue"))
    expect(page.get_by_role("heading", name="Review queue", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=decision.reference)).to_be_visible()
    axe(page)

    page.get_by_label("Decision", exact=True).select_option("share")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name=decision.reference)).to_be_visible()
    recorded_from = page.get_by_role("group", name="Recorded from")
    recorded_from.get_by_label("Day").fill("31")
    recorded_from.get_by_label("Month").fill("2")
    recorded_from.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Recorded from must be a real date")
    page.locator(".govuk-error-summary").get_by_role("link").first.click()
    expect(recorded_from.get_by_label("Day")).to_be_focused()
    axe(page)

    page.goto(reverse("manager:review", args=[decision.reference]))
    expect(page.get_by_role("heading", name=f"Review decision {decision.reference}")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Record your review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select your review")
    axe(page)
    page.get_by_label("Raise a concern with the practitioner").check()
    page.get_by_label("Comment").fill("Say who received the information.")
    page.get_by_role("button", name="Record your review").click()
    expect(page.get_by_text("your review of")).to_be_visible()
    assert ReviewEvent.objects.get().action == ReviewEvent.Action.CONCERN

    page.goto(reverse("manager:review", args=[waiting.reference]))
    page.get_by_label("Give advice so the practitioner can finish the decision").check()
    page.get_by_label("Comment").fill("The purpose is legitimate.")
    page.get_by_role("button", name="Record your review").click()
    expect(page.get_by_text("The purpose is legitimate.")).to_be_visible()

    page.get_by_role("link", name="Back to the review queue").click()
    page.get_by_role("link", name="Case chronology").first.click()
    axe(page)
    page.get_by_label("Case reference").fill("CASE-77")
    page.get_by_role("button", name="Show the chronology").click()
    expect(page.get_by_role("heading", name="Case chronology: CASE-77", level=1)).to_be_visible()
    expect(page.get_by_text("Concern raised")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name=re.compile("^Dashboard"), level=1)).to_be_visible()
    expect(page.locator("#figure-total")).to_have_text("3")
    expect(page.get_by_role("img", name=re.compile("Decisions by outcome"))).to_be_visible()
    axe(page)
    page.get_by_label("Last 12 months").check()
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"period=365"))
    axe(page)

    page.get_by_role("link", name="Who viewed your team's decisions").click()
    expect(page.get_by_role("heading", name="Who viewed your team's decisions", level=1)).to_be_visible()
    axe(page)


def test_practitioner_gets_404_in_the_browser(page: Page, people, record_decision):
    decision = record_decision(people["practitioner"])
    sign_in(page, people["practitioner"].username)
    response = page.goto(reverse("manager:review", args=[decision.reference]))
    assert response.status == 404
    response = page.goto(reverse("manager:queue"))
    assert response.status == 404
