"""Each event alerts exactly the right people, in the service and by email, with no personal data.

A real SMTP server (aiosmtpd on 127.0.0.1) and the real procrastinate worker deliver the emails.
"""

import pytest
from django.db import connection, transaction

from decisions import reviews, services
from decisions.alerts import services as alerts
from decisions.alerts.models import EmailDelivery, Kind, Notification, Preference
from decisions.models import Addendum, Decision, LocalSettings, ReviewEvent
from tests.alerts.helpers import (
    AWAITING_ADVICE,
    EMERGENCY,
    FLAGGED,
    ROUTINE,
    assert_no_personal_data,
    record,
)

pytestmark = pytest.mark.django_db(transaction=True)


def notified(decision: Decision) -> dict[str, tuple[str, bool]]:
    """username -> (kind, emailed at once) for every notification about the decision."""
    return {
        n.user.username: (n.kind, not n.by_digest)
        for n in Notification.objects.filter(decision=decision).select_related("user")
    }


def emailed(smtp) -> list[str]:
    return sorted(address for message in smtp.messages for address in message.to)


def test_a_routine_decision_waits_for_the_managers_daily_summary(smtp, worker, teams):
    decision = record(teams["pat"], ROUTINE)
    worker()

    assert notified(decision) == {
        "mo": (Kind.DECISION_RECORDED, False),
        "mia": (Kind.DECISION_RECORDED, False),
        "bo": (Kind.DECISION_RECORDED, False),
    }
    assert smtp.messages == []


@pytest.mark.parametrize("answers", [EMERGENCY, FLAGGED], ids=["emergency share", "flagged for attention"])
def test_an_urgent_decision_emails_its_team_managers_at_once(smtp, worker, teams, answers):
    decision = record(teams["pat"], answers)
    worker()

    assert emailed(smtp) == ["bo@example.org", "mia@example.org", "mo@example.org"]
    assert set(notified(decision).values()) == {(Kind.URGENT_DECISION, True)}
    message = smtp.messages[0]
    assert message.subject == "A decision in your team needs your attention now"
    assert decision.reference in message.body
    assert "https://decisions.example.org/alerts/" in message.body
    assert_no_personal_data(smtp.messages, decision)
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {EmailDelivery.Status.SENT}


def test_significant_harm_is_urgent(teams):
    decision = Decision(emergency=False, needs_attention=False, answers={})
    assert not alerts.is_urgent(decision)
    decision.significant_harm = True
    assert alerts.is_urgent(decision)


def test_a_share_that_left_someone_identifiable_is_urgent(smtp, worker, teams):
    decision = record(teams["pat"], {**ROUTINE, "identities": "not-protected"})
    worker()

    assert set(notified(decision).values()) == {(Kind.URGENT_DECISION, True)}
    assert emailed(smtp) == ["bo@example.org", "mia@example.org", "mo@example.org"]


def test_a_manager_who_chose_emails_at_once_gets_routine_ones_at_once(smtp, worker, teams):
    services_preference = alerts.preference_set(user=teams["mo"], non_urgent=Preference.Timing.IMMEDIATE)
    assert services_preference.non_urgent == "immediate"
    decision = record(teams["pat"], ROUTINE)
    worker()

    assert emailed(smtp) == ["mo@example.org"]
    assert smtp.messages[0].subject == "A decision in your team needs review"
    assert_no_personal_data(smtp.messages, decision)


def test_asking_the_dsl_alerts_them_at_once_and_the_managers(smtp, worker, teams):
    local = LocalSettings.load()
    local.dsl_user = teams["ann"]  # an auditor: may read every decision
    local.save()
    decision = record(teams["pat"], AWAITING_ADVICE, {"advice": {"advice_from": "dsl"}})
    worker()

    assert notified(decision) == {
        "ann": (Kind.ADVICE_REQUESTED, True),
        "mo": (Kind.ADVICE_REQUESTED, False),
        "mia": (Kind.ADVICE_REQUESTED, False),
        "bo": (Kind.ADVICE_REQUESTED, False),
    }
    assert emailed(smtp) == ["ann@example.org"]
    assert smtp.messages[0].subject == "A practitioner has asked for advice on a decision"
    assert_no_personal_data(smtp.messages, decision)


def test_a_named_adviser_who_may_not_read_the_decision_is_not_alerted(smtp, worker, teams):
    local = LocalSettings.load()
    local.dpo_user = teams["sol"]  # manages another team only
    local.save()
    decision = record(teams["pat"], AWAITING_ADVICE, {"advice": {"advice_from": "dpo"}})
    worker()

    assert "sol" not in notified(decision)
    assert emailed(smtp) == []


def test_asking_my_manager_emails_the_team_managers_at_once(smtp, worker, teams):
    decision = record(teams["pat"], AWAITING_ADVICE, {"advice": {"advice_from": "manager"}})
    worker()

    assert emailed(smtp) == ["bo@example.org", "mia@example.org", "mo@example.org"]
    assert_no_personal_data(smtp.messages, decision)


