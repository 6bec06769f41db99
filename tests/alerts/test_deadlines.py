"""Working-day deadlines over a bank holiday weekend, and overdue items in the queue and dashboard."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions import reviews
from decisions.alerts import deadlines
from decisions.models import LocalSettings
from decisions.questions.base import Outcome
from tests.alerts.factories import london, make_decision

D = datetime.date
EASTER_THURSDAY = D(2026, 4, 2)  # Good Friday 3 April, Easter Monday 6 April 2026


def test_working_days_skip_weekends_and_england_bank_holidays():
    assert deadlines.add_working_days(EASTER_THURSDAY, 1) == D(2026, 4, 7)
    assert deadlines.add_working_days(EASTER_THURSDAY, 2) == D(2026, 4, 8)
    assert deadlines.add_working_days(D(2026, 5, 22), 1) == D(2026, 5, 26)  # spring bank holiday Monday
    assert deadlines.add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 29)  # Christmas, Boxing Day (Mon)
    assert deadlines.add_working_days(D(2026, 11, 20), 1) == D(2026, 11, 23)  # an ordinary weekend
    assert deadlines.add_working_days(D(2026, 8, 3), 1) == D(
        2026, 8, 4
    )  # Scotland's holiday is not England's
    assert deadlines.add_working_days(EASTER_THURSDAY, 0) == EASTER_THURSDAY


def test_overdue_before_agrees_with_the_due_date_for_every_day():
    """The cut-off the queries use says the same as the deadline rule, day by day, over a year."""
    for working_days in (0, 1, 2, 5):
        start = D(2026, 3, 1)
        for offset in range(0, 300, 3):
            today = start + datetime.timedelta(days=offset)
            now = london(today.year, today.month, today.day, 12, 0)
            cutoff = deadlines.overdue_before(now, working_days)
            for back in range(0, 20):
                recorded = today - datetime.timedelta(days=back)
                recorded_at = london(recorded.year, recorded.month, recorded.day, 9, 30)
                overdue = deadlines.add_working_days(recorded, working_days) < today
                assert (recorded_at < cutoff) == overdue, (working_days, today, recorded)


@pytest.fixture
def one_working_day(db):
    local = LocalSettings.load()
    local.review_within_working_days = 1
    local.advice_within_working_days = 1
    local.save()
    return local


@pytest.mark.django_db
def test_a_review_is_not_overdue_over_the_easter_weekend(teams, one_working_day):
    decision = make_decision(teams["pat"], teams["north"], created_at=london(2026, 4, 2, 16, 0))
    mo = teams["mo"]

    for now in (london(2026, 4, 3, 9), london(2026, 4, 6, 23, 59), london(2026, 4, 7, 23, 59)):
        assert deadlines.overdue_counts(mo, now=now) == {"review": 0, "advice": 0}, now
    assert deadlines.overdue_counts(mo, now=london(2026, 4, 8, 0, 1)) == {"review": 1, "advice": 0}
    assert deadlines.overdue_ids(mo, [decision.pk], now=london(2026, 4, 8, 9)) == {decision.pk}
    # A manager of another team never counts it.
    assert deadlines.overdue_counts(teams["sol"], now=london(2026, 4, 8, 9)) == {"review": 0, "advice": 0}


@pytest.mark.django_db
def test_advice_is_overdue_a_working_day_after_it_was_asked(teams, one_working_day):
    make_decision(
        teams["pat"], teams["north"], created_at=london(2026, 5, 22, 11), outcome=Outcome.AWAITING_ADVICE
    )
    mo = teams["mo"]
    assert deadlines.overdue_counts(mo, now=london(2026, 5, 26, 18)) == {"review": 0, "advice": 0}
    assert deadlines.overdue_counts(mo, now=london(2026, 5, 27, 8)) == {"review": 0, "advice": 1}


@pytest.mark.django_db
def test_a_reviewed_decision_is_no_longer_overdue(teams, one_working_day):
    from decisions import reviews

    decision = make_decision(teams["pat"], teams["north"], created_at=london(2026, 4, 2, 16, 0))
    reviews.review_record(decision=decision, reviewer=teams["mo"], action="endorse", comment="Agreed.")
    assert deadlines.overdue_counts(teams["mo"], now=london(2026, 4, 9, 9)) == {"review": 0, "advice": 0}


@pytest.mark.django_db
def test_the_queue_marks_overdue_decisions_and_the_dashboard_counts_them(client, teams, one_working_day):
    old = make_decision(teams["pat"], teams["north"], created_at=timezone.now() - datetime.timedelta(days=20))
    new = make_decision(teams["pat"], teams["north"])
    client.force_login(teams["mo"])

    page = client.get(reverse("manager:queue")).content.decode()
    rows = {ref: page.split(ref, 1)[1].split("</tr>", 1)[0] for ref in (old.reference, new.reference)}
    assert "Overdue" in rows[old.reference]
    assert "Overdue" not in rows[new.reference]

    dashboard = client.get(reverse("manager:dashboard")).content.decode()
    assert "Not reviewed within 1 working day" in dashboard
    assert '<strong id="overdue-review">1</strong>' in dashboard
    assert '<strong id="overdue-advice">0</strong>' in dashboard

    client.force_login(teams["sol"])
    dashboard = client.get(reverse("manager:dashboard")).content.decode()
    assert '<strong id="overdue-review">0</strong>' in dashboard


@pytest.mark.django_db
def test_overdue_marks_on_the_waiting_sections_need_no_query_and_agree_with_the_database(
    teams, one_working_day
):
    """In "awaiting review" and "awaiting advice" every listed decision is waiting, so its age
    decides; the marks are the ones ``overdue_ids`` reads from the database, for a manager of two
    teams, with reviewed and continued decisions left out of those sections."""
    now = london(2026, 4, 20, 10)
    for days in (0, 1, 3, 8):
        at = now - datetime.timedelta(days=days)
        make_decision(teams["pat"], teams["north"], created_at=at)
        make_decision(teams["sam"], teams["south"], created_at=at, outcome=Outcome.AWAITING_ADVICE)
    reviewed = make_decision(teams["pat"], teams["north"], created_at=now - datetime.timedelta(days=9))
    reviews.review_record(decision=reviewed, reviewer=teams["mo"], action="endorse", comment="Agreed.")
    bo = teams["bo"]
    for section in (reviews.Section.AWAITING_REVIEW, reviews.Section.AWAITING_ADVICE):
        listed = list(reviews.review_queue(bo, section))
        assert len(listed) == 4
        with CaptureQueriesContext(connection) as queries:
            marked = deadlines.overdue_on_page(bo, section, listed, now=now)
        assert not [q for q in queries.captured_queries if "decisions_decision" in q["sql"]]
        assert marked == deadlines.overdue_ids(bo, [d.pk for d in listed], now=now)
        assert 0 < len(marked) < len(listed)
    everything = list(reviews.review_queue(bo, reviews.Section.ALL))
    assert deadlines.overdue_on_page(bo, reviews.Section.ALL, everything, now=now) == deadlines.overdue_ids(
        bo, [d.pk for d in everything], now=now
    )
    assert deadlines.overdue_counts(bo, now=now) == {"review": 1, "advice": 1}  # recorded Sunday 12 April
