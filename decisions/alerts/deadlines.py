"""Working-day deadlines: review within N working days of recording, advice within M of asking.

Working days skip Saturdays, Sundays and England and Wales bank holidays (the ``holidays`` package,
kept up to date by its maintainers, instead of a list we would forget to extend). A deadline is the
end of the Nth working day after the day the decision was recorded (UK time); an item is overdue
from the next day. A decision waiting for advice was "asked" when it was recorded.
"""

import datetime
import functools

import holidays
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from decisions import reviews
from decisions.models import Decision, LocalSettings
from decisions.reviews import Section


@functools.cache
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.UK(subdiv="ENG", years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The Nth working day after ``day`` (``day`` itself when N is 0)."""
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_label(count: int) -> str:
    return f"{count} working day" if count == 1 else f"{count} working days"


def due_date(recorded_at: datetime.datetime, working_days: int) -> datetime.date:
    return add_working_days(timezone.localdate(recorded_at), working_days)


def overdue_before(now: datetime.datetime, working_days: int) -> datetime.datetime:
    """Items recorded before this moment are overdue at ``now``.

    The latest recording day whose deadline has passed, found by walking back from today (the
    deadline only moves forward as the recording day does), then the start of the day after it.
    """
    today = timezone.localdate(now)
    day = today - datetime.timedelta(days=1)
    while add_working_days(day, working_days) >= today:
        day -= datetime.timedelta(days=1)
    start = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(start)


def overdue_for_review(
    user: AbstractBaseUser, *, now: datetime.datetime, local: LocalSettings | None = None
) -> QuerySet[Decision]:
    """Decisions in the manager's teams waiting for review past the deadline."""
    local = local or LocalSettings.load()
    cutoff = overdue_before(now, local.review_within_working_days)
    return reviews.review_queue(user, Section.AWAITING_REVIEW).filter(created_at__lt=cutoff)


def overdue_for_advice(
    user: AbstractBaseUser, *, now: datetime.datetime, local: LocalSettings | None = None
) -> QuerySet[Decision]:
    """Decisions in the manager's teams waiting for advice past the deadline."""
    local = local or LocalSettings.load()
    cutoff = overdue_before(now, local.advice_within_working_days)
    return reviews.review_queue(user, Section.AWAITING_ADVICE).filter(created_at__lt=cutoff)


def overdue_conditions(*, now: datetime.datetime, local: LocalSettings) -> dict[str, Q]:
    """What puts a decision of the manager's teams past its review or advice deadline at ``now``."""
    return {
        "review": reviews.section_filter(Section.AWAITING_REVIEW)
        & Q(created_at__lt=overdue_before(now, local.review_within_working_days)),
        "advice": reviews.section_filter(Section.AWAITING_ADVICE)
        & Q(created_at__lt=overdue_before(now, local.advice_within_working_days)),
    }


def overdue_sections(
    *, now: datetime.datetime, local: LocalSettings
) -> dict[str, tuple[str, datetime.datetime]]:
    """``overdue_conditions`` as sections and cut-offs, for ``reviews.capped_counts`` (which builds
    their SQL once for each cut-off: they move a day at a time)."""
    return {
        "review": (Section.AWAITING_REVIEW, overdue_before(now, local.review_within_working_days)),
        "advice": (Section.AWAITING_ADVICE, overdue_before(now, local.advice_within_working_days)),
    }


def overdue_counts(
    user: AbstractBaseUser, *, now: datetime.datetime | None = None, local: LocalSettings | None = None
) -> dict[str, int]:
    """How many items are overdue in the manager's teams, counting to ``reviews.COUNT_CAP + 1``."""
    local = local or LocalSettings.load()
    return reviews.capped_counts(user, overdue_sections(now=now or timezone.now(), local=local))


def overdue_ids(user: AbstractBaseUser, ids: list[int], *, now: datetime.datetime | None = None) -> set[int]:
    """Which of these decisions (a page of the queue) are overdue, in one query."""
    if not ids:
        return set()
    now = now or timezone.now()
    late = overdue_conditions(now=now, local=LocalSettings.load())
    found = reviews.team_decisions(user).filter(pk__in=ids).filter(late["review"] | late["advice"])
    return set(found.values_list("pk", flat=True))


def overdue_on_page(
    user: AbstractBaseUser, section: str, decisions: list[Decision], *, now: datetime.datetime | None = None
) -> set[int]:
    """Which decisions on a page of the review queue are overdue.

    Every decision listed in "awaiting review" or "awaiting advice" is waiting in that section, so
    its age alone decides, with no query; on the other pages ``overdue_ids`` asks the database.
    """
    if not decisions:
        return set()
    now = now or timezone.now()
    if section in (Section.AWAITING_REVIEW, Section.AWAITING_ADVICE):
        local = LocalSettings.load()
        days = (
            local.review_within_working_days
            if section == Section.AWAITING_REVIEW
            else local.advice_within_working_days
        )
        cutoff = overdue_before(now, days)
        return {decision.pk for decision in decisions if decision.created_at < cutoff}
    return overdue_ids(user, [decision.pk for decision in decisions], now=now)
