"""Every write the application makes. Each is atomic and takes keyword arguments only."""

import datetime
import logging
import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from decisions import selectors
from decisions.access import can_record_decisions
from decisions.alerts import services as alerts
from decisions.models import AccessLog, Addendum, Decision, Draft, LocalSettings
from decisions.questions import law, registry
from decisions.questions.base import (
    ANSWER_FIELD,
    Answer,
    Context,
    Outcome,
    QuestionSet,
    Result,
    Step,
    evaluate,
    on_route,
)

logger = logging.getLogger(__name__)


class DecisionIncomplete(Exception):
    """The answers do not make a whole route through the flowchart."""


class NotAllowed(Exception):
    """The action does not apply to this record in its current state."""


class DecisionIncoherent(Exception):
    """The answers make a route, but not one the law or the guidance allows to be recorded."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return value


def draft_start(
    *,
    author: AbstractBaseUser,
    continues: Decision | None = None,
    data: dict | None = None,
    question_set: str | None = None,
) -> Draft:
    """Open a new unfinished decision for its author.

    The question set and the organisation type are fixed now, for the life of the draft: the
    practitioner answers the same questions from the first page to the last.
    """
    local = LocalSettings.load()
    return Draft.objects.create(
        author=author,
        continues=continues,
        data=data or {},
        question_set=question_set or local.question_set,
        organisation_type=local.organisation_type,
    )


def draft_context(draft: Draft) -> Context:
    return Context(organisation_type=draft.organisation_type, decided_on=timezone.localdate())


def routing_of(question_set: QuestionSet, answers: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    return {step: fields.get(ANSWER_FIELD) for step, fields in answers.items() if ANSWER_FIELD in fields}


def coherence_problems(
    question_set: QuestionSet, result: Result, routing: Mapping[str, str], context: Context
) -> list[str]:
    """Why these answers cannot be recorded, whatever the browser posted. Empty when coherent."""
    routing = on_route(routing, result.route)
    law_context = question_set.law_context(routing, context)
    problems = law.incoherent(
        law_context,
        basis=routing.get(Step.LAWFUL_BASIS, ""),
        special_category=routing.get(Step.SPECIAL_CATEGORY, ""),
        criminal_offence=routing.get(Step.CRIMINAL_OFFENCE, ""),
        power=routing.get(Step.POWER, ""),
    )
    if routing.get(Step.LAWFUL_BASIS) == law.NONE and Step.LAWFUL_BASIS not in result.questions_asked:
        # "No lawful basis" is an answer only where the set asks for the basis before deciding (and
        # then the answer is "do not share"); recording how information was shared needs a basis.
        problems.append("Information that is shared needs a lawful basis.")
    if routing.get(Step.RECIPIENT) == Answer.NO and not result.emergency:
        problems.append("Only share with someone who has a role in safeguarding.")
    if result.significant_harm and result.outcome == Outcome.DO_NOT_SHARE:
        problems.append("Significant harm must be shared with children's social care or the police.")
    return problems


# The draft write every wizard page that stores an answer makes.
DRAFT_SAVE_SQL = f"UPDATE {Draft._meta.db_table} SET data = %s, updated_at = %s WHERE id = %s"  # noqa: S608 (a table name from the model)


def draft_save(*, draft_id: uuid.UUID, data: dict) -> None:
    """Keep the wizard's answers after every page. A submitted (deleted) draft stays deleted."""
    with connection.prepared_cursor() as cursor:  # after every wizard page: plain SQL, prepared
        cursor.execute(DRAFT_SAVE_SQL, [Jsonb(data), timezone.now(), draft_id])


def draft_discard(*, draft: Draft) -> None:
    draft.delete()