@pytest.mark.parametrize(
    ("answers", "action", "kind"),
    [
        (ROUTINE, ReviewEvent.Action.CONCERN, Kind.CONCERN_RAISED),
        (AWAITING_ADVICE, ReviewEvent.Action.ADVICE, Kind.ADVICE_GIVEN),
    ],
    ids=["concern", "advice"],
)
def test_a_concern_or_advice_emails_the_author_at_once(smtp, worker, teams, answers, action, kind):
    decision = record(teams["pat"], answers)
    comment = "Please say who else was told, and why that was safe."
    reviews.review_record(decision=decision, reviewer=teams["mo"], action=action, comment=comment)
    worker()

    assert emailed(smtp) == ["pat@example.org"]
    assert smtp.messages[0].subject == kind.label
    assert comment not in smtp.messages[0].body
    assert_no_personal_data(smtp.messages, decision)


def test_endorsing_alerts_nobody(smtp, worker, teams):
    decision = record(teams["pat"], ROUTINE)
    reviews.review_record(decision=decision, reviewer=teams["mo"], action="endorse", comment="Agreed.")
    worker()

    assert not Notification.objects.filter(user=teams["pat"]).exists()
    assert smtp.messages == []


def test_answering_a_concern_emails_the_manager_who_raised_it(smtp, worker, teams):
    decision = record(teams["pat"], ROUTINE)
    reviews.review_record(decision=decision, reviewer=teams["mo"], action="concern", comment="Add the date.")
    worker()
    smtp.messages.clear()

    services.addendum_add(decision=decision, author=teams["pat"], kind="correction", text="Shared on 3 May.")
    worker()

    assert emailed(smtp) == ["mo@example.org"]
    assert smtp.messages[0].subject == "A practitioner has answered your concern about a decision"
    assert "Shared on 3 May." not in smtp.messages[0].body
    assert_no_personal_data(smtp.messages, decision)

    # A second addendum answers nothing: the concern was already answered.
    smtp.messages.clear()
    services.addendum_add(decision=decision, author=teams["pat"], kind="other", text="More detail.")
    worker()
    assert smtp.messages == []


def test_a_rolled_back_event_alerts_nobody(smtp, worker, teams):
    with pytest.raises(RuntimeError), transaction.atomic():
        decision = record(teams["pat"], EMERGENCY)
        Addendum.objects.create(decision=decision, author=teams["pat"], kind="other", text="x")
        reviews.review_record(decision=decision, reviewer=teams["mo"], action="concern", comment="Why?")
        assert Notification.objects.count() == 4  # the three managers, and the author
        raise RuntimeError("the request failed after the event")
    worker()

    assert not Decision.objects.exists()
    assert not Notification.objects.exists()
    assert not EmailDelivery.objects.exists()
    assert smtp.messages == []


def test_alerts_switched_off_record_nothing(smtp, worker, teams, settings):
    settings.ALERTS_ENABLED = False
    record(teams["pat"], EMERGENCY)
    worker()

    assert not Notification.objects.exists()
    assert smtp.messages == []


def test_a_user_without_an_email_address_still_gets_the_notification(smtp, worker, teams):
    teams["mo"].email = ""
    teams["mo"].save()
    decision = record(teams["pat"], EMERGENCY)
    worker()

    assert notified(decision)["mo"] == (Kind.URGENT_DECISION, True)
    assert EmailDelivery.objects.get(user=teams["mo"]).status == EmailDelivery.Status.NO_ADDRESS
    assert emailed(smtp) == ["bo@example.org", "mia@example.org"]


def test_alerts_are_written_before_the_decision_locks_the_chain(smtp, worker, teams):
    """Recording takes the hash chain's head row with the decision's insert and holds it until
    the commit, so the alerts (notifications and queued emails) are written before that insert:
    a decision's notifications already exist when its row goes in (bench/bench_alerts.py)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_seen_at_insert (notifications int, emails int)")
        cursor.execute(
            """CREATE FUNCTION test_count_alerts() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO test_seen_at_insert SELECT
                (SELECT count(*) FROM alerts_notification WHERE decision_id = NEW.id),
                (SELECT count(*) FROM alerts_notification WHERE decision_id = NEW.id
                   AND email_id IS NOT NULL);
              RETURN NEW;
            END $$"""
        )
        cursor.execute(
            "CREATE TRIGGER test_count_alerts BEFORE INSERT ON decisions_decision "
            "FOR EACH ROW EXECUTE FUNCTION test_count_alerts()"
        )
    try:
        decision = record(teams["pat"], EMERGENCY)
        with connection.cursor() as cursor:
            cursor.execute("SELECT notifications, emails FROM test_seen_at_insert")
            seen = cursor.fetchall()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER test_count_alerts ON decisions_decision")
            cursor.execute("DROP FUNCTION test_count_alerts()")
            cursor.execute("DROP TABLE test_seen_at_insert")
    worker()

    assert seen == [(3, 3)]
    assert Notification.objects.filter(decision=decision).count() == 3
    assert emailed(smtp) == ["bo@example.org", "mia@example.org", "mo@example.org"]
