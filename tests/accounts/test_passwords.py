"""Changing a password, and resetting a forgotten one by email (issue 9, finding 5)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

NEW = "a-much-longer-passphrase-2026"


def sign_in(client, username, password) -> bool:
    client.post(reverse("login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


def test_change_password_then_sign_in_with_the_new_one(practitioner_client, practitioner):
    response = practitioner_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )

    assert response["Location"] == reverse("accounts:password_changed")
    assert practitioner_client.get(reverse("decisions:my_decisions")).status_code == 200  # still signed in
    assert sign_in(Client(), "pat", NEW)
    assert not sign_in(Client(), "pat", PASSWORD)


def test_change_password_signs_out_other_sessions(practitioner_client, practitioner):
    elsewhere = Client()
    assert sign_in(elsewhere, "pat", PASSWORD)

    practitioner_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )

    assert elsewhere.get(reverse("decisions:my_decisions")).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
            "Your current password is not correct",
        ),
        ({"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"}, "do not match"),
        ({"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}, "too short"),
        ({"old_password": "", "new_password1": "", "new_password2": ""}, "Enter your current password"),
    ],
)
def test_change_password_errors_are_shown_and_change_nothing(
    practitioner_client, practitioner, data, message
):
    response = practitioner_client.post(reverse("accounts:password_change"), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    practitioner.refresh_from_db()
    assert practitioner.check_password(PASSWORD)


def test_an_account_without_a_password_cannot_change_one(client, practitioner):
    practitioner.set_unusable_password()
    practitioner.save()
    client.force_login(practitioner)

    response = client.post(reverse("accounts:password_change"), {"new_password1": NEW, "new_password2": NEW})

    assert "Your organisation manages your password" in response.content.decode()
    practitioner.refresh_from_db()
    assert not practitioner.has_usable_password()


def reset_link() -> str:
    [message] = mail.outbox
    return re.search(r"https?://[^/]+(/account/reset/\S+)", message.body).group(1)


def test_reset_by_email_link(client, practitioner):
    practitioner.email = "pat@example.org"
    practitioner.save()

    response = client.post(reverse("accounts:password_forgotten"), {"email": "pat@example.org"})

    assert response["Location"] == reverse("accounts:password_reset_sent")
    assert mail.outbox[0].to == ["pat@example.org"]
    assert "Pat" not in mail.outbox[0].body  # no personal data in the email
    form_page = client.get(reset_link(), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("accounts:password_reset_done")
    assert "_auth_user_id" not in client.session  # sign in again, through two-factor where it applies
    assert sign_in(Client(), "pat", NEW)
    # The link works once.
    assert "This link has expired" in client.get(reset_link(), follow=True).content.decode()


@pytest.mark.parametrize("who", ["nobody", "single sign-on", "inactive"])
def test_reset_sends_nothing_to_unknown_sso_or_inactive_accounts_and_says_the_same(client, practitioner, who):
    practitioner.email = "pat@example.org"
    if who == "single sign-on":
        practitioner.set_unusable_password()
    if who == "inactive":
        practitioner.is_active = False
    practitioner.save()
    email = "nobody@example.org" if who == "nobody" else "pat@example.org"

    response = client.post(reverse("accounts:password_forgotten"), {"email": email})

    assert response["Location"] == reverse("accounts:password_reset_sent")
    assert mail.outbox == []


def test_reset_form_errors(client, db):
    response = client.post(reverse("accounts:password_forgotten"), {"email": "not an email"})

    assert "Enter an email address in the correct format" in response.content.decode()
    assert get_user_model().objects.count() == 0


@pytest.mark.parametrize("password", ["Safeguarding2026!", "my-password-123", "Your organisation 1"])
def test_a_password_built_on_a_context_word_is_refused(practitioner_client, practitioner, password):
    response = practitioner_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )

    assert "too easy to guess" in response.content.decode()
    practitioner.refresh_from_db()
    assert practitioner.check_password(PASSWORD)


def test_a_long_passphrase_of_any_characters_is_accepted(practitioner_client, practitioner):
    long = "correct horse 🐎 battery staple, a very long one: " + "x" * 30  # 64+ characters

    practitioner_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": long, "new_password2": long},
    )

    practitioner.refresh_from_db()
    assert practitioner.check_password(long)


def test_turning_off_a_local_account_ends_its_sessions(practitioner_client, practitioner):
    practitioner.is_active = False
    practitioner.save()

    assert practitioner_client.get(reverse("decisions:my_decisions")).status_code == 302


def test_password_fields_are_masked_and_welcome_password_managers(client, practitioner):
    pages = [client.get(reverse("login")).content.decode()]
    client.force_login(practitioner)
    pages.append(client.get(reverse("accounts:password_change")).content.decode())

    fields = [
        field
        for page in pages
        for field in re.findall(r"<input[^>]*name=\"[a-z_]*password[0-9]?\"[^>]*>", page)
    ]
    assert len(fields) == 4
    for field in fields:
        assert 'type="password"' in field
        assert 'autocomplete="off"' not in field
