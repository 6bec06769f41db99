"""Every write of alerts: the events that alert someone, marking as read, the email preference.

The event functions are called once each at the end of the atomic services that record the event
(``decision_record``, ``addendum_add``, ``reviews.review_record``), so the notifications and the
queued emails commit or roll back with the event: an alert exists if and only if the event does.

Who is alerted is decided here, and every recipient passes one scope check (``_in_scope``), the
same rule as ``selectors.decisions_visible_to``: nobody is told about a decision they may not read.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from decisions.alerts import tasks
from decisions.alerts.models import EmailDelivery, Kind, Notification, Preference
from decisions.flowchart import Outcome
from decisions.models import Addendum, Decision, LocalSettings, ReviewEvent, Role

SERVICE_NAME = "Record an information sharing decision"

# The adviser a practitioner names on the advice page, and where the local settings keep them.
NAMED_ADVISERS = {"dsl": "dsl_user_id", "ig-lead": "ig_lead_user_id", "dpo": "dpo_user_id"}


def is_urgent(decision: Decision) -> bool:
    """Urgent alerts go at once, whatever the recipient's preference."""
    return bool(
        decision.emergency or decision.needs_attention or getattr(decision, "significant_harm", False)
    )


def team_manager_ids(decision: Decision) -> set[int]:
    """The managers of the team the decision was recorded in."""
    if decision.team_id is None:
        return set()
    users = get_user_model().objects.filter(
        is_active=True, groups__name=Role.MANAGER, teams__id=decision.team_id
    )
    return set(users.values_list("pk", flat=True))


def _in_scope(user_ids: Iterable[int], decision: Decision) -> set[int]:
    """The users among ``user_ids`` who may read the decision (``decisions_visible_to``'s rule)."""
    reads = Q(pk=decision.author_id) | Q(groups__name=Role.AUDITOR)
    if decision.team_id is not None:
        reads |= Q(groups__name=Role.MANAGER, teams__id=decision.team_id)
    users = get_user_model().objects.filter(pk__in=list(user_ids), is_active=True).filter(reads)
    return set(users.values_list("pk", flat=True).distinct())


def email_text(*, kind: str, reference: str, link: str) -> tuple[str, str]:
    """Subject and body of an alert email: what waits, the reference and a link. No personal data."""
    label = Kind(kind).label
    body = (
        f"{label}.\n\n"
        f"Decision reference: {reference}\n\n"
        f"Sign in to see it:\n{link}\n\n"
        f"This email comes from {SERVICE_NAME}. For privacy it never includes names or case details.\n"
        f"To choose when you get emails, go to {settings.SERVICE_URL}{reverse('alerts:preferences')}\n"
    )
    return label, body


def email_queue(*, user: AbstractBaseUser, subject: str, body: str, digest: bool = False) -> EmailDelivery:
    """Queue an email in the current transaction: the worker sends it only if this commits."""
    delivery = EmailDelivery.objects.create(user=user, subject=subject, body=body, digest=digest)
    tasks.send_email.defer(delivery_id=delivery.pk)
    return delivery


def _alert(
    *, decision: Decision, kinds: dict[int, str], urgent: bool, at_once: set[int]
) -> list[Notification]:
    """Notify each user in ``kinds`` (user id -> kind) who may read the decision, and queue emails.

    Urgent alerts and those in ``at_once`` are emailed now; others follow the user's preference.
    """
    if not settings.ALERTS_ENABLED or not kinds:
        return []
    allowed = _in_scope(kinds, decision)
    users = get_user_model().objects.filter(pk__in=allowed).select_related("alert_preference")
    notifications = []
    for user in users:
        preference = getattr(user, "alert_preference", None)
        immediate = (
            urgent
            or user.pk in at_once
            or (preference is not None and preference.non_urgent == Preference.Timing.IMMEDIATE)
        )
        notifications.append(
            Notification(
                user=user, kind=kinds[user.pk], decision=decision, urgent=urgent, by_digest=not immediate
            )
        )
    Notification.objects.bulk_create(notifications)
    for notification in notifications:
        if notification.by_digest:
            continue
        subject, body = email_text(
            kind=notification.kind,
            reference=decision.reference,
            link=settings.SERVICE_URL + notification.get_absolute_url(),
        )
        notification.email = email_queue(user=notification.user, subject=subject, body=body)
        notification.save(update_fields=["email"])
    return notifications


