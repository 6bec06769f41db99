"""Shared by every browser test: Debian's Chromium under Playwright, and axe-core."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

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
AXE_JS = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TIMEOUT_MS = 10_000


def axe_violations(page: Page) -> list[dict]:
    """Every WCAG 2.2 A/AA violation axe-core finds on the page, of any impact.

    axe is injected with ``page.evaluate`` because the strict CSP blocks an injected script tag.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(
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


def describe_violations(violations: list[dict]) -> list[str]:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation['impact']}]: {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}: {node['summary']}".replace("\n", " "))
    return lines


def known_rules(url_name: str, *, javascript: bool) -> set[str]:
    """The axe rules the accessibility statement's known issues allow on this page
    (``decisions.pages.content.KNOWN_ISSUES``, which the statement lists)."""
    from decisions.pages.content import KNOWN_ISSUES

    return {
        issue.axe_rule
        for issue in KNOWN_ISSUES
        if url_name in issue.url_names and (javascript or not issue.javascript_only)
    }


def page_url_name(page: Page) -> str:
    from django.urls import Resolver404, resolve

    try:
        return resolve(urlsplit(page.url).path).view_name
    except Resolver404:
        return ""


def axe_check(page: Page, *, impacts=("serious", "critical")) -> None:
    """Run axe-core on the page; fail listing every serious or critical WCAG 2.2 AA violation,
    apart from the known issues the accessibility statement lists for this page."""
    javascript = page.evaluate("document.body.classList.contains('js-enabled')")
    allowed = known_rules(page_url_name(page), javascript=javascript)
    violations = [v for v in axe_violations(page) if v["impact"] in impacts and v["id"] not in allowed]
    if violations:
        lines = [f"axe: {len(violations)} serious/critical violation(s) on {page.url} ({page.title()!r}):"]
        lines.extend(describe_violations(violations))
        pytest.fail("\n".join(lines), pytrace=False)


def security_code_from_key(secret: str, later: int = 0) -> str:
    """What an authenticator app shows for the key on the set-up page, now or ``later`` steps on."""
    import base64
    import time

    from django_otp.oath import TOTP

    key = secret.replace(" ", "")
    totp = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)))
    totp.time = time.time() + later * 30
    return f"{totp.token():06d}"


def pass_two_factor(page: Page) -> str | None:
    """After the password: if the service asks to set up an authenticator app, do it as a person
    would (type the key shown into the "app", enter its code, go on from the recovery codes).
    Returns the key, for entering codes at later sign-ins."""
    page.wait_for_url(lambda url: "/sign-in/" not in url)
    if "/account/two-factor/set-up/" not in page.url:
        return None
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator(".app-secret-key").text_content().strip()
    page.get_by_label("Security code").fill(security_code_from_key(secret))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="I have saved my recovery codes").click()
    page.wait_for_url(lambda url: "/account/" not in url)
    return secret
