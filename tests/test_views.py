import pytest
from django.test import Client
from django.urls import reverse

from decisions.models import AccessLog, Addendum, Role
from tests.wizard import recorded, start_draft, walk

SHARE = {"triage": "no", "purpose": "yes", "consent": "no", "identifiable": "no"}


@pytest.fixture
def decision(practitioner_client):
    _, final = walk(practitioner_client, SHARE)
    return recorded(final)


def decision_urls(decision):
    return [
        reverse(name, kwargs={"reference": decision.reference})
        for name in (
            "decisions:detail",
            "decisions:confirmation",
            "decisions:print",
            "decisions:add_addendum",
            "decisions:advice_received",
        )
    ]


def test_every_page_needs_sign_in(decision):
    client = Client()
    urls = [
        reverse("home"),
        reverse("decisions:my_decisions"),
        reverse("decisions:start"),
        reverse("decisions:new"),
        reverse("admin:index"),
        *decision_urls(decision),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")) or "/admin/login/" in response["Location"], (
            url
        )


def test_a_decision_outside_your_scope_is_not_found_and_the_attempt_logged(
    client, decision, other_practitioner
):
    client.force_login(other_practitioner)

    for url in decision_urls(decision):
        assert client.get(url).status_code == 404, url
    assert client.post(decision_urls(decision)[3], {"kind": "other", "text": "x"}).status_code == 404
    assert not Addendum.objects.exists()
    assert AccessLog.objects.filter(user=other_practitioner, action=AccessLog.Action.DENIED).count() == 6


def test_viewing_a_decision_is_logged(practitioner_client, practitioner, decision):
    practitioner_client.get(decision.get_absolute_url())
    practitioner_client.get(reverse("decisions:print", kwargs={"reference": decision.reference}))

    actions = list(
        AccessLog.objects.filter(user=practitioner, decision=decision).values_list("action", flat=True)
    )
    assert AccessLog.Action.VIEW_DECISION in actions
    assert AccessLog.Action.PRINT_DECISION in actions


def test_an_auditor_and_the_team_manager_can_read_a_decision(client, decision, make_user, team):
    client.force_login(make_user("audrey", Role.AUDITOR))
    assert client.get(decision.get_absolute_url()).status_code == 200
    client.force_login(make_user("morgan", Role.MANAGER, team))
    assert client.get(decision.get_absolute_url()).status_code == 200
    client.force_login(make_user("other-manager", Role.MANAGER))
    assert client.get(decision.get_absolute_url()).status_code == 404


def test_sensitive_pages_are_not_cached(practitioner_client, decision):
    for url in [reverse("decisions:my_decisions"), decision.get_absolute_url()]:
        assert "no-store" in practitioner_client.get(url)["Cache-Control"]


def test_the_decision_page_shows_the_answers_route_and_outcome(practitioner_client, decision):
    page = practitioner_client.get(decision.get_absolute_url()).content.decode()

    assert decision.reference in page
    assert "Share the information" in page
    assert "Public task" in page  # a choice is shown by its label
    assert "Talking to the child and family" in page  # the pages on the route
    assert "app-flow__node--taken" in page  # the flowchart, with the route marked


def test_the_printable_record_has_the_whole_record(practitioner_client, decision):
    page = practitioner_client.get(
        reverse("decisions:print", kwargs={"reference": decision.reference})
    ).content.decode()

    assert "OFFICIAL-SENSITIVE" in page
    assert "The answers to the flowchart support this decision." in page


def test_adding_an_addendum_keeps_the_decision_and_shows_the_addendum(practitioner_client, decision):
    url = reverse("decisions:add_addendum", kwargs={"reference": decision.reference})

    empty = practitioner_client.post(url, {"kind": "", "text": ""})
    assert empty.status_code == 200
    assert "Select what has changed" in empty.content.decode()
    assert not Addendum.objects.exists()

    response = practitioner_client.post(
        url, {"kind": "consent-withdrawn", "text": "Mother withdrew consent."}
    )
    assert response.status_code == 302
    page = practitioner_client.get(decision.get_absolute_url()).content.decode()
    assert "Consent withdrawn" in page
    assert "Mother withdrew consent." in page


