"""An SMTP outage: the worker tries again with growing waits and then delivers; after the last try
the failure is visible to administrators, and the notification is never lost."""

import time

import pytest
from django.db import connection
from django.urls import reverse

from decisions.alerts.models import EmailDelivery, Notification
from tests.alerts.helpers import EMERGENCY, record

pytestmark = pytest.mark.django_db(transaction=True)


def scheduled_retry_seconds() -> list[float]:
    """How far in the future each waiting job is scheduled, per procrastinate's own table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT extract(epoch FROM scheduled_at - now()) FROM procrastinate_jobs "
            "WHERE status = 'todo' AND scheduled_at IS NOT NULL ORDER BY id"
        )
        return [float(row[0]) for row in cursor.fetchall()]


def test_an_smtp_outage_is_retried_with_backoff_then_delivered(smtp, worker, teams, settings):
    settings.ALERTS_RETRY_BASE_SECONDS = 2
    smtp.stop()  # the mail server is down
    decision = record(teams["pat"], EMERGENCY)

    worker()
    deliveries = EmailDelivery.objects.all()
    assert {(d.status, d.attempts) for d in deliveries} == {(EmailDelivery.Status.RETRYING, 1)}
    assert all("Connection refused" in d.last_error or "Errno" in d.last_error for d in deliveries)
    waits = scheduled_retry_seconds()  # one job sends the event's three emails
    assert len(waits) == 1 and all(0 < wait <= 2 for wait in waits)

    time.sleep(2.2)
    worker()  # still down: the second wait is twice as long
    assert {(d.status, d.attempts) for d in EmailDelivery.objects.all()} == {
        (EmailDelivery.Status.RETRYING, 2)
    }
    assert all(2 < wait <= 4 for wait in scheduled_retry_seconds())

    smtp.start()  # back up
    time.sleep(4.2)
    worker()

    assert sorted(a for m in smtp.messages for a in m.to) == [
        "bo@example.org",
        "mia@example.org",
        "mo@example.org",
    ]
    assert {(d.status, d.attempts) for d in EmailDelivery.objects.all()} == {(EmailDelivery.Status.SENT, 3)}
    assert Notification.objects.filter(decision=decision).count() == 3


def test_a_send_that_never_succeeds_is_shown_to_administrators(smtp, worker, teams, settings, client):
    settings.ALERTS_RETRY_BASE_SECONDS = 1
    settings.ALERTS_EMAIL_MAX_ATTEMPTS = 2
    smtp.stop()
    decision = record(teams["pat"], EMERGENCY)
    worker()
    time.sleep(1.2)
    worker()

    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {EmailDelivery.Status.FAILED}
    assert scheduled_retry_seconds() == []  # no more tries
    # The notifications are still there, unread, for the managers to see in the service.
    assert Notification.objects.filter(decision=decision, read_at__isnull=True).count() == 3

    admin = teams["ann"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    page = client.get(reverse("admin:alerts_emaildelivery_changelist") + "?status__exact=failed")
    assert page.status_code == 200
    assert page.content.decode().count("Failed: not sent") >= 3

    # An administrator can send them again once the mail server is back.
    smtp.start()
    failed = list(EmailDelivery.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("admin:alerts_emaildelivery_changelist"),
        {"action": "send_again", "_selected_action": failed},
    )
    assert response.status_code == 302
    worker()
    assert len(smtp.messages) == 3
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {EmailDelivery.Status.SENT}


def test_an_events_emails_go_over_one_connection(smtp, worker, teams):
    record(teams["pat"], EMERGENCY)
    worker()

    assert len(smtp.messages) == 3
    assert smtp.collector.connections == 1


def test_one_address_turned_away_is_tried_again_without_resending_the_others(smtp, worker, teams, settings):
    settings.ALERTS_RETRY_BASE_SECONDS = 1
    smtp.collector.refused = {"mia@example.org"}
    record(teams["pat"], EMERGENCY)
    worker()

    assert sorted(a for m in smtp.messages for a in m.to) == ["bo@example.org", "mo@example.org"]
    status = dict(EmailDelivery.objects.values_list("user__username", "status"))
    assert status == {
        "bo": EmailDelivery.Status.SENT,
        "mo": EmailDelivery.Status.SENT,
        "mia": EmailDelivery.Status.RETRYING,
    }
    assert "451" in EmailDelivery.objects.get(user=teams["mia"]).last_error

    smtp.collector.refused = set()
    time.sleep(1.2)
    worker()

    assert sorted(a for m in smtp.messages for a in m.to) == [
        "bo@example.org",
        "mia@example.org",
        "mo@example.org",
    ]
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {EmailDelivery.Status.SENT}
