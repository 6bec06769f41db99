"""The timeout warning in a real browser, with a short session: it warns, "Stay signed in" keeps
the session, and doing nothing signs the user out to a sign-in page that says why."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser_support import axe_check
from tests.conftest import PASSWORD

SESSION_SECONDS = 10
WARNING_SECONDS = 7  # the warning opens 3 seconds after each request


@pytest.fixture
def page(chromium_browser, live_server, live_roles, settings):
    settings.SESSION_COOKIE_AGE = SESSION_SECONDS
    settings.SESSION_TIMEOUT_WARNING_SECONDS = WARNING_SECONDS
    context = chromium_browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, username: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My decisions", level=1)).to_be_visible()


def test_warning_then_stay_signed_in_then_signed_out(page, practitioner):
    sign_in(page, practitioner.username)
    last_request = time.monotonic()
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_hidden()

    expect(dialog).to_be_visible(timeout=8_000)
    expect(dialog).to_contain_text("Your saved answers will be kept")
    expect(dialog.get_by_role("heading", name="You will be signed out soon")).to_be_focused()
    axe_check(page, impacts=("minor", "moderate", "serious", "critical"))
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()

    # After the first session would have ended: still signed in, because "Stay signed in" renewed it.
    page.wait_for_timeout((last_request + SESSION_SECONDS + 1 - time.monotonic()) * 1000)
    page.reload()
    expect(page.get_by_role("heading", name="My decisions", level=1)).to_be_visible()

    # Do nothing: signed out, and told why.
    expect(page).to_have_url(re.compile(r"/sign-in/\?reason=timeout"), timeout=15_000)
    expect(page.get_by_text("We signed you out because you had not used the service")).to_be_visible()
    axe_check(page, impacts=("minor", "moderate", "serious", "critical"))
    page.goto("/decisions/")
    expect(page).to_have_url(re.compile(r"/sign-in/"))


def test_no_warning_without_javascript(chromium_browser, live_server, live_roles, settings, practitioner):
    settings.SESSION_COOKIE_AGE = SESSION_SECONDS
    settings.SESSION_TIMEOUT_WARNING_SECONDS = SESSION_SECONDS - 1
    context = chromium_browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, practitioner.username)
    page.wait_for_timeout(2_000)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text("You will be signed out soon")).to_be_hidden()
    context.close()


def test_sign_out_from_the_warning(page, practitioner):
    sign_in(page, practitioner.username)
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_visible(timeout=8_000)
    dialog.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    expect(page.get_by_text("We signed you out")).to_have_count(0)  # they chose to
    page.goto("/decisions/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next="))
