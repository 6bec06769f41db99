"""Every write of alerts: the events that alert someone, marking as read, the email preference.

The event functions are called once each at the end of the atomic services that record the event
(``decision_record``, ``addendum_add``, ``reviews.review_record``), so the notifications and the
queued emails commit or roll back with the event: an alert exists if and only if the event does.

Who is alerted is decided here, and every recipient passes one scope check (``_in_scope``), the
same rule as ``selectors.decisions_visible_to``: nobody is told about a decision they may not read.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from decisions.alerts import tasks
from decisions.alerts.models import EmailDelivery, Kind, Notification, Preference
from decisions.flowchart import Outcome, Step
from decisions.models import Addendum, Decision, LocalSettings, ReviewEvent, Role, Team

SERVICE_NAME = "Record an information sharing decision"

# The adviser a practitioner names on the advice page, and where the local settings keep them.
NAMED_ADVISERS = {"dsl": "dsl_user_id", "ig-lead": "ig_lead_user_id", "dpo": "dpo_user_id"}


def is_urgent(decision: Decision) -> bool:
    """Urgent alerts go at once, whatever the recipient's preference: an emergency share, a record
    flagged for attention (an emergency share the answers would not support), a significant-harm
    referral, or a share that did not protect the identity of someone who could be harmed."""
    return bool(
        decision.emergency
        or decision.needs_attention
        or getattr(decision, "significant_harm", False)
        or decision.answer(Step.HOW_MUCH, "identities_protected") == "no"
    )


RECIPIENTS_SQL = """
    WITH role_members AS (
        SELECT ug.user_id, g.name FROM {user_groups} ug JOIN auth_group g ON g.id = ug.group_id
        WHERE g.name IN (%(manager)s, %(auditor)s)
    ), managers AS (
        SELECT m.user_id FROM {members} m
        WHERE m.team_id = %(team)s
          AND m.user_id IN (SELECT user_id FROM role_members WHERE name = %(manager)s)
    )
    SELECT u.id, coalesce(p.non_urgent, %(default)s)
    FROM {users} u LEFT JOIN {preferences} p ON p.user_id = u.id
    WHERE u.is_active
      AND (u.id = ANY(%(ids)s) OR (%(team_managers)s AND u.id IN (SELECT user_id FROM managers)))
      AND (u.id = %(author)s
           OR u.id IN (SELECT user_id FROM role_members WHERE name = %(auditor)s)
           OR u.id IN (SELECT user_id FROM managers))
    ORDER BY u.id
