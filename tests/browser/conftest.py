"""Browser tests: Debian's Chromium driven by Playwright's sync API against pytest-django's live server.

The fixtures here have their own names (``chromium_browser``, ``browser_page``, ``signed_in_page``)
so that pytest-playwright's ``browser``/``page`` fixtures, which would launch Playwright's own
downloaded browser, are never used.
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, expect, sync_playwright

from decisions.models import LocalSettings, Role
from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def chromium_browser() -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _roles_and_settings(transactional_db):
    """Live-server tests flush the database after each test, which removes the rows the data
    migration created (the role groups, the local settings). Put them back."""
    for role in Role:
        Group.objects.get_or_create(name=role)
    LocalSettings.load()


@pytest.fixture
def browser_page(chromium_browser: Browser, live_server) -> Page:
    context = chromium_browser.new_context(base_url=live_server.url, locale="en-GB")
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


def axe_check(page: Page, *, impacts=("serious", "critical")) -> None:
    """Run axe-core on the page; fail listing every serious or critical WCAG 2.2 AA violation."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    results = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return results.violations.map(v => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
            }));
        }""",
        AXE_TAGS,
    )
    violations = [v for v in results if v["impact"] in impacts]
    if violations:
        lines = [f"axe: {len(violations)} serious/critical violation(s) on {page.url} ({page.title()!r}):"]
        for violation in violations:
            lines.append(f"- {violation['id']} [{violation['impact']}]: {violation['help']}")
            for node in violation["nodes"]:
                lines.append(f"    at {node['target']}: {node['summary']}".replace("\n", " "))
        pytest.fail("\n".join(lines), pytrace=False)
