"""The notifications page and the header count in a real browser: axe clean, usable at 320 px."""

import re

import pytest

from tests.alerts.factories import make_decision
from tests.browser_support import axe_check, pass_two_factor
from tests.conftest import PASSWORD

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


@pytest.fixture
def manager_page(chromium_browser, live_server, live_roles, teams):
    decisions = [make_decision(teams["pat"], teams["north"]) for _ in range(2)]
    decisions.append(make_decision(teams["pat"], teams["north"], emergency=True))
    context = chromium_browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("mo")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_two_factor(page)  # managers set up an authenticator app first
    page.wait_for_url("**/manage/**")
    yield page, decisions
    context.close()


def header_alerts(page) -> str:
    return " ".join(page.locator("#header-alerts").inner_text().split())


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("width", [1024, 320])
def test_notifications_page_and_header_count(manager_page, width):
    page, decisions = manager_page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/alerts/")
    if width == 320:
        page.get_by_role("button", name="Menu").click()  # the service navigation folds away
    assert header_alerts(page) == "Alerts 3 unread"
    assert page.get_by_role("heading", name="Alerts", exact=True).is_visible()
    assert page.get_by_text("You have 3 unread alerts.").is_visible()
    axe_check(page, impacts=ALL_IMPACTS)
    assert no_sideways_scroll(page)

    urgent = page.get_by_role("listitem").filter(has_text=decisions[2].reference)
    assert urgent.get_by_text("Urgent").is_visible()
    page.get_by_role(
        "button",
        name=re.compile(f"^Mark as read.*needs your attention now, decision {decisions[2].reference}$"),
    ).click()
    assert page.get_by_text("The alert is marked as read.").is_visible()
    assert page.get_by_text("You have 2 unread alerts.").is_visible()
    axe_check(page, impacts=ALL_IMPACTS)
    assert no_sideways_scroll(page)

    page.get_by_role(
        "link", name=re.compile(f"^A decision in your team needs review.*decision {decisions[0].reference}$")
    ).click()
    page.wait_for_url(f"**/manage/decisions/{decisions[0].reference}/")
    if width == 320:
        page.get_by_role("button", name="Menu").click()
    assert header_alerts(page) == "Alerts 1 unread"

    page.goto("/alerts/email/")
    axe_check(page, impacts=ALL_IMPACTS)
    assert no_sideways_scroll(page)
    page.get_by_label("Email me at once").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Your email choice is saved.").is_visible()
