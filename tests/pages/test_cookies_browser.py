"""The cookies page lists exactly the cookies a real browser receives from the service."""

import re

import pytest
from playwright.sync_api import expect

from decisions.models import Addendum
from tests.browser_support import TIMEOUT_MS
from tests.conftest import PASSWORD


@pytest.fixture
def context(chromium_browser, live_server, live_roles):
    context = chromium_browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


def test_cookies_page_lists_the_cookies_a_browser_receives(context, practitioner, record_decision):
    decision = record_decision(practitioner)
    page = context.new_page()
    received: set[str] = set()

    def note_cookies(response):
        for header in response.headers_array():
            if header["name"].lower() == "set-cookie":
                received.add(header["value"].split("=", 1)[0].strip())

    page.on("response", note_cookies)

    page.goto("/sign-in/")
    page.get_by_label("Username").fill(practitioner.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My decisions", level=1)).to_be_visible()

    # Use a form: add to a record, which also shows a success message on the next page.
    page.goto(f"/decisions/{decision.reference}/addendum/")
    page.get_by_label("Something else").check()
    page.get_by_label("Details").fill("The school nurse called back.")
    page.get_by_role("button", name="Add to the record").click()
    expect(page.get_by_text("Your addendum was added to the record.")).to_be_visible()
    assert Addendum.objects.filter(decision=decision).count() == 1

    page.goto("/cookies/")
    listed = set(page.locator(".app-cookie-table tbody th").all_inner_texts())
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/"))

    in_jar = {cookie["name"] for cookie in context.cookies()}
    assert received, "the browser received no cookies at all"
    assert received | in_jar == listed
