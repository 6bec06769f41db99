"""The manager's dashboard: figures for the decisions of the manager's teams over a period.

The scope is that of every manager read: the teams the manager is a member of, and nothing for
anyone who is not a manager (``reviews.team_decisions``). The series and the period's counts come
mostly from the day counts the database keeps (``DecisionDay``); the medians from the decisions
they measure; what is outstanding from the review queue's capped counts.
"""

import datetime
import functools
import itertools
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, DateField, DateTimeField, F, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from decisions.models import Decision, DecisionDay, Role, Team
from decisions.questions.base import Outcome
from decisions.reviews import MANAGED_TEAM, Condition, Section, capped_counts, reading_connection
from decisions.selectors import user_has_role


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
    bucket = "week" if (end - start) <= datetime.timedelta(days=120) else "month"
    # Decisions by outcome in each week or month (local time), with the period's emergency, flagged
    # and continued decisions. Each bucket's whole UTC days come from the team's day counts
    # (``DecisionDay``, kept by the database), and the part-days at its edges (a local midnight, the
    # period's start or end) from the decisions, each a short range of the team's index: reading
    # every decision of a team's year was most of the dashboard's SQL.
    days = _bucket_starts(start, end, bucket)
    edges = [max(start, _local_midnight(day)) for day in days] + [end]
    split = (_split_at_utc_days(low, high) for low, high in itertools.pairwise(edges))
    pieces = [list(piece) for piece in zip(*split, strict=True)]
    series: dict[datetime.date, dict] = {}
    totals = dict.fromkeys(Outcome.values, 0)
    counted = dict.fromkeys(DAY_COUNTS, 0)
    medians = dict.fromkeys(MEDIANS)
    rows = []
    if user_has_role(user, Role.MANAGER):  # anyone else: nothing, as with ``team_decisions``
        series_sql, series_params = _series_sql()
        medians_sql, medians_params = _medians_sql()
        with reading_connection().cursor() as cursor:
            cursor.execute(series_sql, [*pieces, *series_params, user.pk])
            rows = cursor.fetchall()
            cursor.execute(medians_sql, [start, end, *medians_params, user.pk])
            medians = dict(zip(MEDIANS, cursor.fetchone(), strict=True))
    for number, outcome, count, *day_counts in rows:  # the columns of DAY_COUNTS, in its order
        day = days[number - 1]
        entry = series.setdefault(day, {"start": day, **dict.fromkeys(Outcome.values, 0), "total": 0})
        entry[outcome] += count
        entry["total"] += count
        totals[outcome] += count
        for name, value in zip(DAY_COUNTS, day_counts, strict=True):
            counted[name] += value

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
        median_request_to_decision=medians["request_wait"],
        median_advice_wait=medians["advice_wait"],
        median_emergency_record_delay=medians["emergency_delay"],
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


# The SQL of the series and of the medians is the same for every manager and period (those are
# bound parameters), so it is built once a process: building the ORM's queries on every request was
# more of the dashboard's CPU than the rest of the page.
SERIES_SQL = """
    SELECT bucket.n, found.outcome, sum(found.decisions)::bigint, sum(found.emergency)::bigint,
           sum(found.flagged)::bigint, sum(found.continued)::bigint
    FROM {members} AS managed
    CROSS JOIN unnest(%s::timestamptz[], %s::timestamptz[], %s::date[], %s::date[], %s::timestamptz[],
                      %s::timestamptz[]) WITH ORDINALITY
         AS bucket(head_low, head_high, first_day, end_day, tail_low, tail_high, n)
    CROSS JOIN LATERAL ({parts}) AS found
    WHERE managed.user_id = %s
    GROUP BY bucket.n, found.outcome
"""

MEDIANS = ("request_wait", "advice_wait", "emergency_delay")
MEDIANS_SQL = """
    SELECT
      percentile_cont(0.5) WITHIN GROUP (ORDER BY d.created_at - d.requested_on::timestamptz)
        FILTER (WHERE d.requested_on IS NOT NULL),
      percentile_cont(0.5) WITHIN GROUP (ORDER BY d.created_at - d.continued_from)
        FILTER (WHERE d.continued_from IS NOT NULL),
      percentile_cont(0.5) WITHIN GROUP (ORDER BY d.created_at - d.shared_at)
        FILTER (WHERE d.emergency AND d.shared_at IS NOT NULL)
    FROM {members} AS managed
    CROSS JOIN (SELECT %s::timestamptz AS low, %s::timestamptz AS high) AS period
    CROSS JOIN LATERAL ({measured}) AS d
    WHERE managed.user_id = %s
"""


@functools.cache
def _series_sql() -> tuple[str, tuple]:
    """``SERIES_SQL`` with each bucket's parts: its whole days, its part-days before and after."""
    counts = {"decisions": Count("id")} | {
        name: Count("id", filter=condition) for name, condition in DAY_COUNTS.items()
    }
    days = DecisionDay.objects.filter(
        team_id=MANAGED_TEAM,
        day__gte=RawSQL("bucket.first_day", (), output_field=DateField()),
        day__lt=RawSQL("bucket.end_day", (), output_field=DateField()),
    ).values("outcome", "decisions", *DAY_COUNTS)  # first: its columns name the union's
    part_days = (
        Decision.objects.filter(team_id=MANAGED_TEAM, created_at__gte=low, created_at__lt=high)
        .order_by()
        .values("outcome")
        .annotate(**counts)
        for low, high in PART_DAYS
    )
    sqls, params = [], []
    for part in (days, *part_days):
        sql, part_params = part.query.sql_with_params()
        sqls.append(f"({sql})")
        params.extend(part_params)
    members = Team.members.through._meta.db_table
    return SERIES_SQL.format(members=members, parts=" UNION ALL ".join(sqls)), tuple(params)


@functools.cache
def _medians_sql() -> tuple[str, tuple]:
    """``MEDIANS_SQL`` over the period's decisions that a median measures: the filter skips the
    rest in the index, before any join or sort."""
    measured = (
        Q(requested_on__isnull=False)
        | Q(continues__isnull=False)
        | Q(emergency=True, shared_at__isnull=False)
    )
    rows = (
        Decision.objects.filter(
            team_id=MANAGED_TEAM,
            created_at__gte=RawSQL("period.low", (), output_field=DateTimeField()),
            created_at__lt=RawSQL("period.high", (), output_field=DateTimeField()),
        )
        .filter(measured)
        .order_by()
        .values(
            "created_at", "requested_on", "shared_at", "emergency", continued_from=F("continues__created_at")
        )
    )
    sql, params = rows.query.sql_with_params()
    members = Team.members.through._meta.db_table
    return MEDIANS_SQL.format(members=members, measured=sql), tuple(params)


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
