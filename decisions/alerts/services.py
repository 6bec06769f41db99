"""Every write of alerts: the events that alert someone, marking as read, the email preference.

The event functions are called once each at the end of the atomic services that record the event
(``decision_record``, ``addendum_add``, ``reviews.review_record``), so the notifications and the
queued emails commit or roll back with the event: an alert exists if and only if the event does.

Who is alerted is decided here, and every recipient passes one scope check (in ``_alert``), the
same rule as ``selectors.decisions_visible_to``: nobody is told about a decision they may not read.
"""

from collections.abc import Iterable

import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from decisions.alerts import tasks
from decisions.alerts.models import EmailDelivery, Kind, Notification, Preference
from decisions.models import Addendum, Decision, LocalSettings, ReviewEvent, Role, Team
from decisions.questions.base import Outcome, Step

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
        or decision.significant_harm
        or decision.answer(Step.HOW_MUCH, "identities_protected") == "no"  # records before question sets
    )


ALERT_SQL = """
    WITH role_members AS (
        SELECT ug.user_id, g.name FROM {user_groups} ug JOIN {groups} g ON g.id = ug.group_id
        WHERE g.name IN (%(manager)s, %(auditor)s)
    ), managers AS (
        SELECT m.user_id FROM {members} m
        WHERE m.team_id = %(team)s
          AND m.user_id IN (SELECT user_id FROM role_members WHERE name = %(manager)s)
    ), recipients AS (
        SELECT u.id,
               u.id = ANY(%(ids)s) AS named,
               (u.id = ANY(%(ids)s) OR %(urgent)s OR %(team_at_once)s
                OR coalesce(p.non_urgent, %(digest)s) = %(immediate)s) AS at_once
        FROM {users} u LEFT JOIN {preferences} p ON p.user_id = u.id
        WHERE u.is_active
          AND (u.id = ANY(%(ids)s)
               OR (%(team_kind)s::text IS NOT NULL AND u.id <> %(author)s
                   AND u.id IN (SELECT user_id FROM managers)))
          -- the scope: who may read the decision (selectors.decisions_visible_to)
          AND (u.id = %(author)s
               OR u.id IN (SELECT user_id FROM role_members WHERE name = %(auditor)s)
               OR u.id IN (SELECT user_id FROM managers))
    ), emails AS (
        INSERT INTO {deliveries} (user_id, digest, subject, body, status, attempts, last_error, created_at)
        SELECT id, false,
               CASE WHEN named THEN %(named_subject)s ELSE %(team_subject)s END,
               CASE WHEN named THEN %(named_body)s ELSE %(team_body)s END,
               %(queued)s, 0, '', now()
        FROM recipients WHERE at_once
        RETURNING id, user_id
    ), notifications AS (
        INSERT INTO {notifications} (user_id, kind, decision_id, urgent, by_digest, email_id, created_at)
        SELECT r.id, CASE WHEN r.named THEN %(named_kind)s ELSE %(team_kind)s END,
               %(decision)s, %(urgent)s, NOT r.at_once, e.id, now()
        FROM recipients r LEFT JOIN emails e ON e.user_id = r.id
        RETURNING id
    )
    SELECT (SELECT count(*) FROM notifications), (SELECT coalesce(array_agg(id), '{{}}') FROM emails)
"""


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
    tasks.emails_defer([delivery.pk for delivery in deliveries])
    return deliveries


