"""Two-factor sign-in for local accounts, over HTTP: set-up, security codes, recovery codes."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from decisions.models import Role
from tests.conftest import PASSWORD


def code_for(user, later: int = 0) -> str:
    """The app's code now, or ``later`` steps of 30 seconds ahead (the service accepts one step
    of clock drift, and each code once: the code after the one used at set-up is a fresh one)."""
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + later * device.step
    return f"{totp.token():06d}"


def password_sign_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return client


def set_up(client, user) -> list[str]:
    client.get(reverse("accounts:two_factor_setup"))
    response = client.post(reverse("accounts:two_factor_setup"), {"code": code_for(user)}, follow=True)
    page = response.content.decode()
    assert "Save your recovery codes" in page
    return re.findall(r"<code>([a-z0-9]{10})</code>", page)


@pytest.fixture
def manager(make_user, team):
    return make_user("morgan", Role.MANAGER, team)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.AUDITOR, Role.ADMINISTRATOR])
def test_password_alone_reaches_nothing_but_two_factor_set_up(make_user, team, role):
    user = make_user("someone", role, team)
    client = password_sign_in("someone")

    for url in [reverse("home"), reverse("decisions:my_decisions"), reverse("manager:queue"), "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:two_factor_setup")), url
    assert client.post(reverse("accounts:password_change"), {}).status_code == 302
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_set_up_shows_a_qr_code_and_key_and_needs_a_right_code(client, manager):
    client = password_sign_in("morgan")

    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    assert re.search(r"app-secret-key\">[A-Z2-7 ]{20,}<", page)
    wrong = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert wrong.status_code == 400
    assert "The security code is not correct" in wrong.content.decode()
    assert client.get(reverse("manager:queue")).status_code == 302
    TOTPDevice.objects.filter(user=manager).update(throttling_failure_count=0)  # no wait in a test

    codes = set_up(client, manager)

    assert len(codes) == 10
    assert client.get(reverse("manager:queue")).status_code == 200


def test_next_sign_in_asks_for_the_code_and_refuses_a_wrong_or_reused_one(manager):
    set_up(password_sign_in("morgan"), manager)
    client = password_sign_in("morgan")
    assert client.get(reverse("manager:queue"))["Location"].startswith(reverse("accounts:security_code"))

    wrong = client.post(reverse("accounts:security_code"), {"code": "123456"})
    assert wrong.status_code == 400
    assert "There is a problem" in wrong.content.decode()
    TOTPDevice.objects.filter(user=manager).update(throttling_failure_count=0)  # no wait in a test
    code = code_for(manager, later=1)
    assert client.post(reverse("accounts:security_code"), {"code": code}).status_code == 302
    assert client.get(reverse("manager:queue")).status_code == 200

    replay = password_sign_in("morgan")  # the same code again, within its 30 seconds
    assert replay.post(reverse("accounts:security_code"), {"code": code}).status_code == 400
    assert replay.get(reverse("manager:queue")).status_code == 302


def test_wrong_codes_slow_down_guessing(manager):
    set_up(password_sign_in("morgan"), manager)
    TOTPDevice.objects.filter(user=manager).update(last_t=0)
    client = password_sign_in("morgan")

    client.post(reverse("accounts:security_code"), {"code": "123456"})
    right_too_soon = client.post(reverse("accounts:security_code"), {"code": code_for(manager, later=1)})

    assert right_too_soon.status_code == 400


def test_a_recovery_code_works_once(manager):
    codes = set_up(password_sign_in("morgan"), manager)

    first = password_sign_in("morgan")
    assert first.post(reverse("accounts:security_code"), {"code": codes[0]}).status_code == 302
    assert first.get(reverse("manager:queue")).status_code == 200
    again = password_sign_in("morgan")
    assert again.post(reverse("accounts:security_code"), {"code": codes[0]}).status_code == 400


def test_new_recovery_codes_need_a_security_code_and_replace_the_old_ones(manager):
    client = password_sign_in("morgan")
    old = set_up(client, manager)

    assert "Get new recovery codes" in client.get(reverse("accounts:recovery_codes")).content.decode()
    wrong = client.post(reverse("accounts:recovery_codes"), {"code": "000000"})
    assert wrong.status_code == 400
    TOTPDevice.objects.filter(user=manager).update(throttling_failure_count=0)  # no wait in a test
    page = client.post(reverse("accounts:recovery_codes"), {"code": code_for(manager, later=1)}, follow=True)
    new = re.findall(r"<code>([a-z0-9]{10})</code>", page.content.decode())

    assert len(new) == 10 and not set(new) & set(old)
    assert (
        password_sign_in("morgan").post(reverse("accounts:security_code"), {"code": old[1]}).status_code
        == 400
    )


def test_practitioners_need_two_factor_only_when_configured(practitioner, settings):
    assert password_sign_in("pat").get(reverse("decisions:my_decisions")).status_code == 200

    settings.TWO_FACTOR_PRACTITIONERS = True

    response = password_sign_in("pat").get(reverse("decisions:my_decisions"))
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_the_break_glass_superuser_needs_two_factor(django_user_model):
    django_user_model.objects.create_superuser("root", password=PASSWORD)

    response = password_sign_in("root").get("/admin/")

    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_single_sign_on_accounts_are_not_asked_for_a_code(client, make_user, team):
    user = make_user("olly", Role.MANAGER, team)
    user.set_unusable_password()
    user.save()
    client.force_login(user)

    assert client.get(reverse("manager:queue")).status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_sign_out_works_before_the_code(manager):
    set_up(password_sign_in("morgan"), manager)
    client = password_sign_in("morgan")

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_password_alone_cannot_replace_the_authenticator(manager):
    set_up(password_sign_in("morgan"), manager)
    original = TOTPDevice.objects.get(user=manager, confirmed=True)
    attacker = password_sign_in("morgan")  # knows the password, not the phone

    page = attacker.get(reverse("accounts:two_factor_setup"))
    attacker.post(reverse("accounts:two_factor_setup"), {"code": "123456"})

    assert page["Location"].startswith(reverse("accounts:security_code"))
    assert list(TOTPDevice.objects.filter(user=manager)) == [original]
    assert attacker.get(reverse("manager:queue")).status_code == 302


def test_a_practitioner_who_chose_two_factor_is_asked_for_it(practitioner):
    client = password_sign_in("pat")
    set_up(client, practitioner)

    again = password_sign_in("pat")

    assert again.get(reverse("decisions:my_decisions"))["Location"].startswith(
        reverse("accounts:security_code")
    )


def test_the_admin_can_remove_a_lost_authenticator_but_never_see_its_key(client, manager, django_user_model):
    codes = set_up(password_sign_in("morgan"), manager)
    device = TOTPDevice.objects.get(user=manager)
    client.force_login(django_user_model.objects.create_superuser("root", password=PASSWORD))

    pages = [
        client.get("/admin/otp_totp/totpdevice/").content.decode(),
        client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode(),
        client.get("/admin/otp_static/staticdevice/").content.decode(),
    ]
    assert all(device.key not in page and codes[0] not in page for page in pages)
    assert "morgan" in pages[0]
    client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})

    assert not TOTPDevice.objects.filter(user=manager).exists()
    again = password_sign_in("morgan")
    assert again.get(reverse("manager:queue"))["Location"].startswith(reverse("accounts:two_factor_setup"))
