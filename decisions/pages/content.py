"""What the legal pages say that tests also check: the cookies the service sets and its known
accessibility issues.

One list each, read by the pages and by the tests, so a page cannot drift from what the service
really does: the cookie test compares ``cookies()`` with what a real browser receives, and the
browser tests of every page allow exactly the failures listed in ``KNOWN_ISSUES`` (and fail when
one of them is fixed but still listed).
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    expires: str


def _duration(seconds: int) -> str:
    hours, minutes = divmod(seconds // 60, 60)
    if hours and not minutes:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    if hours:
        return f"{hours} hour{'s' if hours != 1 else ''} {minutes} minutes"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _lifetime(seconds: int | None) -> str:
    if seconds is None:
        return "When you close your browser"
    days = round(seconds / 86400)
    if days >= 360:
        return "1 year"
    return f"{days} day{'s' if days != 1 else ''}" if days else _duration(seconds)


def cookies() -> list[Cookie]:
    """Every cookie the service sets. All are essential: the service does not work without them,
    so it does not ask for consent (PECR's "strictly necessary" exemption). No analytics."""
    return [
        Cookie(
            name=settings.SESSION_COOKIE_NAME,
            purpose="Keeps you signed in as you move from page to page.",
            expires=f"{_duration(settings.SESSION_COOKIE_AGE)} after you last use the service",
        ),
        Cookie(
            name=settings.CSRF_COOKIE_NAME,
            purpose="Stops other websites sending forms to this service in your name.",
            expires=_lifetime(settings.CSRF_COOKIE_AGE),
        ),
    ]


@dataclass(frozen=True)
class KnownIssue:
    """An accessibility failure the service knows about.

    ``axe_rule`` is the axe-core rule that finds it, ``url_names`` the pages it is on, and
    ``javascript_only`` whether it happens only with JavaScript on. The browser tests of every page
    allow that rule on those pages only, and fail if it is no longer found there, so this list
    (and the accessibility statement built from it) stays true.
    """

    description: str
    criterion: str
    axe_rule: str
    url_names: tuple[str, ...]
    plan: str
    javascript_only: bool = False


KNOWN_ISSUES: tuple[KnownIssue, ...] = (
    KnownIssue(
        description="When JavaScript is on, a choice that shows a follow-up question when you select "
        "it (for example \u201cEscalate the decision\u201d on the review page, or \u201cAnother power or "
        "duty\u201d on a question page) tells screen readers whether "
        "the question is shown in a way the ARIA standard does not allow on radio buttons. The GOV.UK "
        "Design System does this on purpose, because screen readers announce it and users found it "
        "helpful.",
        criterion="4.1.2 (name, role, value)",
        axe_rule="aria-allowed-attr",
        url_names=("manager:review", "decisions:wizard"),
        plan="We will follow the GOV.UK Design System when it changes this.",
        javascript_only=True,
    ),
)


# The accessibility statement's dates, and the screen widths every page is tested at
# (tests/browser/test_pages_reflow.py uses the same widths).
STATEMENT_PREPARED_ON = "22 November 2026"
STATEMENT_REVIEWED_ON = "22 November 2026"
TESTED_WIDTHS: tuple[int, ...] = (1280, 375, 320)
