"""Every write the application makes. Each is atomic and takes keyword arguments only."""

import datetime
import logging
import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from decisions import flowchart
from decisions.alerts import services as alerts
from decisions.flowchart import ANSWER_FIELD, Answer, Step
from decisions.models import AccessLog, Addendum, Decision, Draft, LocalSettings

logger = logging.getLogger(__name__)


class DecisionIncomplete(Exception):
    """The answers do not make a whole route through the flowchart."""


class NotAllowed(Exception):
    """The action does not apply to this record in its current state."""


def json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return value


def routing_answers(answers: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    return {step: fields.get(ANSWER_FIELD) for step, fields in answers.items()}


def draft_start(
    *, author: AbstractBaseUser, continues: Decision | None = None, data: dict | None = None
) -> Draft:
    """Open a new unfinished decision for its author."""
    return Draft.objects.create(author=author, continues=continues, data=data or {})


def draft_save(*, draft_id: uuid.UUID, data: dict) -> None:
    """Keep the wizard's answers after every page. A submitted (deleted) draft stays deleted."""
    Draft.objects.filter(pk=draft_id).update(data=data, updated_at=timezone.now())


def draft_discard(*, draft: Draft) -> None:
    draft.delete()


def drafts_purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete drafts left unchanged for longer than the local settings allow."""
    days = LocalSettings.load().draft_expiry_days
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    deleted, _ = Draft.objects.filter(updated_at__lt=cutoff).delete()
    return deleted


@transaction.atomic
def decision_record(
    *,
    author: AbstractBaseUser,
    draft_id: uuid.UUID,
    answers: Mapping[str, Mapping[str, Any]],
    form_data: Mapping[str, Any],
) -> Decision:
    """Store the decision made from a draft's answers, once.

    The outcome is derived here from the answers; nothing the browser sends can set it. The
    draft's id is the decision's submission key (unique in the database), so a double click or a
    resubmitted page returns the decision already stored instead of making a second one.
    """
    existing = Decision.objects.filter(submission_key=draft_id).first()
    if existing is not None:
        return existing
    draft = Draft.objects.select_for_update().filter(pk=draft_id, author=author).first()
    if draft is None:  # a concurrent submission of the same draft won the lock and finished
        return Decision.objects.get(submission_key=draft_id)

    result = flowchart.evaluate(routing_answers(answers))
    if not result.complete or set(result.route) != set(answers):
        raise DecisionIncomplete(f"route {result.route} does not match answers {sorted(answers)}")

    stored = {
        step: {name: json_value(value) for name, value in answers[step].items()} for step in result.route
    }

    def field(step: Step, name: str, default: Any = "") -> Any:
        return answers.get(step, {}).get(name, default)

    shared_at = None
    if result.emergency:
        shared_at = timezone.make_aware(
            datetime.datetime.combine(
                field(Step.EMERGENCY_SHARE, "shared_on"), field(Step.EMERGENCY_SHARE, "shared_time")
            )
        )
    shared_on = field(Step.METHOD, "shared_on", None) or (shared_at.date() if shared_at else None)
    condition = field(Step.SPECIAL_CATEGORY, "condition")

    decision = Decision(
        submission_key=draft_id,
        author=author,
        team=author.teams.order_by("name").first(),
        case_reference=field(Step.REQUEST, "case_reference"),
        requested_on=field(Step.REQUEST, "requested_on", None),
        outcome=result.outcome,
        flowchart_version=flowchart.CURRENT.version,
        route=list(result.route),
        answers=stored,
        form_data={step: form_data[step] for step in result.route if step in form_data},
        emergency=result.emergency,
        needs_attention=result.needs_attention,
        continues=draft.continues,
        rationale=field(Step.RATIONALE, "rationale"),
        lawful_basis=field(Step.LAWFUL_BASIS, "lawful_basis"),
        special_category_condition="" if condition == "none" else condition,
        recipient_organisation=field(Step.RECIPIENT, "recipient_organisation"),
        shared_on=shared_on,
        shared_at=shared_at,
        advice_from=field(Step.ADVICE, "advice_from"),
    )
    for _attempt in range(5):  # a reference clash is astronomically rare; pick another
        try:
            with transaction.atomic():
                decision.save()
            break
        except IntegrityError as error:
            if "reference" not in str(error):
                raise
            decision.reference = Decision._meta.get_field("reference").default()
    draft.delete()
    logger.info("decision %s recorded by user %s", decision.reference, author.pk)
    alerts.decision_recorded(decision=decision)
    return decision


@transaction.atomic
def addendum_add(
    *, decision: Decision, author: AbstractBaseUser, kind: str, text: str, advice_from: str = ""
) -> Addendum:
    """Add a later fact to a decision. The decision itself never changes."""
    addendum = Addendum.objects.create(
        decision=decision, author=author, kind=kind, text=text, advice_from=advice_from
    )
    alerts.addendum_added(addendum=addendum)
    return addendum


@transaction.atomic
def decision_continue_after_advice(
    *, decision: Decision, author: AbstractBaseUser, advice_from: str, text: str
) -> Draft:
    """Record the advice received and reopen the flowchart where the decision stopped.

    The new draft holds every answer given before the question the practitioner was unsure
    about; when it is recorded, the new decision points back at this one.
    """
    if not decision.awaiting_advice or decision.continuations.exists():
        raise NotAllowed("This decision is not waiting for advice.")
    Decision.objects.select_for_update().filter(pk=decision.pk).first()  # one continuation at a time
    open_draft = Draft.objects.filter(continues=decision, author=author).first()
    if open_draft is not None:
        return open_draft
    addendum_add(
        decision=decision,
        author=author,
        kind=Addendum.Kind.ADVICE_RECEIVED,
        text=text,
        advice_from=advice_from,
    )
    unsure = next(step for step in decision.route if decision.answer(step, ANSWER_FIELD) == Answer.NOT_SURE)
    kept = decision.route[: decision.route.index(unsure)]
    data = {
        "step": unsure,
        "step_data": {step: decision.form_data[step] for step in kept if step in decision.form_data},
        "step_files": {},
        "extra_data": {},
    }
    return draft_start(author=author, continues=decision, data=data)


def access_log_record(*, request, action: str, decision: Decision | None = None, target: str = "") -> None:
    """Record who saw what. Called by every view that shows decision contents, and on refusals."""
    AccessLog.objects.create(
        user=request.user,
        action=action,
        decision=decision,
        target=target[:200],
        path=request.get_full_path()[:500],
    )