def test_my_decisions_lists_drafts_waiting_and_recorded(practitioner_client):
    _, final = walk(practitioner_client, {"triage": "no", "purpose": "not-sure"})
    waiting = recorded(final)
    _, final = walk(practitioner_client, SHARE)
    done = recorded(final)
    start_draft(practitioner_client)

    context = practitioner_client.get(reverse("decisions:my_decisions")).context

    assert list(context["awaiting_advice"]) == [waiting]
    assert list(context["completed"]) == [done]
    assert len(context["drafts"]) == 1


def test_advice_received_is_refused_for_a_decision_not_waiting(practitioner_client, decision):
    url = reverse("decisions:advice_received", kwargs={"reference": decision.reference})

    response = practitioner_client.post(url, {"advice_from": "X", "text": "Y"})

    assert response.status_code == 302
    assert not Addendum.objects.exists()


def test_the_emergency_page_shows_the_local_numbers(practitioner_client):
    from decisions.models import LocalSettings

    LocalSettings.load()
    LocalSettings.objects.filter(pk=1).update(childrens_social_care_number="01632 960000")
    from tests.wizard import step_data

    emergency_url = practitioner_client.post(
        reverse("decisions:new"), step_data("triage", {"answer": "yes"})
    )["Location"]
    page = practitioner_client.get(emergency_url).content.decode()

    assert "01632 960000" in page
    assert "999" in page


def test_sign_in_page_and_bad_password(client, practitioner):
    response = client.post(reverse("login"), {"username": "pat", "password": "wrong"})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_home_takes_each_role_to_its_own_start(client, make_user, team):
    for username, role, expected in [
        ("p1", Role.PRACTITIONER, reverse("decisions:my_decisions")),
        ("m1", Role.MANAGER, reverse("manager:queue")),
        ("a1", Role.AUDITOR, reverse("audit:index")),
    ]:
        client.force_login(make_user(username, role, team))
        assert client.get(reverse("home"))["Location"] == expected


def test_navigation_shows_only_the_sections_of_your_roles(client, make_user, team):
    client.force_login(make_user("p2", Role.PRACTITIONER, team))
    page = client.get(reverse("decisions:my_decisions")).content.decode()
    assert reverse("manager:queue") not in page and reverse("audit:index") not in page

    client.force_login(make_user("m2", Role.MANAGER, team))
    page = client.get(reverse("decisions:my_decisions")).content.decode()
    assert reverse("manager:queue") in page and reverse("audit:index") not in page

    client.force_login(make_user("a2", Role.AUDITOR))
    page = client.get(reverse("decisions:my_decisions")).content.decode()
    assert reverse("audit:index") in page


def test_a_managers_concern_reaches_my_decisions_and_an_addendum_answers_it(
    practitioner_client, decision, make_user, team
):
    from decisions import reviews

    manager = make_user("morgan", Role.MANAGER, team)
    reviews.review_record(decision=decision, reviewer=manager, action="concern", comment="Was consent asked?")

    page = practitioner_client.get(reverse("decisions:my_decisions")).content.decode()
    assert "A manager has raised a concern" in page
    assert "Was consent asked?" in page
    assert "Concern raised" in practitioner_client.get(decision.get_absolute_url()).content.decode()

    practitioner_client.post(
        reverse("decisions:add_addendum", kwargs={"reference": decision.reference}),
        {"kind": "other", "text": "Consent was not asked: asking would have put the child at risk."},
    )
    assert (
        "A manager has raised a concern"
        not in practitioner_client.get(reverse("decisions:my_decisions")).content.decode()
    )


def test_advice_from_a_manager_fills_in_the_advice_received_form(practitioner_client, make_user, team):
    from decisions import reviews

    _, final = walk(practitioner_client, {"triage": "no", "purpose": "not-sure"})
    waiting = recorded(final)
    manager = make_user("morgan", Role.MANAGER, team)
    reviews.review_record(
        decision=waiting, reviewer=manager, action="advice", comment="There is a clear purpose."
    )

    form = practitioner_client.get(
        reverse("decisions:advice_received", kwargs={"reference": waiting.reference})
    )

    assert "There is a clear purpose." in form.content.decode()
    assert "Morgan" in form.content.decode()


def test_repeated_wrong_passwords_lock_the_account_out(client, practitioner):
    for _ in range(5):
        client.post(reverse("login"), {"username": "pat", "password": "wrong"})

    locked = client.post(reverse("login"), {"username": "pat", "password": "correct-horse-battery-staple"})

    assert locked.status_code == 429
    assert "Too many" in locked.content.decode()
    assert "_auth_user_id" not in client.session
