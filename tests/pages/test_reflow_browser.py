"""Every page at 1280, 375 and 320 px, with JavaScript on and off: no sideways scroll (WCAG 1.4.10
reflow), and axe-core (WCAG 2.2 A/AA) finds nothing but the known issues the accessibility
statement lists. The question pages are visited on a draft answered to "check your answers", so
every page of a share route can be opened.

``PAGES`` is data: to test another page, add a line. Each line says who opens it and how its
address is built from ``World``, the records every test starts with.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import Page, expect

from decisions import exports, reviews, services
from decisions.models import Decision, Draft, ReviewEvent
from decisions.pages.content import TESTED_WIDTHS
from decisions.questions.base import Outcome
from tests.browser_support import (
    TIMEOUT_MS,
    axe_violations,
    describe_violations,
    known_rules,
    pass_two_factor,
)
from tests.conftest import PASSWORD
from tests.wizard import answer_until_check, start_draft

# Real references can be long and unbroken; so can a pasted link in a comment.
LONG_CASE = "RIVERSIDE-EARLY-HELP-2026-000000000000123456789"
LONG_COMMENT = (
    "Say who received the information and check the policy at "
    "https://intranet.riverside.example.org/safeguarding/information-sharing/policies/2026/section-4-recipients"
)


@dataclass
class World:
    share: Decision
    awaiting: Decision
    emergency: Decision
    draft: Draft
    answered: Draft


def question(step: str) -> Callable[[World], str]:
    return lambda world: reverse("decisions:wizard", args=[world.answered.pk, step])


@dataclass(frozen=True)
class PageCase:
    name: str
    role: str  # "anonymous", "practitioner", "manager" or "auditor" (keys of ``people``)
    path: Callable[[World], str]


def detail(name: str, attribute: str = "share") -> Callable[[World], str]:
    return lambda world: reverse(name, args=[getattr(world, attribute).reference])


PAGES: list[PageCase] = [
    PageCase("sign in", "anonymous", lambda w: reverse("login")),
    PageCase("accessibility statement", "anonymous", lambda w: reverse("accessibility")),
    PageCase("privacy notice", "anonymous", lambda w: reverse("privacy")),
    PageCase("cookies", "anonymous", lambda w: reverse("cookies")),
    PageCase("page not found, signed out", "anonymous", lambda w: "/no-such-page/"),
    PageCase("my decisions", "practitioner", lambda w: reverse("decisions:my_decisions")),
    PageCase("start a decision", "practitioner", lambda w: reverse("decisions:start")),
    PageCase("a decision", "practitioner", detail("decisions:detail")),
    PageCase("a decision, printable", "practitioner", detail("decisions:print")),
    PageCase("add to a decision", "practitioner", detail("decisions:add_addendum")),
    PageCase("answer a concern", "practitioner", detail("decisions:answer_concern")),
    PageCase("advice received", "practitioner", detail("decisions:advice_received", "awaiting")),
    PageCase("cookies, signed in", "practitioner", lambda w: reverse("cookies")),
    PageCase("first question", "practitioner", lambda w: reverse("decisions:new")),
    *(
        PageCase(f"question: {step}", "practitioner", question(step))
        for step in (
            "significant-harm",
            "request",
            "purpose",
            "engage",
            "lawful-basis",
            "power",
            "special-category",
            "criminal-offence",
            "recipient",
            "identities",
            "method",
            "facts-opinion",
            "transparency",
            "rationale",
            "check",
        )
    ),
    PageCase("golden rules", "practitioner", lambda w: reverse("decisions:guidance")),
    PageCase(
        "delete an unfinished decision",
        "practitioner",
        lambda w: reverse("decisions:discard", args=[w.draft.pk]),
    ),
    PageCase("page not found", "practitioner", lambda w: "/decisions/D-NONE-NONE/"),
    PageCase("review queue", "manager", lambda w: reverse("manager:queue")),
    PageCase("review queue, all", "manager", lambda w: reverse("manager:queue") + "?section=all"),
    PageCase(
        "review queue, filter errors",
        "manager",
        lambda w: (
            reverse("manager:queue")
            + "?section=all&recorded_from_0=31&recorded_from_1=2&recorded_from_2=2026"
        ),
    ),
    PageCase("review page", "manager", detail("manager:review")),
    PageCase("review page, emergency", "manager", detail("manager:review", "emergency")),
    PageCase("case chronology", "manager", lambda w: reverse("manager:chronology") + f"?case={LONG_CASE}"),
    PageCase("dashboard", "manager", lambda w: reverse("manager:dashboard")),
    PageCase("team access log", "manager", lambda w: reverse("manager:access_log")),
    PageCase("integrity of the log", "auditor", lambda w: reverse("audit:index")),
    PageCase("export", "auditor", lambda w: reverse("audit:export")),
    PageCase(
        "export ready", "auditor", lambda w: reverse("audit:export") + "?dataset=decisions&file_format=csv"
    ),
    PageCase("export log", "auditor", lambda w: reverse("audit:export_log")),
    PageCase("access log", "auditor", lambda w: reverse("audit:access_log")),
    PageCase("retention review", "auditor", lambda w: reverse("audit:retention")),
    PageCase("a decision, as auditor", "auditor", detail("decisions:detail")),
]

OVERFLOW_JS = """() => {
    const doc = document.documentElement;
    const width = doc.clientWidth;
    const scrollers = [...document.body.querySelectorAll('*')].filter(el => {
        const style = getComputedStyle(el);
        return ['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth;
    });
    const unlabelled = scrollers
        .filter(el => !(el.getAttribute('tabindex') === '0' && el.getAttribute('role') === 'region'
                        && (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'))))
        .map(el => el.tagName.toLowerCase() + '.' + [...el.classList].join('.'));
    let wide = [];
    if (doc.scrollWidth > width) {
        wide = [...document.body.querySelectorAll('*')]
            .filter(el => el.getBoundingClientRect().right > width + 1
                          && !scrollers.some(s => s !== el && s.contains(el)))
            .filter(el => ![...el.children].some(c => c.getBoundingClientRect().right > width + 1))
            .slice(0, 6)
            .map(el => el.tagName.toLowerCase() + '.' + [...el.classList].join('.')
                       + ' (' + Math.round(el.getBoundingClientRect().right) + 'px)');
    }
    return {scrollWidth: doc.scrollWidth, width, wide, unlabelled};
}"""


@pytest.fixture
def world(people, record_decision) -> World:
    share = record_decision(people["practitioner"], Outcome.SHARE, case=LONG_CASE)
    awaiting = record_decision(people["practitioner"], Outcome.AWAITING_ADVICE, case="CASE-78")
    emergency = record_decision(people["colleague"], Outcome.DO_NOT_SHARE, case=LONG_CASE, emergency=True)
    reviews.review_record(
        decision=share, reviewer=people["manager"], action=ReviewEvent.Action.CONCERN, comment=LONG_COMMENT
    )
    services.addendum_add(decision=emergency, author=people["colleague"], kind="other", text=LONG_COMMENT)
    draft = services.draft_start(author=people["practitioner"])
    client = Client()
    client.force_login(people["practitioner"])
    # Told the family, but for another reason than risk: every follow-up question is on the route.
    answer_until_check(client, start_draft(client), {"engage": "not-practicable", "transparency": "no-other"})
    answered = Draft.objects.filter(author=people["practitioner"]).exclude(pk=draft.pk).get()
    for _ in exports.export_stream(spec=exports.ExportSpec(), user=people["auditor"], token=uuid.uuid4()):
        pass  # one finished export, for the export log's long hash
    return World(share=share, awaiting=awaiting, emergency=emergency, draft=draft, answered=answered)


def open_as(chromium_browser, live_server, *, javascript: bool, username: str | None) -> Page:
    """A signed-in page. "JavaScript off" blocks the service's scripts rather than switching the
    browser's JavaScript off, so that axe (which is JavaScript) can still run: the page is what a
    browser without JavaScript shows (no ``js-enabled`` class, no component behaviour)."""
    context = chromium_browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    if not javascript:
        context.route("**/*.js", lambda route: route.abort())
    page = context.new_page()
    if username:
        page.goto(reverse("login"))
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        pass_two_factor(page)  # managers and auditors set up an authenticator app first
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def check_here(page: Page, where: str, allowed: set[str]) -> tuple[list[str], set[str]]:
    """The problems on the page as shown now, and which of the ``allowed`` axe rules it breaks."""
    problems = []
    overflow = page.evaluate(OVERFLOW_JS)
    if overflow["scrollWidth"] > overflow["width"]:
        problems.append(
            f"{where} scrolls sideways: {overflow['scrollWidth']}px in {overflow['width']}px; "
            f"widest: {', '.join(overflow['wide'])}"
        )
    if overflow["unlabelled"]:
        problems.append(f"{where}: scrolling regions not focusable and labelled: {overflow['unlabelled']}")
    violations = axe_violations(page)
    unexpected = [v for v in violations if v["id"] not in allowed]
    if unexpected:
        problems.append(f"{where}: axe found")
        problems.extend(describe_violations(unexpected))
    return problems, {v["id"] for v in violations} & allowed


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("role", ["anonymous", "practitioner", "manager", "auditor"])
def test_pages_reflow_and_pass_axe(
    chromium_browser, live_server, live_roles, people, world, role, javascript
):
    username = None if role == "anonymous" else people[role].username
    page = open_as(chromium_browser, live_server, javascript=javascript, username=username)
    problems: list[str] = []
    allowed_on: dict[str, set[str]] = {}
    found_on: dict[str, set[str]] = {}
    for case in (case for case in PAGES if case.role == role):
        path = case.path(world)
        try:
            url_name = resolve(path.split("?")[0]).view_name
        except Resolver404:
            url_name = ""
        allowed = allowed_on[url_name] = known_rules(url_name, javascript=javascript)
        found_known = found_on.setdefault(url_name, set())
        for width in TESTED_WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(path)
            assert response is not None and response.status < 500, (
                f"{case.name}: {response and response.status}"
            )
            where = f"{case.name} at {width}px ({page.url})"
            has_js = page.evaluate("document.body.classList.contains('js-enabled')")
            assert has_js == javascript, f"{where}: GOV.UK Frontend's js-enabled class is {has_js}"
            found, known = check_here(page, where, allowed)
            problems.extend(found)
            found_known |= known
    for url_name, allowed in allowed_on.items():  # one page of the kind is enough (a question page)
        for rule in allowed - found_on[url_name]:
            problems.append(
                f"{url_name}: known issue {rule!r} is no longer found: remove it from KNOWN_ISSUES"
            )
    page.context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_error_pages_reflow_and_pass_axe(chromium_browser, live_server, live_roles, javascript):
    """The error pages a form can lead to: a refused form (CSRF), too many sign-in attempts, and
    the server error page (a standalone template, shown here as the browser would get it)."""
    page = open_as(chromium_browser, live_server, javascript=javascript, username=None)
    problems: list[str] = []

    def check_widths(name: str) -> None:
        for width in TESTED_WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            problems.extend(check_here(page, f"{name} at {width}px", set())[0])

    page.goto(reverse("login"))
    page.context.clear_cookies()
    page.get_by_label("Username").fill("someone")
    page.get_by_label("Password", exact=True).fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your form could not be sent")).to_be_visible()
    check_widths("form refused (CSRF)")

    for _ in range(5):
        page.goto(reverse("login"))
        page.get_by_label("Username").fill("locked-out")
        page.get_by_label("Password", exact=True).fill("wrong")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Too many sign-in attempts")).to_be_visible()
    check_widths("too many sign-in attempts")

    page.goto(reverse("cookies"))  # same origin, so the error page's styles load
    page.set_content(render_to_string("500.html"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sorry")
    check_widths("server error")

    page.context.close()
    assert not problems, "\n".join(problems)
