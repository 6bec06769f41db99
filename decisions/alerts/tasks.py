"""Background tasks, run by the procrastinate worker: ``python manage.py procrastinate worker``.

Jobs live in PostgreSQL (procrastinate's tables), so no other server is needed, and a job is
queued in the same transaction as the event that caused it.
"""

import datetime

from procrastinate.contrib.django import app

from decisions.alerts import sending

QUEUE = "alerts"


@app.task(name="alerts.send_emails", queue=QUEUE, retry=sending.AlertRetry())
def send_emails(delivery_ids: list[int]) -> None:
    sending.emails_send(delivery_ids=delivery_ids)


@app.task(name="alerts.send_email", queue=QUEUE, retry=sending.AlertRetry())
def send_email(delivery_id: int) -> None:
    """One email a job: kept for the jobs queued before ``send_emails``, which sends an event's
    emails together."""
    sending.emails_send(delivery_ids=[delivery_id])


def emails_defer(delivery_ids: list[int]) -> None:
    """Queue jobs to send these emails, in the current transaction: none is sent unless it commits."""
    ids = sorted(delivery_ids)
    chunk = sending.EMAILS_PER_JOB
    if ids:
        send_emails.batch_defer(*({"delivery_ids": ids[i : i + chunk]} for i in range(0, len(ids), chunk)))


@app.periodic(cron="*/5 * * * *", periodic_id="alerts-daily-digest")
@app.task(name="alerts.daily_digest", queue=QUEUE)
def daily_digest(timestamp: int) -> None:
    """Every five minutes: send the daily summary if its time (local settings) has come today."""
    from decisions.alerts import digest  # the digest reads the review queue, which imports services

    digest.digest_send_if_due(now=datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC))
