"""Sign-ins, failures and refusals leave a trace (ASVS 16.3.1 to 16.3.3)."""

import logging

from axes.models import AccessFailureLog
from axes.models import AccessLog as SignInLog
from django.test import Client
from django.urls import reverse

from decisions.models import AccessLog, Role
from tests.conftest import PASSWORD


def test_successful_and_failed_sign_ins_are_recorded(practitioner):
    Client().post(reverse("login"), {"username": "pat", "password": "wrong"})
    Client().post(reverse("login"), {"username": "pat", "password": PASSWORD})

    assert AccessFailureLog.objects.filter(username="pat").count() == 1
    assert SignInLog.objects.filter(username="pat").count() == 1


def test_a_wrong_security_code_is_logged(make_user, team, caplog):
    make_user("morgan", Role.MANAGER, team)
    client = Client()
    client.post(reverse("login"), {"username": "morgan", "password": PASSWORD})
    client.get(reverse("accounts:two_factor_setup"))

    with caplog.at_level(logging.WARNING, logger="decisions.security"):
        client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})

    assert any("wrong code" in record.getMessage() for record in caplog.records)


def test_a_request_with_forbidden_characters_is_logged_even_signed_out(client, caplog, db):
    with caplog.at_level(logging.WARNING, logger="decisions.security"):
        assert client.get("/decisions/%00/").status_code == 400

    assert any("NUL" in record.getMessage() for record in caplog.records)
    assert not AccessLog.objects.exists()