@transaction.atomic
def decision_recorded(*, decision: Decision) -> list[Notification]:
    """A decision was recorded: tell its team's managers, and the adviser it names.

    Urgent decisions (emergency share, flagged for attention, significant harm) are emailed at
    once; others go in the managers' daily summary unless they chose emails at once. A request for
    advice is emailed at once to the adviser named (the managers, or the organisation's DSL, IG
    lead or DPO from the local settings), where they are a user who may read the decision.
    """
    managers = team_manager_ids(decision) - {decision.author_id}
    urgent = is_urgent(decision)
    at_once: set[int] = set()
    if decision.outcome == Outcome.AWAITING_ADVICE:
        kinds = dict.fromkeys(managers, Kind.ADVICE_REQUESTED)
        if decision.advice_from == "manager":
            at_once = set(managers)
        elif decision.advice_from in NAMED_ADVISERS:
            adviser_id = getattr(LocalSettings.load(), NAMED_ADVISERS[decision.advice_from])
            if adviser_id is not None and adviser_id != decision.author_id:
                kinds[adviser_id] = Kind.ADVICE_REQUESTED
                at_once = {adviser_id}
    else:
        kinds = dict.fromkeys(managers, Kind.URGENT_DECISION if urgent else Kind.DECISION_RECORDED)
    return _alert(decision=decision, kinds=kinds, urgent=urgent, at_once=at_once)


@transaction.atomic
def review_recorded(*, review: ReviewEvent) -> list[Notification]:
    """A manager raised a concern or gave advice: tell the decision's author at once."""
    kind = {
        ReviewEvent.Action.CONCERN: Kind.CONCERN_RAISED,
        ReviewEvent.Action.ADVICE: Kind.ADVICE_GIVEN,
    }.get(review.action)
    decision = review.decision
    if kind is None or decision.author_id == review.reviewer_id:
        return []
    author = {decision.author_id}
    return _alert(decision=decision, kinds=dict.fromkeys(author, kind), urgent=False, at_once=author)


@transaction.atomic
def addendum_added(*, addendum: Addendum) -> list[Notification]:
    """An addendum answers every concern still open on the decision: tell whoever raised them."""
    earlier = Addendum.objects.filter(decision_id=addendum.decision_id).exclude(pk=addendum.pk)
    open_concerns = ReviewEvent.objects.filter(
        decision_id=addendum.decision_id,
        action=ReviewEvent.Action.CONCERN,
        created_at__lte=addendum.created_at,
    )
    raised_by = set()
    for concern in open_concerns:
        if not earlier.filter(
            created_at__gt=concern.created_at, created_at__lte=addendum.created_at
        ).exists():
            raised_by.add(concern.reviewer_id)
    raised_by.discard(addendum.author_id)
    return _alert(
        decision=addendum.decision,
        kinds=dict.fromkeys(raised_by, Kind.CONCERN_ANSWERED),
        urgent=False,
        at_once=raised_by,
    )


def notifications_mark_read(*, user: AbstractBaseUser, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications as read (all of them when ``ids`` is None). Others' are untouched."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def preference_set(*, user: AbstractBaseUser, non_urgent: str) -> Preference:
    """Choose at once or a daily summary for non-urgent alerts."""
    if non_urgent not in Preference.Timing.values:
        raise ValueError(f"unknown timing {non_urgent!r}")
    preference, _ = Preference.objects.update_or_create(user=user, defaults={"non_urgent": non_urgent})
    return preference
