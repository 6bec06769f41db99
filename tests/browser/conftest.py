"""Browser tests: Debian's Chromium driven by Playwright's sync API against pytest-django's live server.

The browser itself is the session-wide ``chromium_browser`` of tests/conftest.py.
"""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from decisions.questions import registry
from decisions.questions.base import Step
from tests.browser_support import TIMEOUT_MS, axe_check
from tests.conftest import PASSWORD
from tests.wizard import VALID_ANSWERS


@pytest.fixture(autouse=True)
def _roles_and_settings(live_roles):
    """Every browser test runs against a live server on a flushed database."""


@pytest.fixture
def browser_page(chromium_browser: Browser, live_server, request) -> Page:
    javascript = getattr(request, "param", True)
    context = chromium_browser.new_context(base_url=live_server.url, locale="en-GB")
    if not javascript:  # the service's scripts are blocked; axe, injected by the test, still runs
        context.route("**/*.js", lambda route: route.abort())
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/sign-in/")
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My decisions", level=1)).to_be_visible()


@pytest.fixture
def signed_in_page(browser_page: Page, practitioner) -> Page:
    sign_in(browser_page, practitioner.username)
    return browser_page


# --- Walking the wizard in the browser -------------------------------------------------------


def heading_of(step: str, key: str = registry.DEFAULT_KEY) -> str:
    """The page's heading, as the wizard view puts it in the <title>: the form's heading or its
    first field's label."""
    form = registry.get(key).forms[Step(step)]
    if step == Step.CHECK:
        return "Check your answers"
    return form.heading or next(iter(form.base_fields.values())).label


def expect_step(
    page: Page, step: str, *, check_axe: bool = True, errors: bool = False, key: str = registry.DEFAULT_KEY
) -> None:
    """Wait until the browser shows this wizard page (without errors, unless ``errors``), then
    check it with axe."""
    url = re.compile(rf"/decisions/draft/[0-9a-f-]+/{re.escape(step)}/$")
    if step == Step.TRIAGE:  # the first question comes before there is a draft
        url = re.compile(r"/decisions/(new|draft/[0-9a-f-]+/triage)/$")
    try:
        expect(page).to_have_url(url)
    except AssertionError:
        raise AssertionError(f"expected the {step!r} page, but the browser is at {describe(page)}") from None
    # The URL changes when the new document starts arriving; its form may not be parsed yet.
    page.wait_for_load_state("domcontentloaded")
    title = re.compile(("^(Error: )?" if errors else "^") + re.escape(heading_of(step, key)))
    expect(page, f"the {step!r} page's title").to_have_title(title)
    if not errors:
        summary = page.locator(".govuk-error-summary")
        expect(summary, f"unexpected errors on the {step!r} page").to_have_count(0)
    if check_axe:
        axe_check(page)


def describe(page: Page) -> str:
    """Where the browser is, for failure messages: URL, title and any error summary."""
    text = f"{page.url} ({page.title()!r})"
    summary = page.locator(".govuk-error-summary")
    if summary.count():
        text += ", showing errors: " + " / ".join(summary.get_by_role("link").all_inner_texts())
    return text


def press_continue(page: Page) -> None:
    page.get_by_role("button", name="Continue", exact=True).click()


def fill_step(page: Page, step: str, overrides: dict | None = None) -> None:
    """Answer the page shown with tests.wizard.VALID_ANSWERS (plus overrides), by field name.

    For getting quickly to the page a test is about; the paths under test use labels instead.
    """
    for name, value in {**VALID_ANSWERS[step], **(overrides or {})}.items():
        field = page.locator(f'[name="{step}-{name}"]')
        if field.count() == 0:
            continue  # e.g. the method page's date is not asked after an emergency share
        if not field.first.is_visible():
            continue  # a follow-up question that the answer given does not reveal
        if field.first.get_attribute("type") == "radio":
            page.locator(f'[name="{step}-{name}"][value="{value}"]').check()
        else:
            field.fill(value)


def answer(page: Page, step: str, overrides: dict | None = None, key: str = registry.DEFAULT_KEY) -> None:
    """Check we are on ``step``, answer it with valid answers and continue."""
    expect_step(page, step, check_axe=False, errors=True, key=key)
    fill_step(page, step, overrides)
    press_continue(page)


def start_decision(page: Page, *, check_axe: bool = True) -> None:
    """From anywhere: open "Start a decision", press "Start now", arrive at the first question."""
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Start a decision").click()
    expect(
        page.get_by_role("heading", name="Record an information sharing decision", level=1)
    ).to_be_visible()
    if check_axe:
        axe_check(page)
    page.get_by_role("button", name="Start now").click()
    expect_step(page, Step.TRIAGE, check_axe=check_axe)
