"""The manager's dashboard: figures for the decisions of the manager's teams over a period.

Read from the same scope as every manager read (``reviews.team_decisions``). The series and the
period's counts come mostly from the day counts the database keeps (``DecisionDay``); the medians
from the decisions they measure; what is outstanding from the review queue's capped counts.
"""

import datetime
import itertools
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Aggregate, Count, DateField, DateTimeField, DurationField, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone

from decisions.models import DecisionDay, Role
from decisions.questions.base import Outcome
from decisions.reviews import (
    Condition,
    Section,
    capped_counts,
    managed_team_ids,
    reading_connection,
    team_decisions,
)
from decisions.selectors import user_has_role


class Median(Aggregate):
    function = "percentile_cont"
    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


@dataclass
class Dashboard:
    start: datetime.datetime
    end: datetime.datetime
    bucket: str  # "week" or "month"
    series: list[dict]  # [{"start": date, "share": n, "do-not-share": n, "awaiting-advice": n, "total": n}]
    totals: dict[str, int]
    share_rate: float | None  # of finished decisions, the share that were "share"
    withhold_rate: float | None
    emergency_shares: int
    flagged: int
    median_request_to_decision: datetime.timedelta | None
    median_advice_wait: datetime.timedelta | None
    median_emergency_record_delay: datetime.timedelta | None
    continued_after_advice: int
    outstanding: dict[str, int]
    also_counted: dict[str, int] = field(default_factory=dict)


def dashboard_figures(
    user: AbstractBaseUser,
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    also_count: dict[str, Condition] | None = None,
) -> Dashboard:
    """The figures on the manager's dashboard for decisions recorded in ``[start, end)``.

    ``also_count``: more capped counts of the manager's team decisions (the overdue ones), asked
    in the same query as the sections' counts.

    Time from request to decision: from the date the information was asked for (the start of that
    day) to the decision's record. Two more measures show where time goes: for decisions finished
    after advice, the time from the decision recorded as awaiting advice to the one that completes
    it; for emergency shares, the time from sharing to recording.
    """
    period = team_decisions(user).filter(created_at__gte=start, created_at__lt=end).order_by()
    bucket = "week" if (end - start) <= datetime.timedelta(days=120) else "month"
    # Decisions by outcome in each week or month (local time), with the period's emergency, flagged
    # and continued decisions. Each bucket's whole UTC days come from the team's day counts
    # (``DecisionDay``, kept by the database), and the part-days at its edges (a local midnight, the
    # period's start or end) from the decisions, each a short range of the team's index: reading
    # every decision of a team's year was most of the dashboard's SQL.
    days = _bucket_starts(start, end, bucket)
    edges = [max(start, _local_midnight(day)) for day in days] + [end]
    split = (_split_at_utc_days(low, high) for low, high in itertools.pairwise(edges))
    pieces = list(zip(*split, strict=True))
    counts = {"decisions": Count("id")} | {
        name: Count("id", filter=condition) for name, condition in DAY_COUNTS.items()
    }
    parts = [
        _team_days(user)
        .filter(
            day__gte=RawSQL("bucket.first_day", (), output_field=DateField()),
            day__lt=RawSQL("bucket.end_day", (), output_field=DateField()),
        )
        .values("outcome", "decisions", *DAY_COUNTS),  # first: its columns name the union's
        *(
            period.filter(created_at__gte=low, created_at__lt=high).values("outcome").annotate(**counts)
            for low, high in PART_DAYS
        ),
    ]
    sqls, params = [], []
    for part in parts:
        sql, part_params = part.query.sql_with_params()
        sqls.append(f"({sql})")
        params.extend(part_params)
    series: dict[datetime.date, dict] = {}
    totals = dict.fromkeys(Outcome.values, 0)
    counted = dict.fromkeys(DAY_COUNTS, 0)
    with reading_connection().cursor() as cursor:
        cursor.execute(
            # The SQL is the ORM's own, with its values as bound parameters.
            "SELECT bucket.n, found.outcome, sum(found.decisions)::bigint, sum(found.emergency)::bigint,"  # noqa: S608
            " sum(found.flagged)::bigint, sum(found.continued)::bigint"
            " FROM unnest(%s::timestamptz[], %s::timestamptz[], %s::date[], %s::date[], %s::timestamptz[],"
            " %s::timestamptz[]) WITH ORDINALITY"
            " AS bucket(head_low, head_high, first_day, end_day, tail_low, tail_high, n)"
            f" CROSS JOIN LATERAL ({' UNION ALL '.join(sqls)}) AS found GROUP BY bucket.n, found.outcome",
            [*(list(piece) for piece in pieces), *params],
        )
        rows = cursor.fetchall()
    for number, outcome, count, emergency, flagged, continued in rows:
        day = days[number - 1]
        entry = series.setdefault(day, {"start": day, **dict.fromkeys(Outcome.values, 0), "total": 0})
        entry[outcome] += count
        entry["total"] += count
        totals[outcome] += count
        counted["emergency"] += emergency
        counted["flagged"] += flagged
        counted["continued"] += continued

    # The medians, from the decisions they measure: the filter skips the rest of the period in the
    # index, before any join or sort.
    measured = (
        Q(requested_on__isnull=False)
        | Q(continues__isnull=False)
        | Q(emergency=True, shared_at__isnull=False)
    )
    figures = period.filter(measured).aggregate(
        request_wait=Median(
            F("created_at") - Cast("requested_on", DateTimeField()),
            filter=Q(requested_on__isnull=False),
        ),
        advice_wait=Median(
            F("created_at") - F("continues__created_at"),
            filter=Q(continues__isnull=False),
        ),
        emergency_delay=Median(
            F("created_at") - F("shared_at"),
            filter=Q(emergency=True, shared_at__isnull=False),
        ),
    )
    finished = totals[Outcome.SHARE] + totals[Outcome.DO_NOT_SHARE]
    counts = capped_counts(user, {**{section: section for section in Section.counted}, **(also_count or {})})
    return Dashboard(
        start=start,
        end=end,
        bucket=bucket,
        series=_fill_buckets(series, start, end, bucket),
        totals=totals,
        share_rate=totals[Outcome.SHARE] / finished if finished else None,
        withhold_rate=totals[Outcome.DO_NOT_SHARE] / finished if finished else None,
        emergency_shares=counted["emergency"],
        flagged=counted["flagged"],
        median_request_to_decision=figures["request_wait"],
        median_advice_wait=figures["advice_wait"],
        median_emergency_record_delay=figures["emergency_delay"],
        continued_after_advice=counted["continued"],
        outstanding={section: counts[section] for section in Section.counted},
        also_counted={name: counts[name] for name in also_count or {}},
    )


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# The day counts (``DecisionDay``) beside each outcome's number of decisions, and what each counts.
DAY_COUNTS = {
    "emergency": Q(emergency=True),
    "flagged": Q(needs_attention=True),
    "continued": Q(continues__isnull=False),
}


