"""The daily summary email: new non-urgent alerts, and for managers what is overdue in their teams.

The worker asks every five minutes (``tasks.daily_digest``); the summary goes once a day, at the
time in the local settings, because only one ``DigestRun`` row per day can be made.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from decisions.alerts import deadlines
from decisions.alerts.models import DigestRun, EmailDelivery, Notification
from decisions.alerts.services import SERVICE_NAME, emails_queue
from decisions.models import LocalSettings, Role


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def digest_text(*, notifications: list[Notification], overdue: dict[str, int], local: LocalSettings) -> str:
    """The summary's body: references, kinds of alert and counts. No names or case details."""
    lines = [f"Your daily summary from {SERVICE_NAME}.", ""]
    if notifications:
        lines.append("New since your last summary:")
        lines += [f"- {n.decision.reference}: {n.get_kind_display()}" for n in notifications]
        lines.append("")
    if overdue.get("review") or overdue.get("advice"):
        lines.append("Overdue in your teams:")
        if overdue.get("review"):
            days = deadlines.working_days_label(local.review_within_working_days)
            decisions = _plural(overdue["review"], "decision", "decisions")
            lines.append(f"- {decisions} not reviewed within {days}")
        if overdue.get("advice"):
            days = deadlines.working_days_label(local.advice_within_working_days)
            decisions = _plural(overdue["advice"], "decision", "decisions")
            lines.append(f"- {decisions} waiting for advice for more than {days}")
        lines.append("")
    lines += [
        "Sign in to see them:",
        settings.SERVICE_URL + reverse("alerts:list"),
        "",
        "For privacy this email never includes names or case details.",
    ]
    return "\n".join(lines) + "\n"


@transaction.atomic
def digest_send(*, now: datetime.datetime) -> int:
    """Queue one summary email for each user with something in it. Returns how many."""
    local = LocalSettings.load()
    pending: dict[int, list[Notification]] = defaultdict(list)
    waiting = (
        Notification.objects.filter(by_digest=True, email__isnull=True, read_at__isnull=True)
        .select_related("decision", "user")
        .order_by("created_at", "id")
    )
    for notification in waiting:
        pending[notification.user_id].append(notification)
    users = {n.user_id: n.user for items in pending.values() for n in items}
    overdue: dict[int, dict[str, int]] = {}
    managers = get_user_model().objects.filter(is_active=True, groups__name=Role.MANAGER, teams__isnull=False)
    for manager in managers.distinct():
        counts = deadlines.overdue_counts(manager, now=now)
        if counts["review"] or counts["advice"]:
            overdue[manager.pk] = counts
            users.setdefault(manager.pk, manager)
    for user_id, user in users.items():
        items = pending.get(user_id, [])
        body = digest_text(notifications=items, overdue=overdue.get(user_id, {}), local=local)
        delivery = EmailDelivery(user=user, subject="Your daily summary of alerts", body=body, digest=True)
        (delivery,) = emails_queue([delivery])
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(email=delivery)
    return len(users)


def digest_send_if_due(*, now: datetime.datetime | None = None) -> int | None:
    """Send today's summary if its time has come and nobody sent it yet. None: not sent now."""
    now = now or timezone.now()
    local_now = timezone.localtime(now)
    if local_now.time() < LocalSettings.load().digest_time:
        return None
    with transaction.atomic():
        _run, created = DigestRun.objects.get_or_create(day=local_now.date())
        if not created:
            return None
        return digest_send(now=now)
