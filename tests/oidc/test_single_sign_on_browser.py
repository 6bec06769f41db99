"""Single sign-on in a real browser: the service's pages checked with axe, the provider's page
filled in as a person would."""

import pytest
from playwright.sync_api import Page, expect

from decisions.models import Role
from tests.browser_support import TIMEOUT_MS, axe_check
from tests.oidc.conftest import configure

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


@pytest.fixture
def page(chromium_browser, live_server, live_roles, provider_factory, settings):
    configure(settings, provider_factory(live_server.url))
    context = chromium_browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def sign_in_at_the_provider(page: Page, login: str) -> None:
    page.goto("/sign-in/")
    axe_check(page, impacts=ALL_IMPACTS)
    page.get_by_role("button", name="Sign in with your organisation account").click()
    service = page.url.split("/sign-in/")[0]
    page.wait_for_url(
        lambda url: (
            "/interaction/" in url
            or (url.startswith(service) and "/sign-in/" not in url and "/oidc/authenticate/" not in url)
        )
    )
    if "/interaction/" in page.url:  # no session at the provider yet: it asks who you are
        page.locator("input[name=login]").fill(login)
        page.locator("input[name=password]").fill("any-password")
        page.locator("button[type=submit]").click()


def test_first_sign_in_then_a_role_then_sign_out_at_the_provider(page: Page, settings, team):
    sign_in_at_the_provider(page, "hana-hughes")
    expect(page.get_by_role("heading", name="Your account is not set up yet", level=1)).to_be_visible()
    axe_check(page, impacts=ALL_IMPACTS)

    from django.contrib.auth.models import Group

    from decisions.accounts.models import ExternalIdentity

    user = ExternalIdentity.objects.get(subject="hana-hughes").user
    user.groups.add(Group.objects.get(name=Role.PRACTITIONER))
    team.members.add(user)
    page.goto("/")
    expect(page.get_by_role("heading", name="My decisions", level=1)).to_be_visible()
    page.get_by_role("link", name="Hughes").click()
    expect(page.get_by_text("You sign in with your organisation's account")).to_be_visible()
    axe_check(page, impacts=ALL_IMPACTS)

    page.get_by_role("button", name="Sign out").click()
    # The provider asks to confirm signing out there too, then sends the browser back.
    page.locator("button[autofocus], button[type=submit]").first.click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()


def test_a_turned_off_account_sees_a_clear_page(page: Page, settings):
    sign_in_at_the_provider(page, "hana-hughes")
    expect(page.get_by_role("heading", name="Your account is not set up yet", level=1)).to_be_visible()
    from decisions.accounts.models import ExternalIdentity

    user = ExternalIdentity.objects.get(subject="hana-hughes").user
    user.is_active = False
    user.save()

    sign_in_at_the_provider(page, "hana-hughes")

    expect(page.get_by_role("heading", name="You could not be signed in", level=1)).to_be_visible()
    expect(page.get_by_text("has been turned off")).to_be_visible()
    axe_check(page, impacts=ALL_IMPACTS)
