"""Keeping a session alive, and what the sign-in page says after a time-out."""

import re
import time

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
    # The time left since the session was last written (at sign-in, moments ago).
    assert 880 <= int(re.search(r'data-session-seconds="(\d+)"', page)[1]) <= 900
    assert 'data-warning-seconds="120"' in page


def test_no_warning_when_signed_out(client, db):
    assert "timeout-warning" not in client.get(reverse("cookies")).content.decode()


def _session_written_at(client, seconds_ago: float) -> None:
    from decisions.accounts.sessions import REFRESHED_AT

    session = client.session
    session[REFRESHED_AT] = time.time() - seconds_ago
    session.save()


def _expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_page_soon_after_the_last_write_leaves_the_session_alone(practitioner_client, settings):
    settings.SESSION_REFRESH_SECONDS = 60
    _session_written_at(practitioner_client, 10)
    before = _expiry(practitioner_client)

    response = practitioner_client.get(reverse("decisions:my_decisions"))

    assert "sessionid" not in response.cookies
    assert _expiry(practitioner_client) == before


def test_a_page_long_enough_after_the_last_write_starts_the_idle_time_again(practitioner_client, settings):
    settings.SESSION_REFRESH_SECONDS = 60
    settings.SESSION_COOKIE_AGE = 900
    _session_written_at(practitioner_client, 61)
    before = _expiry(practitioner_client)

    response = practitioner_client.get(reverse("decisions:my_decisions"))

    assert response.cookies["sessionid"]["max-age"] == 900
    assert _expiry(practitioner_client) > before


def test_the_warning_counts_from_the_last_write_so_it_never_opens_late(practitioner_client, settings):
    settings.SESSION_REFRESH_SECONDS = 60
    settings.SESSION_COOKIE_AGE = 900
    _session_written_at(practitioner_client, 50)

    page = practitioner_client.get(reverse("decisions:my_decisions")).content.decode()

    seconds = int(re.search(r'data-session-seconds="(\d+)"', page)[1])
    assert 845 <= seconds <= 850


def test_keep_alive_writes_the_session_even_just_after_a_page(practitioner_client, settings):
    settings.SESSION_REFRESH_SECONDS = 60
    _session_written_at(practitioner_client, 5)
    before = _expiry(practitioner_client)

    practitioner_client.get(reverse("session_keep_alive"))

    assert _expiry(practitioner_client) > before
