"""Indexes for the manager's pages at a million decisions (issue 12; docs/performance.md).

- ``decision_team_period`` replaces ``decision_team_recent`` (same keys) and carries the columns the
  dashboard reads, so its figures for a period come from the index alone.
- The sections' partial indexes (emergency, flagged, awaiting advice) gain the id, the queue's
  second sort key: a section's page and its count read them in order, newest first, with no sort.
- ``review_decision_action`` answers "has this decision a current review / advice?" from the index.
- ``addendum_decision_time`` answers "was there an addendum after this review?" from the index.

Built concurrently: recording goes on while they are built (the decision table is never locked
for writes). The new index exists before the one it replaces is dropped.
"""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("decisions", "0012_alert_settings"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="decision",
            index=models.Index(
                fields=["team", "-created_at", "-id"],
                include=("outcome", "emergency", "needs_attention", "continues", "requested_on", "shared_at"),
                name="decision_team_period",
            ),
        ),
        RemoveIndexConcurrently(model_name="decision", name="decision_team_recent"),
        AddIndexConcurrently(
            model_name="decision",
            index=models.Index(
                condition=models.Q(("emergency", True)), fields=["team", "-created_at", "-id"], name="decision_emergency_recent"
            ),
        ),
        RemoveIndexConcurrently(model_name="decision", name="decision_team_emergency"),
        AddIndexConcurrently(
            model_name="decision",
            index=models.Index(
                condition=models.Q(("needs_attention", True)), fields=["team", "-created_at", "-id"], name="decision_attention_recent"
            ),
        ),
        RemoveIndexConcurrently(model_name="decision", name="decision_team_attention"),
        AddIndexConcurrently(
            model_name="decision",
            index=models.Index(
                condition=models.Q(("outcome", "awaiting-advice")), fields=["team", "-created_at", "-id"], name="decision_awaiting_recent"
            ),
        ),
        RemoveIndexConcurrently(model_name="decision", name="decision_team_awaiting"),
        AddIndexConcurrently(
            model_name="reviewevent",
            index=models.Index(fields=["decision", "action"], include=("created_at",), name="review_decision_action"),
        ),
        AddIndexConcurrently(
            model_name="addendum",
            index=models.Index(fields=["decision", "created_at"], name="addendum_decision_time"),
        ),
    ]
