"""The auditor's pages in a real browser, checked with axe (WCAG 2.2 AA)."""

import pytest

from tests.audit.conftest import create_decision
from tests.browser_support import axe_check, pass_two_factor
from tests.conftest import PASSWORD

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


@pytest.fixture
def auditor_page(chromium_browser, live_server, live_roles, make_user, team):
    from decisions.models import Role

    auditor = make_user("ada", Role.AUDITOR)
    author = make_user("pat", Role.PRACTITIONER, team)
    for _ in range(3):
        create_decision(author)
    context = chromium_browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(auditor.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_two_factor(page)
    page.wait_for_url("**/audit/**")
    yield page
    context.close()


def test_audit_pages_are_accessible_and_an_export_downloads(auditor_page):
    page = auditor_page
    page.goto("/audit/")
    assert page.get_by_role("heading", name="The log is intact").is_visible()
    axe_check(page, impacts=ALL_IMPACTS)

    page.goto("/audit/export/")
    axe_check(page, impacts=ALL_IMPACTS)
    page.locator("#id_period_from_0").fill("31")
    page.locator("#id_period_from_1").fill("2")
    page.locator("#id_period_from_2").fill("2026")
    page.get_by_role("button", name="Prepare the export").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    axe_check(page, impacts=ALL_IMPACTS)
    page.get_by_role("link", name="Enter a real date, for example 27 3 2026").click()
    assert page.evaluate("document.activeElement.id") == "id_period_from_0"

    page.locator("#id_period_from_0").fill("1")
    page.get_by_label("JSON Lines").check()
    page.get_by_role("button", name="Prepare the export").click()
    assert page.get_by_role("heading", name="Your export is ready").is_visible()
    axe_check(page, impacts=ALL_IMPACTS)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the JSONL file").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".jsonl")
    assert len(open(download.path()).read().splitlines()) == 3  # noqa: SIM115

    for url in ("/audit/exports/", "/audit/access-log/", "/audit/retention/"):
        page.goto(url)
        axe_check(page, impacts=ALL_IMPACTS)
