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


def overdue_counts(
    user: AbstractBaseUser, *, now: datetime.datetime | None = None, local: LocalSettings | None = None
) -> dict[str, int]:
    """How many items are overdue in the manager's teams, counting to ``reviews.COUNT_CAP + 1``."""
    now = now or timezone.now()
    local = local or LocalSettings.load()
    cap = reviews.COUNT_CAP + 1
    return {
        "review": overdue_for_review(user, now=now, local=local).order_by().values("pk")[:cap].count(),
        "advice": overdue_for_advice(user, now=now, local=local).order_by().values("pk")[:cap].count(),
    }


def overdue_ids(user: AbstractBaseUser, ids: list[int], *, now: datetime.datetime | None = None) -> set[int]:
    """Which of these decisions (a page of the queue) are overdue, in one query."""
    if not ids:
        return set()
    now = now or timezone.now()
    local = LocalSettings.load()
    review_late = reviews.section_filter(Section.AWAITING_REVIEW) & Q(
        created_at__lt=overdue_before(now, local.review_within_working_days)
    )
    advice_late = reviews.section_filter(Section.AWAITING_ADVICE) & Q(
        created_at__lt=overdue_before(now, local.advice_within_working_days)
    )
    late = reviews.team_decisions(user).filter(pk__in=ids).filter(review_late | advice_late)
    return set(late.values_list("pk", flat=True))
