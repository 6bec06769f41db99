"""Scoping matrix: every event, in each team, alerts only people who may read the decision; a manager
of another team never gets an alert, an email or a notification on their page about it."""

import pytest
from django.urls import reverse

from decisions import reviews, services
from decisions.alerts.models import EmailDelivery, Notification
from decisions.models import LocalSettings
from decisions.questions.base import Outcome
from decisions.selectors import decisions_visible_to
from tests.alerts.factories import make_decision

NORTH_MANAGERS = {"mo", "mia", "bo"}  # bo manages both teams
SOUTH_MANAGERS = {"sol", "bo"}


def routine(author, team, _teams):
    return make_decision(author, team)


def urgent(author, team, _teams):
    return make_decision(author, team, emergency=True)


def advice_from_manager(author, team, _teams):
    return make_decision(author, team, outcome=Outcome.AWAITING_ADVICE, advice_from="manager")


def advice_from_dsl(author, team, teams):
    local = LocalSettings.load()
    local.dsl_user = teams["sol"]  # a manager in the south only: named, but out of scope for north
    local.save()
    return make_decision(author, team, outcome=Outcome.AWAITING_ADVICE, advice_from="dsl")


def concern(author, team, teams):
    decision = make_decision(author, team, alert=False)
    reviewer = teams["mo"] if team == teams["north"] else teams["sol"]
    reviews.review_record(decision=decision, reviewer=reviewer, action="concern", comment="Why?")
    return decision


def concern_answered(author, team, teams):
    decision = concern(author, team, teams)
    Notification.objects.all().delete()
    EmailDelivery.objects.all().delete()
    services.addendum_add(decision=decision, author=author, kind="other", text="Because.")
    return decision


# event, expected recipients in the north (author pat) and in the south (author sam)
MATRIX = [
    (routine, NORTH_MANAGERS, SOUTH_MANAGERS),
    (urgent, NORTH_MANAGERS, SOUTH_MANAGERS),
    (advice_from_manager, NORTH_MANAGERS, SOUTH_MANAGERS),
    (advice_from_dsl, NORTH_MANAGERS, SOUTH_MANAGERS),
    (concern, {"pat"}, {"sam"}),
    (concern_answered, {"mo"}, {"sol"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("event", "north", "south"), MATRIX, ids=[row[0].__name__ for row in MATRIX])
@pytest.mark.parametrize("where", ["north", "south"])
def test_alerts_stay_inside_the_decision_scope(client, teams, event, north, south, where):
    author = teams["pat"] if where == "north" else teams["sam"]
    decision = event(author, teams[where], teams)
    expected = north if where == "north" else south

    notified = set(Notification.objects.filter(decision=decision).values_list("user__username", flat=True))
    emailed = set(EmailDelivery.objects.values_list("user__username", flat=True))
    assert notified == expected
    assert emailed <= notified
    for name in notified:
        assert decisions_visible_to(teams[name]).filter(pk=decision.pk).exists(), name

    other_team_managers = (
        SOUTH_MANAGERS - NORTH_MANAGERS if where == "north" else NORTH_MANAGERS - SOUTH_MANAGERS
    )
    for name in other_team_managers:
        client.force_login(teams[name])
        page = client.get(reverse("alerts:list")).content.decode()
        assert decision.reference not in page, name
        assert name not in notified and name not in emailed