"""


@dataclass(frozen=True)
class Recipient:
    pk: int
    non_urgent: str  # Preference.Timing


def _recipients(
    decision: Decision, *, user_ids: Iterable[int] = (), team_managers: bool = False
) -> list[Recipient]:
    """Active users among ``user_ids`` (and the managers of the decision's team, if asked) who may
    read the decision, with their email preference.

    Every alert goes through this one scope check: the rule of ``selectors.decisions_visible_to``
    (the author, auditors, managers of the decision's team). One hand-written query: it runs inside
    the recording transaction, while the hash chain's head row is locked, and building it with the
    ORM cost more time than running it (bench/bench_alerts.py).
    """
    tables = {
        "users": get_user_model()._meta.db_table,
        "user_groups": get_user_model().groups.through._meta.db_table,
        "members": Team.members.through._meta.db_table,
        "preferences": Preference._meta.db_table,
    }
    sql = RECIPIENTS_SQL.format(**tables)
    params = {
        "team": decision.team_id,
        "manager": Role.MANAGER.value,
        "auditor": Role.AUDITOR.value,
        "default": Preference.Timing.DIGEST.value,
        "ids": [user_id for user_id in user_ids if user_id is not None],
        "team_managers": team_managers,
        "author": decision.author_id,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # table names from the models' metadata; values are parameters
        return [Recipient(pk, timing) for pk, timing in cursor.fetchall()]


def email_text(*, kind: str, reference: str) -> tuple[str, str]:
    """Subject and body of an alert email: what waits, the reference and a link. No personal data."""
    label = Kind(kind).label
    link = settings.SERVICE_URL + reverse("alerts:decision", kwargs={"reference": reference})
    body = (
        f"{label}.\n\n"
        f"Decision reference: {reference}\n\n"
        f"Sign in to see it:\n{link}\n\n"
        f"This email comes from {SERVICE_NAME}. For privacy it never includes names or case details.\n"
        f"To choose when you get emails, go to {settings.SERVICE_URL}{reverse('alerts:preferences')}\n"
    )
    return label, body


def emails_queue(deliveries: list[EmailDelivery]) -> list[EmailDelivery]:
    """Queue emails in the current transaction: the worker sends them only if it commits."""
    deliveries = EmailDelivery.objects.bulk_create(deliveries)
    if deliveries:
        tasks.send_email.batch_defer(*({"delivery_id": delivery.pk} for delivery in deliveries))
    return deliveries


def _alert(
    *, decision: Decision, users: list[Recipient], kinds: dict[int, str], urgent: bool, at_once: set[int]
) -> list[Notification]:
    """Notify each user (``kinds``: user id -> kind) and queue the emails due now. Three queries at most.

    Urgent alerts and those in ``at_once`` are emailed now; others follow the user's preference.
    """
    now: dict[int, EmailDelivery] = {}
    for user in users:
        if urgent or user.pk in at_once or user.non_urgent == Preference.Timing.IMMEDIATE:
            subject, body = email_text(kind=kinds[user.pk], reference=decision.reference)
            now[user.pk] = EmailDelivery(user_id=user.pk, subject=subject, body=body)
    emails_queue(list(now.values()))
    notifications = [
        Notification(
            user_id=user.pk,
            kind=kinds[user.pk],
            decision=decision,
            urgent=urgent,
            by_digest=user.pk not in now,
            email=now.get(user.pk),
        )
        for user in users
    ]
    return Notification.objects.bulk_create(notifications)


@transaction.atomic(savepoint=False)
def decision_recorded(*, decision: Decision) -> list[Notification]:
    """A decision was recorded: tell its team's managers, and the adviser it names.

    Urgent decisions (emergency share, flagged for attention, significant harm) are emailed at
    once; others go in the managers' daily summary unless they chose emails at once. A request for
    advice is emailed at once to the adviser named (the managers, or the organisation's DSL, IG
    lead or DPO from the local settings), where they are a user who may read the decision.
    """
    if not settings.ALERTS_ENABLED:
        return []
    urgent = is_urgent(decision)
    adviser_id = None
    if decision.outcome == Outcome.AWAITING_ADVICE and decision.advice_from in NAMED_ADVISERS:
        adviser_id = getattr(LocalSettings.load(), NAMED_ADVISERS[decision.advice_from])
    everyone = _recipients(decision, user_ids=[adviser_id], team_managers=True)
    users = [user for user in everyone if user.pk != decision.author_id]
    if decision.outcome == Outcome.AWAITING_ADVICE:
        kinds = {user.pk: Kind.ADVICE_REQUESTED for user in users}
        if decision.advice_from == "manager":
            at_once = set(kinds)
        else:
            at_once = {adviser_id} if adviser_id is not None else set()
    else:
        kinds = {user.pk: Kind.URGENT_DECISION if urgent else Kind.DECISION_RECORDED for user in users}
        at_once = set()
    return _alert(decision=decision, users=users, kinds=kinds, urgent=urgent, at_once=at_once)


@transaction.atomic(savepoint=False)
def review_recorded(*, review: ReviewEvent) -> list[Notification]:
    """A manager raised a concern or gave advice: tell the decision's author at once."""
    kind = {
        ReviewEvent.Action.CONCERN: Kind.CONCERN_RAISED,
        ReviewEvent.Action.ADVICE: Kind.ADVICE_GIVEN,
    }.get(review.action)
    decision = review.decision
    if kind is None or decision.author_id == review.reviewer_id:
        return []
    if not settings.ALERTS_ENABLED:
        return []
    users = _recipients(decision, user_ids=[decision.author_id])
    kinds = {user.pk: kind for user in users}
    return _alert(decision=decision, users=users, kinds=kinds, urgent=False, at_once=set(kinds))


@transaction.atomic(savepoint=False)
def addendum_added(*, addendum: Addendum) -> list[Notification]:
    """An addendum answers every concern still open on the decision: tell whoever raised them."""
    if not settings.ALERTS_ENABLED:
        return []
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
    if not raised_by:
        return []
    users = _recipients(addendum.decision, user_ids=raised_by)
    kinds = {user.pk: Kind.CONCERN_ANSWERED for user in users}
    return _alert(decision=addendum.decision, users=users, kinds=kinds, urgent=False, at_once=set(kinds))


def notifications_mark_read(
    *, user: AbstractBaseUser, ids: Iterable[int] | None = None, decision_reference: str | None = None
) -> int:
    """Mark the user's notifications as read: those in ``ids``, those about one decision, or all.
    Nobody else's are touched."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    if decision_reference is not None:
        unread = unread.filter(decision__reference=decision_reference)
    return unread.update(read_at=timezone.now())


def preference_set(*, user: AbstractBaseUser, non_urgent: str) -> Preference:
    """Choose at once or a daily summary for non-urgent alerts."""
    if non_urgent not in Preference.Timing.values:
        raise ValueError(f"unknown timing {non_urgent!r}")
    preference, _ = Preference.objects.update_or_create(user=user, defaults={"non_urgent": non_urgent})
    return preference
