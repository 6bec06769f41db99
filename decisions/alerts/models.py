"""Alerts: what waits for someone, in the service and by email.

A ``Notification`` is the record: the notifications page and the header count read it, and it is
written in the same transaction as the event it is about, so it exists if and only if the event
committed. An ``EmailDelivery`` is the copy sent by email (one alert, or one daily digest), with its
state, so a failed send is visible to administrators and never takes the notification with it.
Emails carry no personal data: only what kind of thing waits, the decision's reference and a link.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from decisions.models import Decision


class Kind(models.TextChoices):
    """What the alert is about. The label is the whole message: it names no one."""

    DECISION_RECORDED = "decision-recorded", "A decision in your team needs review"
    URGENT_DECISION = "urgent-decision", "A decision in your team needs your attention now"
    ADVICE_REQUESTED = "advice-requested", "A practitioner has asked for advice on a decision"
    CONCERN_RAISED = "concern-raised", "A manager has raised a concern about your decision"
    ADVICE_GIVEN = "advice-given", "A manager has given advice on your decision"
    CONCERN_ANSWERED = "concern-answered", "A practitioner has answered your concern about a decision"


class Preference(models.Model):
    """How one user wants non-urgent alerts by email: at once, or in one daily summary.

    Urgent alerts (emergency shares, flagged records, significant harm) and alerts addressed to
    the user personally (a concern, advice, a request for their advice) always go at once.
    """

    class Timing(models.TextChoices):
        IMMEDIATE = "immediate", "Email me at once"
        DIGEST = "digest", "Send me one summary email a day"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="alert_preference"
    )
    non_urgent = models.CharField(max_length=20, choices=Timing.choices, default=Timing.DIGEST)

    def __str__(self) -> str:
        return f"Alert preference of user {self.user_id}"


class EmailDelivery(models.Model):
    """One email: an alert sent at once, or a daily summary. Sent by the worker, retried with backoff.

    The subject and body are written when the email is queued and hold no personal data.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RETRYING = "retrying", "Failed, will try again"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed: not sent"
        NO_ADDRESS = "no-address", "Not sent: the user has no email address"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.BooleanField(default=False)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_default=Now())
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "email deliveries"
        indexes = [
            models.Index(
                fields=["-created_at"],
                condition=models.Q(status__in=["retrying", "failed"]),
                name="alert_email_problems",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_status_display()})"


class Notification(models.Model):
    """Something waiting for one user, about one decision. The source of truth for alerts.

    ``email`` is the email that carried it: set when it is queued at once, or when a daily
    summary picks it up. A notification waiting for the summary has ``by_digest`` and no email
    (the daily summary reads those without an index: once a day, it is cheaper than keeping one
    up to date on every decision).
    """

    # Indexes are few on purpose: rows are written inside the recording transaction (see services).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+", db_index=False)
    urgent = models.BooleanField(default=False)
    by_digest = models.BooleanField(default=False, help_text="Emailed in the daily summary, not at once.")
    email = models.ForeignKey(
        EmailDelivery,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        db_index=False,
    )
    created_at = models.DateTimeField(default=timezone.now, db_default=Now())
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="alert_user_recent"),
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="alert_user_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.decision_id})"

    def get_absolute_url(self) -> str:
        return reverse("alerts:open", kwargs={"pk": self.pk})

    @property
    def message(self) -> str:
        return self.get_kind_display()


class DigestRun(models.Model):
    """The daily summary of one day was sent: at most one a day, however many workers run."""

    day = models.DateField(unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_default=Now())

    def __str__(self) -> str:
        return f"Daily summary {self.day}"
