"""The review services and the manager's reads (decisions.reviews)."""

import datetime
import uuid

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from decisions import reviews, services
from decisions.dashboard import dashboard_figures
from decisions.models import Addendum, Decision, ReviewEvent
from decisions.questions.base import Outcome
from decisions.reviews import Section
from decisions.selectors import my_decisions

Action = ReviewEvent.Action


def test_team_decisions_scope_is_the_managers_teams(people, record_decision):
    own_team = record_decision(people["practitioner"])
    other_team = record_decision(people["other_practitioner"])
    assert list(reviews.team_decisions(people["manager"])) == [own_team]
    assert list(reviews.team_decisions(people["other_manager"])) == [other_team]
    for name in ("practitioner", "auditor", "admin"):
        assert not reviews.team_decisions(people[name]).exists()


def test_review_record_endorse_is_stored_with_reviewer_and_utc_time(people, record_decision):
    decision = record_decision(people["practitioner"])
    event = reviews.review_record(
        decision=decision, reviewer=people["manager"], action=Action.ENDORSE, comment="  Sound decision. "
    )
    event.refresh_from_db()
    assert (event.reviewer, event.action, event.comment) == (
        people["manager"],
        Action.ENDORSE,
        "Sound decision.",
    )
    assert event.created_at.utcoffset() == datetime.timedelta(0)
    assert abs(timezone.now() - event.created_at) < datetime.timedelta(minutes=1)


def test_review_record_refuses_own_decision(people, record_decision):
    decision = record_decision(people["manager"])
    with pytest.raises(services.NotAllowed, match="your own"):
        reviews.review_record(
            decision=decision, reviewer=people["manager"], action=Action.ENDORSE, comment="OK"
        )
    assert not ReviewEvent.objects.exists()


@pytest.mark.parametrize("reviewer", ["other_manager", "colleague", "auditor"])
def test_review_record_refuses_reviewers_outside_the_team(people, record_decision, reviewer):
    decision = record_decision(people["practitioner"])
    with pytest.raises(services.NotAllowed):
        reviews.review_record(
            decision=decision, reviewer=people[reviewer], action=Action.ENDORSE, comment="OK"
        )


@pytest.mark.parametrize(
    ("outcome", "action"),
    [
        (Outcome.SHARE, "approve"),
        (Outcome.SHARE, Action.ADVICE),
        (Outcome.AWAITING_ADVICE, Action.ENDORSE),
    ],
)
def test_review_record_refuses_actions_that_do_not_apply(people, record_decision, outcome, action):
    decision = record_decision(people["practitioner"], outcome)
    with pytest.raises(services.NotAllowed):
        reviews.review_record(decision=decision, reviewer=people["manager"], action=action, comment="Hmm")


def test_review_record_needs_a_comment(people, record_decision):
    decision = record_decision(people["practitioner"])
    with pytest.raises(services.NotAllowed, match="comment"):
        reviews.review_record(
            decision=decision, reviewer=people["manager"], action=Action.ENDORSE, comment="  "
        )


def test_escalation_needs_a_route_from_the_local_settings(people, record_decision):
    decision = record_decision(people["practitioner"])
    with pytest.raises(services.NotAllowed, match="route"):
        reviews.review_record(
            decision=decision,
            reviewer=people["manager"],
            action=Action.ESCALATE,
            comment="Serious",
            escalation_route="My mate",
        )
    event = reviews.review_record(
        decision=decision,
        reviewer=people["manager"],
        action=Action.ESCALATE,
        comment="Serious",
        escalation_route="Head of service",
    )
    assert event.escalation_route == "Head of service"


