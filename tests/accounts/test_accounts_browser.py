"""Two-factor and password pages in a real browser (Chromium), each checked with axe."""

import pytest
from playwright.sync_api import Page, expect

from decisions.models import Role
from tests.browser_support import TIMEOUT_MS, axe_check, security_code_from_key
from tests.conftest import PASSWORD

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


@pytest.fixture
def page(chromium_browser, live_server, live_roles):
    context = chromium_browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def axe(page: Page) -> None:
    axe_check(page, impacts=ALL_IMPACTS)


def sign_in_with_password(page: Page, username: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_manager_sets_up_two_factor_and_signs_in_with_a_code(page: Page, make_user, team):
    make_user("morgan", Role.MANAGER, team)

    sign_in_with_password(page, "morgan")
    expect(page.get_by_role("heading", name="Set up two-factor sign-in", level=1)).to_be_visible()
    expect(
        page.get_by_role("img", name="QR code to add this service to your authenticator app")
    ).to_be_visible()
    axe(page)
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator(".app-secret-key").text_content().strip()

    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="The security code is not correct or has already been used").click()
    expect(page.get_by_label("Security code")).to_be_focused()

    page.wait_for_timeout(1100)  # one wrong code: django-otp makes the next try wait a second
    page.get_by_label("Security code").fill(security_code_from_key(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Save your recovery codes", level=1)).to_be_visible()
    expect(page.locator(".app-recovery-codes li")).to_have_count(10)
    axe(page)
    page.get_by_role("link", name="I have saved my recovery codes").click()
    expect(page.get_by_role("heading", name="Review queue", level=1)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in_with_password(page, "morgan")
    expect(page.get_by_role("heading", name="Enter the security code", level=1)).to_be_visible()
    axe(page)
    page.get_by_label("Security code").fill(security_code_from_key(secret, later=1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Review queue", level=1)).to_be_visible()

    page.get_by_role("link", name="Morgan").click()
    expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Change your password").click()
    expect(page.get_by_role("heading", name="Change your password", level=1)).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe(page)
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("another-long-passphrase-2026")
    page.get_by_label("Confirm your new password").fill("another-long-passphrase-2026")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="Your password has been changed", level=1)).to_be_visible()
    axe(page)


def test_forgotten_password_pages(page: Page, make_user, team):
    make_user("pat", Role.PRACTITIONER, team)
    page.goto("/sign-in/")
    page.get_by_role("link", name="I have forgotten my password").click()
    expect(page.get_by_role("heading", name="Reset your password", level=1)).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Send a reset link").click()
    expect(page.get_by_role("link", name="Enter your email address")).to_be_visible()
    axe(page)
    page.get_by_label("Email address").fill("pat@example.org")
    page.get_by_role("button", name="Send a reset link").click()
    expect(page.get_by_role("heading", name="Check your email", level=1)).to_be_visible()
    axe(page)


def test_reset_a_forgotten_password_from_the_emailed_link(page: Page, make_user, team, mailoutbox):
    import re

    user = make_user("pat", Role.PRACTITIONER, team)
    user.email = "pat@example.org"
    user.save()
    page.goto("/account/forgotten-password/")
    page.get_by_label("Email address").fill("pat@example.org")
    page.get_by_role("button", name="Send a reset link").click()
    expect(page.get_by_role("heading", name="Check your email", level=1)).to_be_visible()

    link = re.search(r"https?://\S+/account/reset/\S+", mailoutbox[0].body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password", level=1)).to_be_visible()
    axe(page)
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Confirm your new password").fill("short")
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe(page)
    new = "a-long-and-new-passphrase-2026"
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("Confirm your new password").fill(new)
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", name="Your password has been reset", level=1)).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Sign in with your new password").click()
    page.get_by_label("Username").fill("pat")
    page.get_by_label("Password", exact=True).fill(new)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My decisions", level=1)).to_be_visible()

    page.goto(link)
    expect(page.get_by_role("heading", name="This link has expired", level=1)).to_be_visible()
    axe(page)