def drafts_purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete drafts left unchanged for longer than the local settings allow."""
    deleted, _ = Draft.objects.filter(updated_at__lt=selectors.draft_cutoff(now=now)).delete()
    return deleted


def _moment(day: datetime.date | None, time: datetime.time | None) -> datetime.datetime | None:
    if not day:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, time or datetime.time()))


def _code(value: str) -> str:
    """A stored code for searching and exports; "none" and "not sure" are kept in the answers only."""
    return "" if value in (law.NONE, law.NOT_SURE, None) else value


@transaction.atomic
def decision_record(
    *,
    author: AbstractBaseUser,
    draft_id: uuid.UUID,
    answers: Mapping[str, Mapping[str, Any]],
    form_data: Mapping[str, Any],
) -> Decision:
    """Store the decision made from a draft's answers, once.

    The outcome is derived here from the answers, under the draft's own question set; nothing the
    browser sends can set it. An incoherent record (a basis that does not fit the route or the
    organisation, a share with no safeguarding role outside an emergency) is refused. The draft's
    id is the decision's submission key (unique in the database), so a double click or a
    resubmitted page returns the decision already stored instead of making a second one.
    Only someone who may record decisions does, and always in a team (``access``): whatever a
    browser posts, no decision is stored without a team or by an auditor or administrator.
    """
    if not can_record_decisions(author):
        raise NotAllowed("Only practitioners and managers in a team can record a decision.")
    existing = Decision.objects.filter(submission_key=draft_id).first()
    if existing is not None:
        return existing
    draft = Draft.objects.select_for_update().filter(pk=draft_id, author=author).first()
    if draft is None:  # a concurrent submission of the same draft won the lock and finished
        return Decision.objects.get(submission_key=draft_id)

    question_set = registry.get(draft.question_set)
    context = draft_context(draft)
    routing = routing_of(question_set, answers)
    result = evaluate(question_set, routing, context)
    if not result.complete or set(result.route) != set(answers):
        raise DecisionIncomplete(f"route {result.route} does not match answers {sorted(answers)}")
    problems = coherence_problems(question_set, result, routing, context)
    if problems:
        raise DecisionIncoherent(problems)
    team = author.teams.order_by("name").first()
    if team is None:
        raise NotAllowed("You are not in a team, so you cannot record a decision. Ask your administrator.")

    stored = {
        step: {name: json_value(value) for name, value in answers[step].items()} for step in result.route
    }

    def field(step: Step, name: str, default: Any = "") -> Any:
        return answers.get(step, {}).get(name, default)

    shared_at = _moment(
        field(Step.EMERGENCY_SHARE, "shared_on", None), field(Step.EMERGENCY_SHARE, "shared_time", None)
    )
    referred_at = _moment(
        field(Step.REFERRAL, "referred_on", None), field(Step.REFERRAL, "referred_time", None)
    )
    first_shared = shared_at or referred_at
    shared_on = field(Step.METHOD, "shared_on", None) or (first_shared.date() if first_shared else None)

    decision = Decision(
        submission_key=draft_id,
        author=author,
        team=team,
        case_reference=field(Step.REQUEST, "case_reference"),
        requested_on=field(Step.REQUEST, "requested_on", None),
        outcome=result.outcome,
        flowchart_version=question_set.key,
        route=list(result.route),
        answers=stored,
        form_data={step: form_data[step] for step in result.route if step in form_data},
        emergency=result.emergency,
        needs_attention=result.needs_attention,
        continues=draft.continues,
        rationale=field(Step.RATIONALE, "rationale") or "",
        lawful_basis=_code(routing.get(Step.LAWFUL_BASIS, "")),
        special_category_condition=_code(routing.get(Step.SPECIAL_CATEGORY, "")),
        recipient_organisation=field(Step.RECIPIENT, "recipient_organisation"),
        shared_on=shared_on,
        shared_at=shared_at,
        advice_from=field(Step.ADVICE, "advice_from"),
        significant_harm=result.significant_harm,
        referred_at=referred_at,
        attention=list(result.attention),
        organisation_type=draft.organisation_type,
        power=_code(routing.get(Step.POWER, "")),
        criminal_offence_condition=_code(routing.get(Step.CRIMINAL_OFFENCE, "")),
    )
    # Saving the decision locks the chain's head row until the commit, so every statement after
    # it makes other recordings wait (docs/performance.md). Everything else goes first: the draft's
    # deletion, and the alerts, which can name the decision before it exists because its id is
    # taken from the sequence now and foreign keys are checked at the commit.
    draft.delete()
    decision.pk = _next_id(Decision)
    for _attempt in range(5):  # a reference clash is astronomically rare; pick another
        try:
            with transaction.atomic():
                alerts.decision_recorded(decision=decision)
                decision.save(force_insert=True)
            break
        except IntegrityError as error:
            if "reference" not in str(error):
                raise
            decision.reference = Decision._meta.get_field("reference").default()
    logger.info("decision %s recorded by user %s", decision.reference, author.pk)
    return decision


def _next_id(model: type[models.Model]) -> int:
    """The next id of ``model``'s table, taken from its sequence before the row is inserted."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [model._meta.db_table])
        return cursor.fetchone()[0]


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
    question_set = registry.for_continuation(decision.flowchart_version)
    return draft_start(author=author, continues=decision, data=data, question_set=question_set.key)


@transaction.atomic
def decision_reconsider(*, decision: Decision, author: AbstractBaseUser, text: str) -> Draft:
    """Record new information on a decision not to share, and start the decision again.

    The new draft holds the answers that came before the questions (the request, the triage), so
    only the questions themselves are asked again; the new decision points back at this one.
    """
    if decision.outcome != Outcome.DO_NOT_SHARE:
        raise NotAllowed("Only a decision not to share can be reconsidered.")
    Decision.objects.select_for_update().filter(pk=decision.pk).first()
    open_draft = Draft.objects.filter(continues=decision, author=author).first()
    if open_draft is not None:
        return open_draft
    addendum_add(decision=decision, author=author, kind=Addendum.Kind.RECONSIDERED, text=text)
    question_set = registry.for_continuation(decision.flowchart_version)
    kept = [Step.TRIAGE, Step.EMERGENCY, Step.EMERGENCY_SHARE, Step.REQUEST]
    data = {
        "step": Step.TRIAGE,
        "step_data": {step: decision.form_data[step] for step in kept if step in decision.form_data},
        "step_files": {},
        "extra_data": {},
    }
    return draft_start(author=author, continues=decision, data=data, question_set=question_set.key)


def access_log_record(*, request, action: str, decision: Decision | None = None, target: str = "") -> None:
    """Record who saw what. Called by every view that shows decision contents, and on refusals."""
    AccessLog.objects.create(
        user=request.user,
        action=action,
        decision=decision,
        target=printable(target)[:200],
        path=printable(request.get_full_path())[:500],
    )


def printable(text: str) -> str:
    """Text as PostgreSQL can store it: a NUL byte (refused by the database) written as ``\\x00``."""
    return text.replace("\x00", "\\x00")
