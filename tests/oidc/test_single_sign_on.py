"""Single sign-on over HTTP against a real OpenID provider on 127.0.0.1 (oidc-provider 9).

The service's side runs in Django's test client; the person's side at the provider (typing a
login and password) is done with ``requests``. Every refusal must end on a clear page.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from decisions.accounts.models import ExternalIdentity
from decisions.models import Role
from tests.conftest import PASSWORD
from tests.oidc.conftest import configure, sign_in_at_provider

pytestmark = pytest.mark.django_db


def authorize_url(client: Client) -> str:
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 302
    return response["Location"]


def single_sign_on(client: Client, login: str):
    """The whole round trip; returns the service's answer to the provider's redirect."""
    return client.get(sign_in_at_provider(authorize_url(client), login))


def signed_in_user(client: Client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def test_sign_in_uses_the_code_flow_with_pkce_state_and_nonce(client, provider):
    query = parse_qs(urlsplit(authorize_url(client)).query)

    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["client_id"] == ["sharing-wizard"]


def test_a_first_sign_in_creates_a_user_with_no_role_and_no_password(client, provider):
    response = single_sign_on(client, "hana-hughes")

    assert response.status_code == 302
    user = signed_in_user(client)
    assert user is not None
    assert not user.has_usable_password()
    assert not user.groups.exists()
    assert (user.first_name, user.email) == ("Hughes", "hana-hughes@example.org")
    assert ExternalIdentity.objects.get(user=user).subject == "hana-hughes"
    page = client.get(reverse("home")).content.decode()
    assert "Your account is not set up yet" in page


def test_a_returning_person_is_matched_by_their_subject_not_their_name(client, provider):
    single_sign_on(client, "hana-hughes")
    first = signed_in_user(client)
    first.username = "renamed-by-an-admin"
    first.save()

    again = Client()
    single_sign_on(again, "hana-hughes")

    assert signed_in_user(again) == first
    assert get_user_model().objects.count() == 1


def test_a_local_account_with_the_same_name_is_never_taken_over(client, provider, make_user, team):
    local = make_user("hana-hughes", Role.MANAGER, team)

    single_sign_on(client, "hana-hughes")

    assert signed_in_user(client) != local
    assert not signed_in_user(client).groups.exists()


def test_roles_can_follow_the_providers_groups(client, provider, settings, team):
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_GROUP_ROLES = {"sw-managers": Role.MANAGER, "sw-staff": Role.PRACTITIONER}

    single_sign_on(client, "olly-manager")

    user = signed_in_user(client)
    assert set(user.groups.values_list("name", flat=True)) == {Role.MANAGER}
    # Signed in through the organisation: no second factor asked here.
    assert client.get(reverse("manager:queue")).status_code == 200


def test_a_token_for_another_service_is_refused(client, provider_factory, settings):
    configure(settings, provider_factory(MISCHIEF="wrong-audience"))

    response = single_sign_on(client, "hana-hughes")

    assert response.status_code == 403
    assert "answered for a different service" in response.content.decode()
    assert signed_in_user(client) is None


def test_an_expired_token_is_refused(client, provider_factory, settings):
    configure(settings, provider_factory(CLOCK_SKEW="-600"))  # its tokens expired before they arrive

    response = single_sign_on(client, "hana-hughes")

    assert response.status_code == 403
    assert "took too long" in response.content.decode()
    assert signed_in_user(client) is None


def test_a_replayed_answer_from_the_provider_is_refused(client, provider):
    callback = sign_in_at_provider(authorize_url(client), "hana-hughes")
    assert client.get(callback).status_code == 302
    client.post(reverse("logout"))

    replayed = client.get(callback)

    assert replayed.status_code == 403
    assert "already been used" in replayed.content.decode()
    assert signed_in_user(client) is None


def test_an_answer_meant_for_another_browser_is_refused(provider):
    victim, attacker = Client(), Client()
    authorize_url(victim)  # the victim's browser holds its own state and nonce
    callback = sign_in_at_provider(authorize_url(attacker), "mallory")

    response = victim.get(callback)  # the attacker's sign-in, pushed into the victim's browser

    assert response.status_code == 403
    assert signed_in_user(victim) is None


def test_a_turned_off_account_cannot_sign_in_and_its_sessions_end(client, provider):
    single_sign_on(client, "hana-hughes")
    user = signed_in_user(client)
    user.is_active = False
    user.save()

    assert client.get(reverse("decisions:my_decisions")).status_code == 302  # signed out
    refused = single_sign_on(Client(), "hana-hughes")

    assert refused.status_code == 403
    assert "has been turned off" in refused.content.decode()


def test_signing_out_ends_the_session_at_the_provider_too(client, provider):
    single_sign_on(client, "hana-hughes")

    response = client.post(reverse("logout"))

    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{provider.issuer}/session/end"
    assert query["id_token_hint"][0].count(".") == 2
    assert query["post_logout_redirect_uri"] == ["http://testserver/sign-in/"]
    assert signed_in_user(client) is None


def test_password_accounts_still_sign_in_beside_single_sign_on(client, provider, practitioner):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with your organisation account" in page

    response = client.post(reverse("login"), {"username": "pat", "password": PASSWORD})

    assert response.status_code == 302 and signed_in_user(client) == practitioner


def test_without_configuration_there_is_no_single_sign_on(client, settings):
    settings.OIDC_ISSUER = ""

    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback") + "?code=x&state=y").status_code == 404
    assert "organisation account" not in client.get(reverse("login")).content.decode()


def test_a_mapping_to_a_role_that_does_not_exist_stops_the_service_starting(settings):
    from decisions.accounts.oidc import check_settings

    settings.OIDC_GROUP_ROLES = {"sw-managers": "Boss"}
    settings.OIDC_ISSUER, settings.OIDC_RP_CLIENT_SECRET = "https://login.example.org", ""

    assert {error.id for error in check_settings()} == {"accounts.E002", "accounts.E003"}
