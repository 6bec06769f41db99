"""The GOV.UK service navigation: each role's menu, with the page you are on marked."""

import re
from html import unescape as html_unescape

import pytest
from django.templatetags.static import static
from django.test import Client
from django.urls import clear_script_prefix, reverse, set_script_prefix

from decisions.models import Role
from decisions.pages.context_processors import SERVICE_NAME


def menu(html: str) -> list[tuple[str, str | None]]:
    """(label, aria-current) of each menu link, in order."""
    nav = html.split('<nav aria-label="Menu"', 1)[1].split("</nav>", 1)[0]
    items = re.findall(
        r'<a class="govuk-service-navigation__link" href="[^"]*"( aria-current="(\w+)")?>\s*(.*?)\s*</a>',
        nav,
        re.S,
    )
    return [
        (html_unescape(re.sub(r"<[^>]+>", "", label).strip()), current or None) for _, current, label in items
    ]


@pytest.fixture
def user_with(make_user, team):
    def make(*roles: Role):
        user = make_user("-".join(roles).lower(), roles[0], team)
        from django.contrib.auth.models import Group

        for role in roles[1:]:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    return make


def test_practitioner_sees_only_their_menu_with_the_page_marked(client, user_with):
    client.force_login(user_with(Role.PRACTITIONER))
    html = client.get(reverse("decisions:my_decisions")).content.decode()
    assert menu(html) == [
        ("My decisions", "page"),
        ("Start a decision", None),
        ("Your account: signed in as Practitioner", None),
    ]
    assert '<li class="govuk-service-navigation__item govuk-service-navigation__item--active">' in html


def test_manager_and_auditor_menus_come_with_their_roles(client, user_with):
    client.force_login(user_with(Role.MANAGER, Role.AUDITOR))
    labels = [label for label, _ in menu(client.get(reverse("manager:dashboard")).content.decode())]
    assert labels == [
        "My decisions",
        "Start a decision",
        "Review queue",
        "Dashboard",
        "Case chronology",
        "Who viewed your team's decisions",
        "Integrity of the log",
        "Export the log",
        "Export log",
        "Access log",
        "Retention review",
        "Your account: signed in as Manager-Auditor",
    ]


@pytest.mark.parametrize(
    ("url_name", "label"),
    [
        ("manager:queue", "Review queue"),
        ("manager:dashboard", "Dashboard"),
        ("manager:chronology", "Case chronology"),
        ("manager:access_log", "Who viewed your team's decisions"),
        ("audit:index", "Integrity of the log"),
        ("audit:export", "Export the log"),
        ("audit:export_log", "Export log"),
        ("audit:access_log", "Access log"),
        ("audit:retention", "Retention review"),
    ],
)
def test_each_page_is_marked_current_in_the_menu(client, user_with, url_name, label):
    client.force_login(user_with(Role.MANAGER, Role.AUDITOR))
    marked = [
        (text, current) for text, current in menu(client.get(reverse(url_name)).content.decode()) if current
    ]
    assert marked == [(label, "page")]


def test_every_page_title_ends_with_the_one_service_name(client, user_with):
    client.force_login(user_with(Role.MANAGER, Role.AUDITOR))
    for url_name in ("decisions:my_decisions", "manager:queue", "audit:index", "privacy"):
        html = client.get(reverse(url_name)).content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
        assert title.endswith(f" – {SERVICE_NAME}"), title
        assert f'govuk-header__service-name">{SERVICE_NAME}</a>' in html


LAYOUT_FILES = ("govuk/govuk-frontend.min.css", "css/app.css", "js/init.js", "js/timeout-warning.js")
LAYOUT_LINKS = ("home", "alerts:list", "accounts:account", "logout", "accessibility", "privacy", "cookies")


def test_every_page_links_the_layouts_files_and_pages(client, user_with):
    client.force_login(user_with(Role.MANAGER, Role.AUDITOR))
    for url_name in ("decisions:my_decisions", "manager:queue", "audit:index"):
        html = client.get(reverse(url_name)).content.decode()
        for path in LAYOUT_FILES:
            assert f'"{static(path)}"' in html, (url_name, path)
        for name in LAYOUT_LINKS:
            assert f'"{reverse(name)}"' in html, (url_name, name)


def test_the_layout_follows_the_prefix_the_service_is_served_under(client, user_with):
    client.force_login(user_with(Role.PRACTITIONER))
    url = reverse("decisions:my_decisions")
    client.get(url)  # the addresses without a prefix, worked out first
    set_script_prefix("/safeguarding/")  # as the WSGI handler does for SCRIPT_NAME
    try:
        html = client.get(url).content.decode()
    finally:
        clear_script_prefix()

    assert 'href="/safeguarding/accessibility/"' in html
    assert 'href="/safeguarding/decisions/"' in html  # the menu too
    assert 'action="/safeguarding/sign-out/"' in html


def test_the_refused_form_page_keeps_the_layouts_files_and_links(db):
    """A page Django renders itself, outside any of the service's views (CSRF failure)."""
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "someone"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form could not be sent" in html
    assert f'href="{static("govuk/govuk-frontend.min.css")}"' in html
    assert f'href="{reverse("accessibility")}"' in html
