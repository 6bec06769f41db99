"""The legal pages: open to everyone, in the service's layout, saying what local settings say."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from decisions.models import LocalSettings
from decisions.pages.content import KNOWN_ISSUES, cookies
from decisions.pages.context_processors import SERVICE_NAME

LEGAL_PAGES = ["accessibility", "privacy", "cookies"]


@pytest.fixture
def local(db):
    return LocalSettings.load()


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize("name", LEGAL_PAGES)
def test_legal_page_is_open_to_anyone_signed_out(db, name):
    response = Client().get(reverse(name))
    assert response.status_code == 200
    assert f"– {SERVICE_NAME}</title>" in response.content.decode()


@pytest.mark.parametrize("name", LEGAL_PAGES)
def test_legal_page_refuses_a_post_without_changing_anything(db, name):
    assert Client().post(reverse(name)).status_code == 405


@pytest.mark.parametrize(
    ("path", "signed_in"), [("/sign-in/", False), ("/privacy/", False), ("/decisions/", True)]
)
def test_every_page_links_to_the_legal_pages_in_the_footer(client, practitioner, path, signed_in):
    if signed_in:
        client.force_login(practitioner)
    response = client.get(path)
    assert response.status_code == 200
    footer = response.content.decode().split('<footer class="govuk-footer">')[1]
    for name, label in (
        ("accessibility", "Accessibility statement"),
        ("privacy", "Privacy"),
        ("cookies", "Cookies"),
    ):
        assert f'href="{reverse(name)}">{label}</a>' in footer


def test_phase_banner_links_to_the_feedback_url_first(client, local):
    local.feedback_email = "feedback@example.org"
    local.save()
    assert 'href="mailto:feedback@example.org">give your feedback</a>' in text_of(client.get("/sign-in/"))
    local.feedback_url = "https://forms.example.org/feedback"
    local.save()
    assert 'href="https://forms.example.org/feedback">give your feedback</a>' in text_of(
        client.get("/sign-in/")
    )


def test_phase_banner_without_a_feedback_route_says_who_to_tell(client, local):
    page = text_of(client.get("/sign-in/"))
    assert "give your feedback" not in page
    assert "Tell your manager if something does not work" in page


def test_privacy_notice_gives_retention_and_contacts_from_local_settings(client, local):
    local.retention_years = 9
    local.retention_review_interval_years = 3
    local.draft_expiry_days = 14
    local.controller_name = "Riverside Borough Council"
    local.controller_contact = "Town Hall, Riverside RV1 1AA"
    local.dpo_contact = "Data Protection Officer, dpo@riverside.example"
    local.save()
    page = text_of(client.get(reverse("privacy")))
    assert "kept for 9 years" in page
    assert "again every 3 years" in page
    assert "deleted 14 days after" in page
    assert "Riverside Borough Council is the data controller" in page
    assert "Town Hall, Riverside RV1 1AA" in page
    assert "dpo@riverside.example" in page


def test_privacy_notice_names_the_organisation_when_no_controller_is_set(client, local):
    local.organisation_name = "Hillside Trust"
    local.save()
    assert "Hillside Trust is the data controller" in text_of(client.get(reverse("privacy")))


def test_cookies_page_lists_every_cookie_with_its_expiry(db, client, settings):
    settings.SESSION_COOKIE_AGE = 30 * 60
    page = text_of(client.get(reverse("cookies")))
    for cookie in cookies():
        assert f'<code class="app-cookie-name">{cookie.name}</code>' in page
    assert "30 minutes after you last use the service" in page


def test_accessibility_statement_states_compliance_from_the_known_issues(client, local):
    page = text_of(client.get(reverse("accessibility")))
    if KNOWN_ISSUES:
        assert "partially compliant" in page
        for issue in KNOWN_ISSUES:
            assert issue.description in page
    else:
        assert "fully compliant" in page
        assert "Our tests find no content that fails the standard." in page
    assert "Enforcement procedure" in page
    assert "320" in page


def test_accessibility_statement_lists_known_issues_when_there_are_some(client, local, monkeypatch):
    from decisions.pages import content

    issue = content.KnownIssue(
        description="The chart on the dashboard has no text alternative.",
        criterion="1.1.1",
        axe_rule="svg-img-alt",
        url_names=("manager:dashboard",),
        plan="We will add one by March 2027.",
    )
    monkeypatch.setattr(content, "KNOWN_ISSUES", (issue,))
    page = text_of(client.get(reverse("accessibility")))
    assert "partially compliant" in page
    assert "The chart on the dashboard has no text alternative." in page
    assert "success criterion 1.1.1" in page


def test_cookies_page_follows_the_csrf_cookie_settings(db, client, settings):
    settings.CSRF_COOKIE_AGE = None
    assert "When you close your browser" in text_of(client.get(reverse("cookies")))
    settings.CSRF_COOKIE_AGE = 7 * 86400
    assert "7 days" in text_of(client.get(reverse("cookies")))
