"""Two small partial indexes for the "awaiting advice" counts of the queue and dashboard (issue 12).

Every decision awaiting advice that the counts read is asked "has it been continued?" and "has a
manager given advice?". The indexes that answered (the foreign key's, over every decision; and
``review_decision_action``, over every review) are deep; these hold only the decisions that
continue one and only the advice. At a million decisions the two counts went from about 14 ms to
4 (docs/performance.md).

Built concurrently, as 0013: recording goes on while they are built.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("decisions", "0013_manager_pages_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="decision",
            index=models.Index(
                condition=models.Q(("continues__isnull", False)), fields=["continues"], name="decision_continued"
            ),
        ),
        AddIndexConcurrently(
            model_name="reviewevent",
            index=models.Index(condition=models.Q(("action", "advice")), fields=["decision"], name="review_advice"),
        ),
    ]