def test_review_events_are_append_only(people, record_decision):
    decision = record_decision(people["practitioner"])
    event = reviews.review_record(
        decision=decision, reviewer=people["manager"], action=Action.ENDORSE, comment="OK"
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        ReviewEvent.objects.filter(pk=event.pk).update(comment="Changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        ReviewEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.comment == "OK"


def section_of(manager, section):
    return list(reviews.review_queue(manager, section))


def test_sections_follow_the_review_state(people, record_decision):
    manager = people["manager"]
    share = record_decision(people["practitioner"], Outcome.SHARE)
    waiting = record_decision(people["practitioner"], Outcome.AWAITING_ADVICE)
    emergency = record_decision(people["colleague"], Outcome.SHARE, emergency=True)
    flagged = record_decision(people["colleague"], Outcome.DO_NOT_SHARE, emergency=True)
    assert flagged.needs_attention
    own = record_decision(manager, Outcome.SHARE)

    assert set(section_of(manager, Section.AWAITING_REVIEW)) == {share, emergency, flagged, own}
    assert section_of(manager, Section.AWAITING_ADVICE) == [waiting]
    assert set(section_of(manager, Section.EMERGENCY)) == {emergency, flagged}
    assert section_of(manager, Section.FLAGGED) == [flagged]
    assert reviews.section_counts(manager) == {
        Section.AWAITING_REVIEW: 4,
        Section.AWAITING_ADVICE: 1,
        Section.EMERGENCY: 2,
        Section.FLAGGED: 1,
        Section.CONCERN: 0,
    }

    reviews.review_record(
        decision=flagged,
        reviewer=manager,
        action=Action.ESCALATE,
        comment="LADO",
        escalation_route="Head of service",
    )
    reviews.review_record(decision=waiting, reviewer=manager, action=Action.ADVICE, comment="Share it.")
    assert set(section_of(manager, Section.AWAITING_REVIEW)) == {share, emergency, own}
    assert section_of(manager, Section.FLAGGED) == []
    assert section_of(manager, Section.AWAITING_ADVICE) == []
    assert len(section_of(manager, Section.ALL)) == 5


def test_section_counts_stop_at_the_cap(people, record_decision):
    for _ in range(4):
        record_decision(people["practitioner"])
    assert reviews.section_counts(people["manager"], cap=2)[Section.AWAITING_REVIEW] == 3


def test_section_counts_add_up_every_team_of_the_manager_and_no_other(people, record_decision, teams):
    """Counted team by team (each newest first, through its own index): the manager of two teams
    sees both teams' decisions counted, the cap holds over the total, and no other team counts."""
    manager, hillside = people["manager"], teams[1]
    for _ in range(3):
        record_decision(people["practitioner"])
    for _ in range(2):
        record_decision(people["other_practitioner"])
        record_decision(people["other_practitioner"], Outcome.AWAITING_ADVICE)
    assert reviews.section_counts(manager)[Section.AWAITING_REVIEW] == 3
    assert reviews.section_counts(people["other_manager"])[Section.AWAITING_ADVICE] == 2

    hillside.members.add(manager)
    counts = reviews.section_counts(manager)
    assert counts[Section.AWAITING_REVIEW] == 5
    assert counts[Section.AWAITING_ADVICE] == 2
    assert reviews.section_counts(manager, cap=3)[Section.AWAITING_REVIEW] == 4  # "more than 3"
    assert reviews.section_counts(people["practitioner"]) == dict.fromkeys(Section.counted, 0)


def test_concern_round_trip(people, record_decision):
    manager, practitioner = people["manager"], people["practitioner"]
    decision = record_decision(practitioner)
    reviews.review_record(
        decision=decision, reviewer=manager, action=Action.CONCERN, comment="Say who received it."
    )

    # The practitioner sees the concern, and the decision leaves the manager's queue.
    concerns = list(reviews.concerns_for_practitioner(practitioner))
    assert concerns == [decision]
    assert [event.comment for event in concerns[0].open_concerns] == ["Say who received it."]
    assert section_of(manager, Section.AWAITING_REVIEW) == []
    assert section_of(manager, Section.CONCERN) == [decision]
    assert not reviews.concerns_for_practitioner(people["colleague"]).exists()

    # They answer with an addendum: the concern is closed and the decision is back for review.
    services.addendum_add(
        decision=decision,
        author=practitioner,
        kind=Addendum.Kind.CORRECTION,
        text="Sent to Chris Social, CSC.",
    )
    assert not reviews.concerns_for_practitioner(practitioner).exists()
    assert section_of(manager, Section.CONCERN) == []
    assert section_of(manager, Section.AWAITING_REVIEW) == [decision]

    reviews.review_record(decision=decision, reviewer=manager, action=Action.ENDORSE, comment="Thanks.")
    assert section_of(manager, Section.AWAITING_REVIEW) == []
    assert list(decision.reviews.values_list("action", flat=True)) == [Action.CONCERN, Action.ENDORSE]


def test_advice_lets_the_practitioner_continue(people, record_decision):
    manager, practitioner = people["manager"], people["practitioner"]
    waiting = record_decision(practitioner, Outcome.AWAITING_ADVICE)
    assert list(my_decisions(practitioner)["awaiting_advice"]) == [waiting]

    reviews.review_record(
        decision=waiting, reviewer=manager, action=Action.ADVICE, comment="The purpose is clear: share."
    )
    initial = reviews.advice_initial(waiting)
    assert initial == {"advice_from": "Morgan (manager)", "text": "The purpose is clear: share."}

    draft = services.decision_continue_after_advice(decision=waiting, author=practitioner, **initial)
    assert draft.continues == waiting
    finished = record_decision(practitioner, Outcome.SHARE, continues=waiting)
    assert finished.continues == waiting
    assert not my_decisions(practitioner)["awaiting_advice"].exists()
    assert section_of(manager, Section.AWAITING_ADVICE) == []
    assert finished in section_of(manager, Section.AWAITING_REVIEW)

    with pytest.raises(services.NotAllowed):  # too late for advice once continued
        reviews.review_record(decision=waiting, reviewer=manager, action=Action.ADVICE, comment="More")


def test_chronology_is_in_time_order_across_the_team(people, record_decision):
    manager = people["manager"]
    first = record_decision(people["practitioner"], Outcome.AWAITING_ADVICE, case="CASE-7")
    reviews.review_record(
        decision=first, reviewer=manager, action=Action.ADVICE, comment="Ask for consent first."
    )
    services.decision_continue_after_advice(
        decision=first, author=people["practitioner"], advice_from="Morgan", text="Ask"
    )
    second = record_decision(people["practitioner"], Outcome.SHARE, case="CASE-7", continues=first)
    third = record_decision(people["colleague"], Outcome.DO_NOT_SHARE, case="CASE-7")
    reviews.review_record(decision=third, reviewer=manager, action=Action.CONCERN, comment="Why not?")
    record_decision(people["other_practitioner"], Outcome.SHARE, case="CASE-7")  # another team's
    record_decision(people["practitioner"], Outcome.SHARE, case="CASE-8")  # another case

    events = reviews.chronology(manager, "CASE-7")
    assert [(event.kind, event.decision) for event in events] == [
        ("decision", first),
        ("review", first),
        ("addendum", first),
        ("decision", second),
        ("decision", third),
        ("review", third),
    ]
    assert [event.at for event in events] == sorted(event.at for event in events)
    assert events[3].details["recipient"] == "Chris Social, Social worker, Children's social care"
    assert events[4].details["why_not"] == "The request had no safeguarding purpose."
    assert reviews.chronology(people["other_manager"], "CASE-7")[0].decision.team.name == "Hillside school"
    assert reviews.chronology(people["practitioner"], "CASE-7") == []


def make_at(decision: Decision, when: datetime.datetime, **changes) -> Decision:
    """A copy of a recorded decision, recorded at another time (records cannot be updated)."""
    fields = {
        f.name: getattr(decision, f.name)
        for f in Decision._meta.concrete_fields
        if f.name not in {"id", "reference", "submission_key", "created_at"}
        and not f.name.startswith(("chain_", "content_"))
    }
    fields.update(changes)
    return Decision.objects.create(**fields, submission_key=uuid.uuid4(), created_at=when)


def test_dashboard_figures_match_known_data(people, record_decision):
    manager, pat = people["manager"], people["practitioner"]
    now = timezone.now()
    share = record_decision(pat, Outcome.SHARE)
    withhold = record_decision(pat, Outcome.DO_NOT_SHARE)
    waiting = record_decision(pat, Outcome.AWAITING_ADVICE)
    emergency = record_decision(pat, Outcome.SHARE, emergency=True)
    days = lambda n: now - datetime.timedelta(days=n)  # noqa: E731
    # In the last 30 days: 3 shares (one an emergency), 1 withheld, 1 awaiting advice, 1 continued.
    make_at(share, days(2), requested_on=days(5).date())
    make_at(share, days(10), requested_on=days(11).date())
    make_at(withhold, days(3))
    asked = make_at(waiting, days(6))
    make_at(share, days(4), continues=asked)  # finished 2 days after asking
    make_at(emergency, days(5), shared_at=days(5) - datetime.timedelta(hours=3))
    make_at(share, days(60))  # outside the period
    make_at(record_decision(people["other_practitioner"]), days(1))  # another team

    figures = dashboard_figures(
        manager, start=days(30) - datetime.timedelta(hours=1), end=days(1) - datetime.timedelta(hours=1)
    )
    assert figures.totals == {Outcome.SHARE: 4, Outcome.DO_NOT_SHARE: 1, Outcome.AWAITING_ADVICE: 1}
    assert figures.share_rate == pytest.approx(0.8)
    assert figures.withhold_rate == pytest.approx(0.2)
    assert figures.emergency_shares == 1
    assert figures.continued_after_advice == 1
    request_waits = sorted(
        d.created_at - datetime.datetime.combine(d.requested_on, datetime.time(), tzinfo=datetime.UTC)
        for d in Decision.objects.filter(requested_on__isnull=False, team=people["manager"].teams.get())
        if days(30) - datetime.timedelta(hours=1) <= d.created_at < days(1) - datetime.timedelta(hours=1)
    )
    assert len(request_waits) == 6
    assert figures.median_request_to_decision == (request_waits[2] + request_waits[3]) / 2
    assert figures.median_advice_wait == datetime.timedelta(days=2)
    assert figures.median_emergency_record_delay == datetime.timedelta(hours=3)
    assert figures.bucket == "week"
    assert sum(entry["total"] for entry in figures.series) == 6
    assert 4 <= len(figures.series) <= 6


def test_dashboard_counts_emergency_flagged_and_continued_decisions_in_every_bucket(people, record_decision):
    manager, pat = people["manager"], people["practitioner"]
    now = timezone.now()
    days = lambda n: now - datetime.timedelta(days=n)  # noqa: E731
    emergency = record_decision(pat, Outcome.SHARE, emergency=True)
    make_at(emergency, days(3), needs_attention=True)
    make_at(emergency, days(40))
    make_at(emergency, days(70), needs_attention=True)
    make_at(emergency, days(100), needs_attention=True)  # before the period
    asked = make_at(record_decision(pat, Outcome.AWAITING_ADVICE), days(52))
    make_at(record_decision(pat), days(50), continues=asked)
    make_at(record_decision(pat), days(20), continues=asked)

    figures = dashboard_figures(manager, start=days(90), end=days(1))

    assert figures.bucket == "week"
    assert figures.emergency_shares == 3  # in three different weeks
    assert figures.flagged == 2
    assert figures.continued_after_advice == 2
    assert sum(entry["total"] for entry in figures.series) == 6


@pytest.mark.parametrize("bucket_days", [90, 365])
def test_dashboard_series_buckets_are_local_weeks_and_months(people, record_decision, bucket_days):
    """Each bucket is read as a range of local time; the counts are those of PostgreSQL's own
    ``date_trunc`` in local time, at midnight edges, either side of the clock changes."""
    from django.db.models import Count
    from django.db.models.functions import Trunc

    template = record_decision(people["practitioner"], Outcome.SHARE)
    london = timezone.get_current_timezone()
    end = datetime.datetime(2026, 11, 3, 9, tzinfo=datetime.UTC)
    start = end - datetime.timedelta(days=bucket_days)
    moments = [start, end - datetime.timedelta(microseconds=1)]
    for month in range(1, 12):  # a second either side of local midnight on the 1st (BST and GMT)
        midnight = datetime.datetime(2026, month, 1, tzinfo=london)
        moments += [midnight - datetime.timedelta(seconds=1), midnight]
    for monday in (datetime.date(2026, 3, 30), datetime.date(2026, 10, 26), datetime.date(2026, 8, 3)):
        midnight = datetime.datetime.combine(monday, datetime.time(), tzinfo=london)
        moments += [midnight - datetime.timedelta(seconds=1), midnight]
    # Whole UTC days are read from the day counts and the rest from the decisions: a second either
    # side of UTC midnight in summer time (1 a.m. in London) and in winter; just before the start.
    for day in (datetime.date(2026, 7, 1), datetime.date(2026, 8, 5), datetime.date(2026, 10, 13)):
        midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
        moments += [midnight - datetime.timedelta(seconds=1), midnight]
    moments += [start - datetime.timedelta(seconds=1), start + datetime.timedelta(hours=20)]
    for n, moment in enumerate(moments):
        outcome = [Outcome.SHARE, Outcome.DO_NOT_SHARE, Outcome.AWAITING_ADVICE][n % 3]
        make_at(template, moment, outcome=outcome)

    figures = dashboard_figures(people["manager"], start=start, end=end)
    period = Decision.objects.filter(
        team=people["manager"].teams.get(), created_at__gte=start, created_at__lt=end
    )
    expected: dict = {}
    for row in (
        period.annotate(at=Trunc("created_at", figures.bucket, tzinfo=london))
        .values("at", "outcome")
        .annotate(n=Count("id"))
    ):
        expected.setdefault(row["at"].date(), {}).setdefault(row["outcome"], row["n"])
    shown = {
        entry["start"]: {o: entry[o] for o in Outcome.values if entry[o]}
        for entry in figures.series
        if entry["total"]
    }
    assert shown == expected
    assert sum(entry["total"] for entry in figures.series) == period.count() >= 10
    assert figures.series[0]["start"] <= timezone.localdate(start) < figures.series[1]["start"]


def test_day_counts_are_every_teams_decisions_by_utc_day_and_outcome(people, record_decision):
    """The dashboard's day counts (kept by the database on every insert) agree with the decisions."""
    from django.db.models import Count, Q
    from django.db.models.functions import TruncDate

    from decisions.models import DecisionDay

    practitioner, other = people["practitioner"], people["other_practitioner"]
    waiting = record_decision(practitioner, Outcome.AWAITING_ADVICE)
    record_decision(practitioner, Outcome.SHARE, continues=waiting)
    record_decision(practitioner, Outcome.SHARE, emergency=True)
    record_decision(other, Outcome.DO_NOT_SHARE)
    late = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)  # 00:30 on the 2nd in London
    make_at(waiting, late)
    make_at(waiting, late + datetime.timedelta(hours=1), needs_attention=True, emergency=True)

    expected = {
        (row["team"], row["day"], row["outcome"]): (row["n"], row["e"], row["f"], row["c"])
        for row in Decision.objects.annotate(day=TruncDate("created_at", tzinfo=datetime.UTC))
        .values("team", "day", "outcome")
        .annotate(
            n=Count("id"),
            e=Count("id", filter=Q(emergency=True)),
            f=Count("id", filter=Q(needs_attention=True)),
            c=Count("id", filter=Q(continues__isnull=False)),
        )
    }
    counted = {
        (row.team_id, row.day, row.outcome): (row.decisions, row.emergency, row.flagged, row.continued)
        for row in DecisionDay.objects.all()
    }
    assert counted == expected
    assert counted[(waiting.team_id, datetime.date(2026, 7, 1), Outcome.AWAITING_ADVICE)] == (1, 0, 0, 0)
    assert counted[(waiting.team_id, datetime.date(2026, 7, 2), Outcome.AWAITING_ADVICE)] == (1, 1, 1, 0)
    assert len({team for team, _, _ in counted}) == 2


def test_dashboard_figures_are_empty_for_anyone_who_is_not_a_manager(people, record_decision):
    practitioner = people["practitioner"]
    record_decision(practitioner, Outcome.SHARE, emergency=True)
    now = timezone.now()

    figures = dashboard_figures(practitioner, start=now - datetime.timedelta(days=30), end=now)

    assert figures.totals == dict.fromkeys(Outcome.values, 0)
    assert figures.emergency_shares == 0
    assert all(entry["total"] == 0 for entry in figures.series)
    assert figures.outstanding == dict.fromkeys(Section.counted, 0)
    manager_figures = dashboard_figures(
        people["manager"], start=now - datetime.timedelta(days=30), end=now + datetime.timedelta(seconds=1)
    )
    assert manager_figures.emergency_shares == 1  # the same decision, seen by its team's manager
