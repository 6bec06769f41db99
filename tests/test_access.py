"""Who may do what: the admin holds no records, only recorders record, every refusal is logged,
and no character in a request can make the service fail (issue 9, findings 1 to 4)."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from decisions import services
from decisions.models import AccessLog, Decision, Draft, Role
from decisions.questions import registry
from tests.wizard import cleaned_answers, recorded, walk

SHARE = {"triage": "no", "purpose": "yes", "consent": "no", "identifiable": "no"}


@pytest.fixture
def decision(practitioner_client):
    _, final = walk(practitioner_client, SHARE)
    return recorded(final)


def denied(user) -> list[AccessLog]:
    return list(AccessLog.objects.filter(user=user, action=AccessLog.Action.DENIED))


# --- 1. The admin manages people, teams and settings, never record contents -------------------


@pytest.mark.parametrize(
    "model", ["decision", "addendum", "reviewevent", "accesslog", "exportevent", "draft"]
)
def test_admin_has_no_pages_for_records(client, decision, django_user_model, model):
    admin = django_user_model.objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)

    listing = client.get(f"/admin/decisions/{model}/")
    change = client.get(f"/admin/decisions/{model}/1/change/")

    assert listing.status_code == 404
    assert change.status_code == 404
    assert decision.rationale not in client.get(reverse("admin:index")).content.decode()


def test_admin_still_manages_people_teams_and_settings(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)

    for url in ["/admin/auth/user/", "/admin/auth/group/", "/admin/decisions/team/"]:
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/decisions/localsettings/").status_code == 200


# --- 2. Only practitioners, and managers in their team, record decisions --------------------


@pytest.mark.parametrize(
    ("role", "in_team"),
    [(Role.AUDITOR, False), (Role.ADMINISTRATOR, False), (Role.AUDITOR, True), (Role.PRACTITIONER, False)],
)
def test_people_who_may_not_record_cannot_start_or_continue_a_decision(make_user, team, role, in_team):
    user = make_user("someone", role, team if in_team else None)
    draft = services.draft_start(author=user)
    client = Client()
    client.force_login(user)

    assert client.get(reverse("decisions:start")).status_code == 404
    assert client.post(reverse("decisions:new")).status_code == 404
    assert client.get(reverse("decisions:resume", args=[draft.pk])).status_code == 404
    assert client.get(reverse("decisions:wizard", args=[draft.pk, "triage"])).status_code == 404
    assert client.post(reverse("decisions:wizard", args=[draft.pk, "triage"]), {}).status_code == 404
    assert Draft.objects.filter(author=user).count() == 1
    assert len(denied(user)) == 5


@pytest.mark.parametrize(("role", "in_team"), [(Role.AUDITOR, False), (Role.ADMINISTRATOR, True)])
def test_the_service_refuses_a_decision_from_someone_who_may_not_record(make_user, team, role, in_team):
    user = make_user("someone", role, team if in_team else None)
    answers, form_data, _ = cleaned_answers(registry.get(registry.DEFAULT_KEY), {"purpose": "no"})
    draft = services.draft_start(author=user)

    with pytest.raises(services.NotAllowed):
        services.decision_record(author=user, draft_id=draft.pk, answers=answers, form_data=form_data)
    assert not Decision.objects.exists()


def test_a_practitioner_with_no_team_cannot_record(make_user):
    loner = make_user("loner", Role.PRACTITIONER)
    answers, form_data, _ = cleaned_answers(registry.get(registry.DEFAULT_KEY), {"purpose": "no"})
    draft = services.draft_start(author=loner)

    with pytest.raises(services.NotAllowed):
        services.decision_record(author=loner, draft_id=draft.pk, answers=answers, form_data=form_data)


def test_a_manager_in_a_team_records_a_decision_for_that_team(make_user, team):
    manager = make_user("morgan", Role.MANAGER, team)
    client = Client()
    client.force_login(manager)

    _, final = walk(client, SHARE)

    assert recorded(final).team == team


# --- 3. One place decides scope and logs every refusal ---------------------------------------


def test_someone_elses_draft_is_not_found_and_the_refusal_logged(client, practitioner, other_practitioner):
    draft = services.draft_start(author=practitioner)
    client.force_login(other_practitioner)

    urls = [
        reverse("decisions:resume", args=[draft.pk]),
        reverse("decisions:wizard", args=[draft.pk, "triage"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(reverse("decisions:discard", args=[draft.pk])).status_code == 404

    assert Draft.objects.filter(pk=draft.pk).exists()
    rows = denied(other_practitioner)
    assert len(rows) == 3
    assert {row.target for row in rows} == {str(draft.pk)}


@pytest.mark.parametrize("name", ["index", "export", "export_log", "access_log", "retention"])
def test_audit_pages_refused_to_others_are_logged(practitioner_client, practitioner, name):
    assert practitioner_client.get(reverse(f"audit:{name}")).status_code == 404

    assert [row.path for row in denied(practitioner)] == [reverse(f"audit:{name}")]


@pytest.mark.parametrize("name", ["add_addendum", "advice_received"])
@pytest.mark.parametrize("role", [Role.MANAGER, Role.AUDITOR])
def test_author_only_pages_refused_to_readers_are_logged_as_denied_not_viewed(
    client, decision, make_user, team, role, name
):
    reader = make_user("reader", role, team)
    client.force_login(reader)

    response = client.get(reverse(f"decisions:{name}", args=[decision.reference]))

    assert response.status_code == 404
    assert decision.rationale not in response.content.decode()
    rows = AccessLog.objects.filter(user=reader)
    assert [(row.action, row.target) for row in rows] == [(AccessLog.Action.DENIED, decision.reference)]


def test_an_unknown_address_is_logged_as_a_refusal(practitioner_client, practitioner):
    assert practitioner_client.get("/no/such/page/").status_code == 404

    assert [row.path for row in denied(practitioner)] == ["/no/such/page/"]


# --- 4. No character anywhere in a request makes the service fail ----------------------------

NASTY = ["\x00", "%00", "%C0%80", "%ED%A0%80", "%FF%FE", "\x7f", "%01", "%EF%BF%BF"]


@pytest.mark.parametrize(
    "url",
    [
        "/decisions/%00/",
        "/decisions/%00/print/",
        "/manage/cases/?case=%00",
        "/manage/?case_reference=%00",
        "/decisions/?x=%00",
        "/audit/export/?dataset=%00",
        "/manage/decisions/D-%00/",
        "/%00",
    ],
)
def test_a_nul_byte_in_the_address_is_refused_and_logged(client, make_user, team, url):
    manager = make_user("morgan", Role.MANAGER, team)
    client.force_login(manager)

    response = client.get(url)

    assert response.status_code == 400
    assert "There is a problem with the web address" in response.content.decode()
    [row] = denied(manager)
    assert "\x00" not in row.path
    assert row.target == "Characters that are not allowed in the request"


def test_a_nul_byte_in_a_form_is_refused(practitioner_client, practitioner, decision):
    url = reverse("decisions:add_addendum", args=[decision.reference])

    response = practitioner_client.post(url, {"kind": "other", "text": "a\x00b"})

    assert response.status_code == 400
    assert not decision.addenda.exists()


@pytest.mark.parametrize("where", ["cookie", "header", "sign-in", "field name"])
def test_a_nul_byte_anywhere_else_is_refused_without_an_error(practitioner, where):
    client = Client()
    if where == "cookie":
        client.cookies["sessionid"] = "abc\x00def" * 4
        response = client.get(reverse("login"))
        assert response.status_code == 200  # the spoilt cookie is dropped, the page works
        return
    elif where == "header":
        response = client.post(
            reverse("login"), {"username": "pat", "password": "wrong"}, HTTP_USER_AGENT="evil\x00agent"
        )
    elif where == "sign-in":
        response = client.post(reverse("login"), {"username": "pat\x00", "password": "x\x00"})
    else:
        response = client.post(reverse("login"), {"user\x00name": "pat", "password": "x"})

    assert response.status_code == 400


@pytest.mark.parametrize("nasty", NASTY)
def test_odd_bytes_in_any_part_of_a_page_address_never_fail(client, make_user, team, decision, nasty):
    """Every resolved page, with odd bytes as its reference, draft, step or query: never a 500."""
    for role in [Role.PRACTITIONER, Role.MANAGER, Role.AUDITOR]:
        client.force_login(make_user(f"user-{role}", role, team))
        for url in [
            f"/decisions/{nasty}/",
            f"/decisions/{decision.reference}/?page={nasty}",
            f"/decisions/draft/{uuid.uuid4()}/{nasty}/",
            f"/manage/decisions/{nasty}/",
            f"/manage/cases/?case={nasty}",
            f"/manage/?section={nasty}&outcome={nasty}&page={nasty}",
            f"/manage/dashboard/?period={nasty}",
            f"/audit/export/?dataset=decisions&file_format={nasty}",
            f"/audit/export/{nasty}/manifest/",
            f"/audit/access-log/?page={nasty}",
            f"/sign-in/?next={nasty}",
        ]:
            response = client.get(url)
            assert response.status_code in {200, 302, 400, 404}, (role, url, response.status_code)


def test_an_administrator_starts_in_the_admin(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 12))

    assert client.get(reverse("home"))["Location"] == reverse("admin:index")
