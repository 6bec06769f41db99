"""The daily summary over a bank holiday weekend, with time frozen by passing ``now``."""

import datetime

import pytest

from decisions.alerts import digest
from decisions.alerts.models import Notification
from decisions.models import LocalSettings
from decisions.questions.base import Outcome
from tests.alerts.factories import london, make_decision

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def local(transactional_db):
    local = LocalSettings.load()
    local.review_within_working_days = 1
    local.advice_within_working_days = 1
    local.digest_time = datetime.time(8, 0)
    local.save()
    return local


def test_the_daily_summary_over_the_easter_weekend(smtp, worker, teams, local):
    routine = make_decision(teams["pat"], teams["north"], created_at=london(2026, 4, 2, 10, 0))
    advice = make_decision(
        teams["pat"], teams["north"], created_at=london(2026, 4, 2, 11, 0), outcome=Outcome.AWAITING_ADVICE
    )
    worker()
    assert smtp.messages == []  # not urgent: waiting for the summary

    # Tuesday after Easter, before the configured time: nothing yet.
    assert digest.digest_send_if_due(now=london(2026, 4, 7, 7, 59)) is None
    # At 08:00 each manager of the team gets one summary: the new alerts, nothing overdue yet.
    assert digest.digest_send_if_due(now=london(2026, 4, 7, 8, 0)) == 3
    assert digest.digest_send_if_due(now=london(2026, 4, 7, 15, 0)) is None  # once a day
    worker()
    assert sorted(a for m in smtp.messages for a in m.to) == [
        "bo@example.org",
        "mia@example.org",
        "mo@example.org",
    ]
    summary = smtp.to("mo@example.org")[0]
    assert summary.subject == "Your daily summary of alerts"
    assert f"{routine.reference}: A decision in your team needs review" in summary.body
    assert f"{advice.reference}: A practitioner has asked for advice on a decision" in summary.body
    assert "Overdue" not in summary.body
    for text in ("CASE-7781", routine.rationale, "Pat", "Testname"):
        assert text not in summary.body and text not in summary.subject
    assert not Notification.objects.filter(by_digest=True, email__isnull=True).exists()

    # Wednesday: both are past one working day. Managers are told, counts only; nothing new.
    smtp.messages.clear()
    assert digest.digest_send_if_due(now=london(2026, 4, 8, 8, 5)) == 3
    worker()
    summary = smtp.to("mo@example.org")[0]
    assert "- 1 decision not reviewed within 1 working day" in summary.body
    assert "- 1 decision waiting for advice for more than 1 working day" in summary.body
    assert routine.reference not in summary.body
    # The manager of another team only hears about their own team (here: nothing at all).
    assert smtp.to("sol@example.org") == []


def test_a_read_alert_is_left_out_of_the_summary(smtp, worker, teams, local):
    make_decision(teams["pat"], teams["north"], created_at=london(2026, 4, 7, 10, 0))
    Notification.objects.filter(user=teams["mo"]).update(read_at=london(2026, 4, 7, 11, 0))

    assert digest.digest_send_if_due(now=london(2026, 4, 7, 8, 30)) == 2
    worker()
    assert smtp.to("mo@example.org") == []
    assert len(smtp.to("mia@example.org")) == 1
