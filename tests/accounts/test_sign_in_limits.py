"""Password spraying and long-lived sessions (issue 9, findings 6 and 7)."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from decisions.accounts.sessions import SIGNED_IN_AT
from decisions.models import Role
from tests.conftest import PASSWORD


def attempt(username, password="wrong", address="192.0.2.10"):
    return Client(REMOTE_ADDR=address).post(reverse("login"), {"username": username, "password": password})


def test_spraying_many_accounts_from_one_address_is_throttled(make_user, team, settings):
    settings.SIGN_IN_ADDRESS_LIMIT = 10
    for name in ["ann", "bob", "cat", "dan"]:
        make_user(name, Role.PRACTITIONER, team)
    for name in ["ann", "bob", "cat"]:  # 4 failures each: under the per-account limit of 5
        for _ in range(4):
            attempt(name)

    refused = attempt("dan", PASSWORD)

    assert refused.status_code == 429
    assert "Too many sign-in attempts" in refused.content.decode()
    # Another address is not affected, and dan's account is not locked.
    assert attempt("dan", PASSWORD, address="198.51.100.7").status_code == 302


def test_an_account_locks_after_five_failures_from_different_addresses(practitioner):
    for number in range(5):
        attempt("pat", address=f"203.0.113.{number}")

    locked = attempt("pat", PASSWORD, address="203.0.113.99")

    assert locked.status_code == 429


def test_forgotten_password_requests_are_throttled_per_address(make_user, team, settings):
    settings.SIGN_IN_ADDRESS_LIMIT = 3
    make_user("ann", Role.PRACTITIONER, team)
    for _ in range(3):
        attempt("ann")

    response = Client(REMOTE_ADDR="192.0.2.10").post(
        reverse("accounts:password_forgotten"), {"email": "ann@example.org"}
    )

    assert response.status_code == 429


def test_a_session_ends_at_its_absolute_lifetime_however_active(client, practitioner, settings):
    settings.SESSION_ABSOLUTE_AGE = 3600
    assert client.post(reverse("login"), {"username": "pat", "password": PASSWORD}).status_code == 302
    assert client.get(reverse("decisions:my_decisions")).status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 3601  # signed in just over an hour ago, active since
    session.save()

    response = client.get(reverse("decisions:my_decisions"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "You have been signed out because you signed in more than 1 hours ago" in page


def test_a_session_within_its_lifetime_continues(client, practitioner, settings):
    settings.SESSION_ABSOLUTE_AGE = 3600
    client.post(reverse("login"), {"username": "pat", "password": PASSWORD})
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 3500
    session.save()

    assert client.get(reverse("decisions:my_decisions")).status_code == 200


@pytest.mark.parametrize("name", ["SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME"])
def test_cookies_are_host_only_over_https_in_production(name):
    from tests.test_settings import PRODUCTION, manage

    result = manage(
        "shell", "-c", f"from django.conf import settings; print(settings.{name})", env=PRODUCTION
    )

    assert result.stdout.strip().splitlines()[-1].startswith("__Host-"), result.stderr


def test_production_cookies_are_secure_and_sent_for_the_whole_host():
    from tests.test_settings import PRODUCTION, manage

    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_PATH, s.CSRF_COOKIE_PATH, "
        "s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN, s.SESSION_ABSOLUTE_AGE)"
    )
    result = manage("shell", "-c", code, env=PRODUCTION)

    assert result.stdout.strip().splitlines()[-1] == "True True / / None None 36000", result.stderr


def test_the_admin_has_no_sign_in_page_of_its_own(django_user_model):
    django_user_model.objects.create_superuser("root", password=PASSWORD)
    client = Client()

    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})

    assert response.status_code in (301, 302)
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
