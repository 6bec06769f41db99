"""The parts of the pages built in Python (decisions/govuk/layout.py, the summary lists in
decisions/govuk/components.py, ``{% fixed_include %}``): what people type is escaped wherever it
shows, the layout follows the page and the person, and nothing of one page or person is kept for
another."""

import re
from html import unescape

import pytest
from django.template import engines
from django.template.autoreload import reset_loaders
from django.test import override_settings
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils.functional import SimpleLazyObject

from decisions.accounts.sessions import loaded
from decisions.questions.base import Step
from tests.manager.conftest import CONSENT_CONDITIONS, ROUTING
from tests.wizard import current_step, start_draft, step_data

TYPED = 'Dr <b>Smith</b> & "partners"'
ESCAPED = "Dr &lt;b&gt;Smith&lt;/b&gt; &amp; &quot;partners&quot;"


def check_page(client, typed: str) -> tuple[str, str]:
    """Walk a share route to "check your answers", typing ``typed`` as who asked; (its URL, its HTML)."""
    routing = ROUTING["share"]
    url = start_draft(client)
    while current_step(url) != Step.CHECK:
        step = current_step(url)
        overrides = dict(CONSENT_CONDITIONS.get(step, {}))
        if step in routing:
            overrides["answer"] = routing[step]
        if step == Step.REQUEST:
            overrides["requested_by"] = typed
        response = client.post(url, step_data(step, overrides))
        assert response.status_code == 302, response.content[:2000]
        url = response["Location"]
    return url, client.get(url).content.decode()


def test_check_your_answers_escapes_what_was_typed_and_offers_a_change_link_for_each_answer(
    practitioner_client,
):
    url, html = check_page(practitioner_client, TYPED)

    assert "<b>Smith" not in html
    assert f'<dd class="govuk-summary-list__value app-preserve-lines">{ESCAPED}</dd>' in html
    rows = re.findall(r'<div class="govuk-summary-list__row">(.*?)</div>', html, re.S)
    assert len(rows) >= 10
    draft = url.rsplit("/", 2)[0]
    for row in rows:
        label = unescape(re.search(r'<dt class="govuk-summary-list__key">(.*?)</dt>', row, re.S)[1])
        link = re.search(r'href="([^"]+)">Change<span class="govuk-visually-hidden"> (.*?)</span>', row, re.S)
        assert link, row
        assert link[1].startswith(f"{draft}/") and link[1].endswith("/?change=1")
        assert unescape(link[2]) == label.lower()  # "Change" says which answer, to a screen reader


def test_the_recorded_decision_shows_the_answers_escaped_and_without_change_links(practitioner_client):
    url, _ = check_page(practitioner_client, TYPED)
    done = practitioner_client.post(url, step_data(Step.CHECK))["Location"]
    confirmation = practitioner_client.get(done)["Location"]
    reference = re.search(r"/decisions/([A-Z0-9-]+)/confirmation/$", confirmation)[1]

    html = practitioner_client.get(reverse("decisions:detail", args=[reference])).content.decode()

    assert "<b>Smith" not in html
    assert ESCAPED in html
    assert 'class="govuk-summary-list__row govuk-summary-list__row--no-actions"' in html
    assert ">Change<" not in html


def test_the_navigation_escapes_the_name_and_marks_the_alerts_section(client, make_user, team):
    """(The unread count in the header: tests/alerts/test_browser.py.)"""
    user = make_user("named", "Practitioner", team)
    user.first_name, user.last_name = "<i>Sam</i>", "O'Neil & Co"
    user.save()
    client.force_login(user)

    html = client.get(reverse("decisions:my_decisions")).content.decode()

    assert "<i>Sam" not in html
    assert "signed in as </span>&lt;i&gt;Sam&lt;/i&gt; O&#x27;Neil &amp; Co</a>" in html
    assert 'id="header-alerts">' in html  # not the current section here
    alerts = client.get(reverse("alerts:list")).content.decode()
    assert 'href="/alerts/" id="header-alerts" aria-current="true">' in alerts
    assert '<input type="hidden" name="csrfmiddlewaretoken" value="' in alerts.split('id="sign-out-form"')[1]