# The part-days of a bucket, before and after its whole UTC days (``_split_at_utc_days``).
PART_DAYS = (
    (
        RawSQL("bucket.head_low", (), output_field=DateTimeField()),
        RawSQL("bucket.head_high", (), output_field=DateTimeField()),
    ),
    (
        RawSQL("bucket.tail_low", (), output_field=DateTimeField()),
        RawSQL("bucket.tail_high", (), output_field=DateTimeField()),
    ),
)


def _team_days(user: AbstractBaseUser) -> QuerySet[DecisionDay]:
    """The day counts of the teams a manager oversees (as ``team_decisions``)."""
    if not user_has_role(user, Role.MANAGER):
        return DecisionDay.objects.none()
    return DecisionDay.objects.filter(team_id__in=managed_team_ids(user))


def _split_at_utc_days(low: datetime.datetime, high: datetime.datetime) -> tuple:
    """``[low, high)`` as the whole UTC days inside it, ``[first_day, end_day)``, and the part-days
    before and after them: ``(head_low, head_high, first_day, end_day, tail_low, tail_high)``."""
    first = low.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if first < low:
        first += datetime.timedelta(days=1)
    last = high.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if first >= last:  # no whole day: all of it is a part-day
        return low, high, first.date(), first.date(), high, high
    return low, first, first.date(), last.date(), last, high


def _bucket_starts(start: datetime.datetime, end: datetime.datetime, bucket: str) -> list[datetime.date]:
    """The first local day of every week (Monday) or month that ``[start, end)`` touches."""
    local_start = timezone.localtime(start).date()
    local_end = timezone.localtime(end - datetime.timedelta(microseconds=1)).date()
    if bucket == "week":
        day = local_start - datetime.timedelta(days=local_start.weekday())
    else:
        day = local_start.replace(day=1)
    days = []
    while day <= local_end:
        days.append(day)
        if bucket == "week":
            day += datetime.timedelta(days=7)
        else:
            day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return days


def _fill_buckets(series: dict, start: datetime.datetime, end: datetime.datetime, bucket: str) -> list[dict]:
    """Every week or month of the period, with zeros where nothing was recorded."""
    return [
        series.get(day) or {"start": day, **dict.fromkeys(Outcome.values, 0), "total": 0}
        for day in _bucket_starts(start, end, bucket)
    ]
