"""Sending queued emails, and how often to try again.

Runs in the worker (``decisions.alerts.tasks``). One job sends the emails of one event (the
managers of a team, say) over one connection to the mail server. Each delivery row is locked while
it is sent, so two workers never send it twice; its state is committed before the job fails, so
administrators see every failed try (admin: Alerts > Email deliveries) and the notification is
never touched. A job tried again sends only the emails not yet sent.
"""

import logging

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from procrastinate.retry import BaseRetryStrategy, RetryDecision

from decisions.alerts.models import EmailDelivery

logger = logging.getLogger(__name__)

DONE = (EmailDelivery.Status.SENT, EmailDelivery.Status.FAILED, EmailDelivery.Status.NO_ADDRESS)


class EmailSendFailed(Exception):
    """The mail server did not take the email. ``final``: no more tries."""

    def __init__(self, message: str, *, attempts: int, final: bool) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.final = final


class AlertRetry(BaseRetryStrategy):
    """Try again after ALERTS_RETRY_BASE_SECONDS, then twice as long each time (30 s, 1 min,
    2 min...), until ``sending`` says the last try failed. Settings are read at each failure."""

    def get_retry_decision(self, *, exception: BaseException, job) -> RetryDecision | None:
        if not isinstance(exception, EmailSendFailed) or exception.final:
            return None
        wait = settings.ALERTS_RETRY_BASE_SECONDS * 2 ** (exception.attempts - 1)
        return RetryDecision(retry_in={"seconds": wait})


# More emails than this in one event (a daily summary to every manager) go in several jobs.
EMAILS_PER_JOB = 50


def emails_send(*, delivery_ids: list[int]) -> list[EmailDelivery]:
    """Send queued emails, in one transaction and over one connection to the mail server.

    Emails already sent (or given up on) are skipped. Each try is recorded on its delivery row,
    committed before ``EmailSendFailed`` is raised for the ones that may be tried again."""
    mail = get_connection(fail_silently=False)
    retry = []
    try:
        with transaction.atomic():
            deliveries = list(
                EmailDelivery.objects.select_for_update(of=("self",))
                .select_related("user")
                .filter(pk__in=delivery_ids)
                .exclude(status__in=DONE)
                .order_by("pk")
            )
            for delivery in deliveries:
                failure = _send(delivery, mail)
                if failure is not None:
                    mail.close()  # a broken connection is opened again for the next email
                    if not failure.final:
                        retry.append(failure)
            _record(deliveries)
    finally:
        mail.close()
    if retry:
        raise EmailSendFailed(
            "; ".join(str(failure) for failure in retry),
            attempts=max(failure.attempts for failure in retry),
            final=False,
        )
    return deliveries


def _send(delivery: EmailDelivery, mail: BaseEmailBackend) -> EmailSendFailed | None:
    """Try to send one email over ``mail`` (opened if need be, then kept open); record the
    outcome on ``delivery`` (saved by the caller). Returns the failure, if it failed."""
    if not delivery.user.email:
        delivery.status = EmailDelivery.Status.NO_ADDRESS
        return None
    delivery.attempts += 1
    try:
        mail.open()  # does nothing if already open
        send_mail(
            delivery.subject,
            delivery.body,
            settings.DEFAULT_FROM_EMAIL,
            [delivery.user.email],
            fail_silently=False,
            connection=mail,
        )
    except Exception as error:  # any failure of the mail server or the network: record, retry
        final = delivery.attempts >= settings.ALERTS_EMAIL_MAX_ATTEMPTS
        delivery.status = EmailDelivery.Status.FAILED if final else EmailDelivery.Status.RETRYING
        delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
        logger.warning("email %s failed (try %s): %s", delivery.pk, delivery.attempts, delivery.last_error)
        return EmailSendFailed(delivery.last_error, attempts=delivery.attempts, final=final)
    delivery.status = EmailDelivery.Status.SENT
    return None


def _record(deliveries: list[EmailDelivery]) -> None:
    """Save what happened to each email: one statement for all those sent (the usual case), their
    time of sending the moment the last of them was taken by the mail server."""
    sent = [d.pk for d in deliveries if d.status == EmailDelivery.Status.SENT]
    if sent:
        EmailDelivery.objects.filter(pk__in=sent).update(
            status=EmailDelivery.Status.SENT,
            attempts=F("attempts") + 1,
            sent_at=timezone.now(),
            last_error="",
        )
    for delivery in deliveries:
        if delivery.status != EmailDelivery.Status.SENT:
            delivery.save(update_fields=["status", "attempts", "last_error", "sent_at"])