def test_the_timeout_warning_brings_you_back_to_the_page_you_were_on(practitioner_client):
    html = practitioner_client.get(reverse("decisions:my_decisions") + "?page=2&sort=new").content.decode()

    warning = re.search(r'<dialog class="app-timeout-dialog"[^>]*>', html)[0]
    back = "next=/decisions/%3Fpage%3D2%26sort%3Dnew"
    assert f'data-signed-out-url="/sign-in/?reason=timeout&amp;{back}"' in warning
    assert 'data-keep-alive-url="/session/keep-alive/"' in warning
    assert re.search(r'data-session-seconds="\d+"', warning)


def test_the_signed_out_pages_have_no_navigation_and_no_timeout_warning(client, db):
    html = client.get(reverse("login")).content.decode()

    assert "govuk-service-navigation" not in html
    assert "timeout-warning" not in html
    assert "Accessibility statement" in html  # the footer, as on every page


def test_a_fixed_include_is_rendered_with_nothing_from_the_page(practitioner_client, tmp_path, settings):
    (tmp_path / "fixed.html").write_text("[{{ user }}|{{ request.path }}|{% csrf_token %}]")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    template = engines["django"].from_string('{% load layout %}{% fixed_include "fixed.html" %}')
    request = practitioner_client.get(reverse("decisions:my_decisions")).wsgi_request

    assert template.render({"user": "someone"}, request) == "[||]"


def test_a_fixed_include_follows_the_prefix_the_service_is_served_under(db):
    template = engines["django"].from_string('{% load layout %}{% fixed_include "layout/_footer.html" %}')
    set_script_prefix("/safeguarding/")
    try:
        prefixed = template.render({})
    finally:
        clear_script_prefix()

    assert 'href="/safeguarding/privacy/"' in prefixed
    assert 'href="/privacy/"' in template.render({})


@override_settings(DEBUG=True)
def test_a_fixed_include_is_read_again_while_debugging(tmp_path, settings):
    page = tmp_path / "changing.html"
    options = {**settings.TEMPLATES[0]["OPTIONS"], "debug": True}
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path], "OPTIONS": options}]
    template = engines["django"].from_string('{% load layout %}{% fixed_include "changing.html" %}')
    page.write_text("first")
    assert template.render({}) == "first"
    page.write_text("second")
    reset_loaders()  # what the development server does when a template changes
    assert template.render({}) == "second"


def test_the_wizard_addresses_follow_the_prefix_the_service_is_served_under(practitioner_client):
    url = start_draft(practitioner_client)
    response = practitioner_client.post(url, step_data(Step.TRIAGE))
    set_script_prefix("/safeguarding/")
    try:
        prefixed = practitioner_client.post(url, step_data(Step.TRIAGE))
    finally:
        clear_script_prefix()

    assert not response["Location"].startswith("/safeguarding/")
    assert prefixed["Location"] == "/safeguarding" + response["Location"]


def test_the_user_is_taken_out_of_its_lazy_wrappers_once():
    made = []

    def make():
        made.append(1)
        return "the user"

    inner = SimpleLazyObject(make)
    outer = SimpleLazyObject(lambda: inner)

    assert loaded(outer) == "the user"
    assert type(loaded(outer)) is str
    assert loaded("already plain") == "already plain"
    assert made == [1]


@pytest.mark.parametrize("two_factor", [False, True])
def test_a_signed_in_request_carries_the_user_itself_with_its_second_factor(
    client, make_user, team, two_factor
):
    """The views see the user, not a wrapper, with what django-otp adds (``is_verified``)."""
    user = make_user("manager", "Manager" if two_factor else "Practitioner", team)
    client.force_login(user)

    request = client.get(reverse("decisions:my_decisions")).wsgi_request

    assert type(request.user) is type(user)
    assert request.user.pk == user.pk
    assert request.user.is_verified() is two_factor
