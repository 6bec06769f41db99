"""The notifications page, opening an alert, marking as read, the header count, the email choice."""

import re

import pytest
from django.urls import reverse

from decisions import reviews
from decisions.alerts.models import Notification, Preference
from tests.alerts.factories import make_decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(teams):
    """Three decisions in the north, each alerting mo; the middle one already read."""
    decisions = [make_decision(teams["pat"], teams["north"]) for _ in range(3)]
    Notification.objects.filter(user=teams["mo"], decision=decisions[1]).update(read_at="2026-01-01T00:00Z")
    return decisions


def test_the_page_lists_unread_alerts_first_with_links(client, teams, three):
    client.force_login(teams["mo"])
    page = client.get(reverse("alerts:list")).content.decode()

    positions = [page.index(decision.reference) for decision in three]
    assert positions[2] < positions[0] < positions[1]  # unread newest, unread older, then read
    assert "You have 2 unread alerts." in page
    for notification in Notification.objects.filter(user=teams["mo"]):
        assert f'href="{notification.get_absolute_url()}"' in page


def test_the_header_counts_unread_alerts(client, teams, three):
    client.force_login(teams["mo"])
    header = client.get(reverse("alerts:list")).content.decode().split("</nav>")[0]
    assert 'class="app-alert-count">2<span class="govuk-visually-hidden"> unread</span>' in header

    client.post(reverse("alerts:mark_read"))
    header = client.get(reverse("decisions:my_decisions")).content.decode().split("</nav>")[0]
    assert "app-alert-count" not in header
    assert not Notification.objects.filter(user=teams["mo"], read_at__isnull=True).exists()


def test_opening_an_alert_marks_it_read_and_goes_to_the_review_page(client, teams, three):
    notification = Notification.objects.get(user=teams["mo"], decision=three[0])
    client.force_login(teams["mo"])
    response = client.get(notification.get_absolute_url())

    assert response["Location"] == reverse("manager:review", kwargs={"reference": three[0].reference})
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_an_author_is_sent_to_their_decision(client, teams, three):
    reviews.review_record(decision=three[0], reviewer=teams["mo"], action="concern", comment="Why?")
    notification = Notification.objects.get(user=teams["pat"])
    client.force_login(teams["pat"])
    response = client.get(notification.get_absolute_url())
    assert response["Location"] == three[0].get_absolute_url()


def test_nobody_opens_or_marks_another_users_alert(client, teams, three):
    notification = Notification.objects.filter(user=teams["mo"], read_at__isnull=True).first()
    client.force_login(teams["sol"])

    assert client.get(notification.get_absolute_url()).status_code == 404
    client.post(reverse("alerts:mark_read"), {"notification": notification.pk})
    client.post(reverse("alerts:mark_read"))
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_one_alert_read(client, teams, three):
    target = Notification.objects.get(user=teams["mo"], decision=three[0])
    client.force_login(teams["mo"])
    response = client.post(reverse("alerts:mark_read"), {"notification": target.pk}, follow=True)

    assert "The alert is marked as read." in response.content.decode()
    assert Notification.objects.filter(user=teams["mo"], read_at__isnull=True).get().decision == three[2]
    # Rubbish in the form changes nothing and is no error.
    assert client.post(reverse("alerts:mark_read"), {"notification": "x'; --"}).status_code == 302
    assert Notification.objects.filter(user=teams["mo"], read_at__isnull=True).count() == 1


def test_choosing_when_to_be_emailed(client, teams):
    client.force_login(teams["mo"])
    page = client.get(reverse("alerts:preferences")).content.decode()
    checked = re.findall(r'value="(\w+)"\s*checked', page)
    assert checked == ["digest"]  # the default: one summary a day

    response = client.post(reverse("alerts:preferences"), {"non_urgent": "sometimes"})
    assert response.status_code == 200
    assert "Select when we should email you" in response.content.decode()
    assert not Preference.objects.exists()

    response = client.post(reverse("alerts:preferences"), {"non_urgent": "immediate"})
    assert response.status_code == 302
    assert Preference.objects.get(user=teams["mo"]).non_urgent == Preference.Timing.IMMEDIATE


def test_alert_pages_need_sign_in(client):
    for url in (
        reverse("alerts:list"),
        reverse("alerts:preferences"),
        reverse("alerts:open", kwargs={"pk": 1}),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_link_in_an_email_marks_that_decisions_alerts_read(client, teams, three):
    client.force_login(teams["mo"])
    url = reverse("alerts:decision", kwargs={"reference": three[2].reference})
    response = client.get(url)

    assert response["Location"] == reverse("manager:review", kwargs={"reference": three[2].reference})
    unread = Notification.objects.filter(user=teams["mo"], read_at__isnull=True)
    assert list(unread.values_list("decision", flat=True)) == [three[0].pk]

    client.force_login(teams["sol"])  # another team's manager: the decision stays out of reach
    response = client.get(url, follow=True)
    assert response.status_code == 404
