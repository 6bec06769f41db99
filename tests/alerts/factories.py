import datetime
import uuid

from django.utils import timezone

from decisions.alerts import services as alerts
from decisions.models import Decision
from decisions.questions.base import Outcome


def london(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def make_decision(author, team, *, created_at=None, outcome=Outcome.SHARE, alert=True, **fields) -> Decision:
    """A decision row as ``decision_record`` stores it, recorded at a chosen time, then alerted."""
    decision = Decision.objects.create(
        submission_key=uuid.uuid4(),
        author=author,
        team=team,
        case_reference="CASE-7781",
        outcome=outcome,
        flowchart_version="2024.1",
        route=[],
        answers={},
        form_data={},
        rationale="Shared with the school nurse because the child was at risk.",
        created_at=created_at or timezone.now(),
        **fields,
    )
    if alert:
        alerts.decision_recorded(decision=decision)
    return decision
