"""Retention: which decisions are due for a review, and what an organisation does about them.

Guidance asks that records are kept no longer than necessary and that records kept indefinitely
are reviewed at intervals. A decision is due for review once it is older than the local
retention period, and again each review interval after it was last kept. Disposal is a choice:
``decisions.audit.decision_dispose`` replaces the content with a tombstone; nothing deletes rows.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from decisions.models import Decision, Disposal, LocalSettings, RetentionReview


def years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def retention_passed(decision: Decision, *, now: datetime.datetime | None = None) -> bool:
    """Whether a decision is older than the local retention period (as ``audit_dispose_decision`` asks)."""
    cutoff = years_before(now or timezone.now(), LocalSettings.load().retention_years)
    return decision.created_at <= cutoff


def decisions_due_for_review(*, now: datetime.datetime | None = None) -> QuerySet[Decision]:
    """Decisions past the retention period, not disposed of, and not kept within the interval."""
    now = now or timezone.now()
    local = LocalSettings.load()
    cutoff = years_before(now, local.retention_years)
    kept_until = years_before(now, local.retention_review_interval_years)
    return (
        Decision.objects.filter(created_at__lte=cutoff)
        .exclude(Exists(Disposal.objects.filter(decision=OuterRef("pk"))))
        .annotate(last_kept=Max("retention_reviews__created_at"))
        .filter(Q(last_kept__isnull=True) | Q(last_kept__lte=kept_until))
        .select_related("author", "team")
        .order_by("created_at", "id")
    )


@transaction.atomic
def retention_keep(*, decision: Decision, reviewer: AbstractBaseUser, reason: str) -> RetentionReview:
    """Record that a decision past its retention period was looked at and is kept, and why."""
    return RetentionReview.objects.create(decision=decision, reviewer=reviewer, reason=reason)