def _alert(
    *,
    decision: Decision,
    team_kind: str | None = None,
    team_at_once: bool = False,
    named: Iterable[int] = (),
    named_kind: str | None = None,
    urgent: bool = False,
) -> int:
    """Notify the people an event concerns, and queue the emails due now. Returns how many notified.

    ``team_kind``: the managers of the decision's team are told (never its author), emailed at once
    if ``urgent`` or ``team_at_once``, otherwise as each chose. ``named``: users the event names
    (the author, an adviser, whoever raised a concern), always emailed at once.

    Every recipient passes the scope check in the query, the rule of
    ``selectors.decisions_visible_to``: the author, auditors, managers of the decision's team.
    One statement (two when emails are due): it runs inside the recording transaction while the
    hash chain's head row is locked, so it must be short; building the same with the ORM cost
    more time than running it (bench/bench_alerts.py).
    """
    user_model = get_user_model()
    tables = {
        "users": user_model._meta.db_table,
        "user_groups": user_model.groups.through._meta.db_table,
        "groups": user_model.groups.field.related_model._meta.db_table,
        "members": Team.members.through._meta.db_table,
        "preferences": Preference._meta.db_table,
        "deliveries": EmailDelivery._meta.db_table,
        "notifications": Notification._meta.db_table,
    }
    team_subject, team_body = (
        email_text(kind=team_kind, reference=decision.reference) if team_kind else ("", "")
    )
    named_subject, named_body = (
        email_text(kind=named_kind, reference=decision.reference) if named_kind else ("", "")
    )
    params = {
        "manager": Role.MANAGER.value,
        "auditor": Role.AUDITOR.value,
        "team": decision.team_id,
        "author": decision.author_id,
        "decision": decision.pk,
        "ids": [user_id for user_id in named if user_id is not None],
        "urgent": urgent,
        "team_at_once": team_at_once,
        "team_kind": team_kind,
        "named_kind": named_kind,
        "team_subject": team_subject,
        "team_body": team_body,
        "named_subject": named_subject,
        "named_body": named_body,
        "digest": Preference.Timing.DIGEST.value,
        "immediate": Preference.Timing.IMMEDIATE.value,
        "queued": EmailDelivery.Status.QUEUED.value,
    }
    # Table names come from the models' own metadata; every value is a bound parameter. A
    # server-side prepared statement: planning this query cost more than running it, and it runs
    # while the chain's head row is locked. (Django's own cursors bind on the client and never
    # prepare, so this one cursor is psycopg's.)
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(ALERT_SQL.format(**tables), params, prepare=True)
        notified, email_ids = cursor.fetchone()
    tasks.emails_defer(email_ids)
    return notified


@transaction.atomic(savepoint=False)
def decision_recorded(*, decision: Decision) -> int:
    """A decision was recorded: tell its team's managers, and the adviser it names.

    Urgent decisions (see ``is_urgent``) are emailed at once; others go in the managers' daily
    summary unless they chose emails at once. A request for advice is emailed at once to the
    adviser named: "my manager" (the team's managers) or the organisation's DSL, IG lead or DPO from
    the local settings, where they are a user who may read the decision.
    """
    if not settings.ALERTS_ENABLED:
        return 0
    urgent = is_urgent(decision)
    if decision.outcome != Outcome.AWAITING_ADVICE:
        kind = Kind.URGENT_DECISION if urgent else Kind.DECISION_RECORDED
        return _alert(decision=decision, team_kind=kind, urgent=urgent)
    adviser_id = None
    if decision.advice_from in NAMED_ADVISERS:
        adviser_id = getattr(LocalSettings.load(), NAMED_ADVISERS[decision.advice_from])
    return _alert(
        decision=decision,
        team_kind=Kind.ADVICE_REQUESTED,
        team_at_once=decision.advice_from == "manager",
        named=[adviser_id] if adviser_id != decision.author_id else [],
        named_kind=Kind.ADVICE_REQUESTED,
        urgent=urgent,
    )


@transaction.atomic(savepoint=False)
def review_recorded(*, review: ReviewEvent) -> int:
    """A manager raised a concern or gave advice: tell the decision's author at once."""
    kind = {
        ReviewEvent.Action.CONCERN: Kind.CONCERN_RAISED,
        ReviewEvent.Action.ADVICE: Kind.ADVICE_GIVEN,
    }.get(review.action)
    decision = review.decision
    if not settings.ALERTS_ENABLED or kind is None or decision.author_id == review.reviewer_id:
        return 0
    return _alert(decision=decision, named=[decision.author_id], named_kind=kind)


@transaction.atomic(savepoint=False)
def addendum_added(*, addendum: Addendum) -> int:
    """An addendum answers every concern still open on the decision: tell whoever raised them."""
    if not settings.ALERTS_ENABLED:
        return 0
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
        return 0
    return _alert(decision=addendum.decision, named=raised_by, named_kind=Kind.CONCERN_ANSWERED)


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
    user.__dict__.pop("_unread_alerts", None)  # the header counts again
    return unread.update(read_at=timezone.now())


def preference_set(*, user: AbstractBaseUser, non_urgent: str) -> Preference:
    """Choose at once or a daily summary for non-urgent alerts."""
    if non_urgent not in Preference.Timing.values:
        raise ValueError(f"unknown timing {non_urgent!r}")
    preference, _ = Preference.objects.update_or_create(user=user, defaults={"non_urgent": non_urgent})
    return preference
