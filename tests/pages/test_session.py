"""Keeping a session alive, and what the sign-in page says after a time-out."""

import pytest
from django.urls import reverse

from decisions.middleware import PENDING_ANSWERS


def test_keep_alive_answers_401_when_signed_out(client, db):
    response = client.get(reverse("session_keep_alive"))
    assert response.status_code == 401
    assert response.json() == {"signed_in": False}


def test_keep_alive_starts_the_session_time_again(practitioner_client, settings):
    settings.SESSION_COOKIE_AGE = 600
    response = practitioner_client.get(reverse("session_keep_alive"))
    assert response.status_code == 200
    assert response.json() == {"signed_in": True, "seconds": 600}
    assert response.cookies["sessionid"]["max-age"] == 600


def test_keep_alive_changes_nothing_on_post(practitioner_client):
    assert practitioner_client.post(reverse("session_keep_alive")).status_code == 405


def test_sign_in_page_says_why_after_a_time_out(client, db, settings):
    settings.SESSION_COOKIE_AGE = 30 * 60
    page = client.get(reverse("login"), {"reason": "timeout"}).content.decode()
    assert "We signed you out because you had not used the service for 30 minutes." in page
    assert "Your answers were kept" in page


def test_sign_in_page_says_nothing_about_time_outs_otherwise(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "We signed you out" not in page


def test_sign_in_page_says_answers_sent_after_the_time_out_were_kept(client, db):
    session = client.session
    session[PENDING_ANSWERS] = {"path": "/decisions/draft/x/purpose/", "data": {"purpose-answer": ["yes"]}}
    session.save()
    page = client.get(reverse("login")).content.decode()
    assert "We kept the answers you sent after you were signed out." in page


@pytest.mark.parametrize("path", ["/decisions/", "/cookies/"])
def test_the_warning_is_on_every_signed_in_page_with_the_session_timings(practitioner_client, settings, path):
    settings.SESSION_COOKIE_AGE = 900
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 120
    page = practitioner_client.get(path).content.decode()
    assert 'data-session-seconds="900"' in page
    assert 'data-warning-seconds="120"' in page


def test_no_warning_when_signed_out(client, db):
    assert "timeout-warning" not in client.get(reverse("cookies")).content.decode()
