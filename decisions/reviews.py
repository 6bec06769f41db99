"""Managers' reviews: the review services, and every read behind the manager's pages.

A manager oversees the teams they are a member of, and reviews the decisions recorded in those
teams (``team_decisions``). Every manager read starts from that queryset, so no view can forget
the scope; a decision outside it is simply absent (the views answer 404).

Review states, derived from the append-only review events and addenda (nothing is ever updated):

- A review (endorsement, concern or escalation) is **current** until an addendum is added after
  it: a later fact reopens the decision for review. A concern is answered by an addendum.
- **Awaiting review**: a finished decision (share or do not share) with no current review.
- **Awaiting advice**: a decision waiting for advice, not yet continued by the practitioner and
  not yet given advice by a manager.
- **Emergency**: an emergency share with no current review.
- **Flagged**: an emergency share whose answers afterwards lead to "do not share", with no
  current review.
- **Concern open**: a current concern, waiting for the practitioner's addendum.
"""

import datetime
import functools
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connections, router, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from decisions import rows
from decisions.alerts import services as alerts
from decisions.models import AccessLog, Addendum, Decision, LocalSettings, ReviewEvent, Role, Team
from decisions.questions.base import Outcome, Step
from decisions.selectors import user_has_role
from decisions.services import NotAllowed

# Section counts stop here: counting every unreviewed decision of a large team on every page
# load would not stay fast. Above it the page says "more than 1,000".
COUNT_CAP = 1000

REVIEW_ACTIONS = (ReviewEvent.Action.ENDORSE, ReviewEvent.Action.CONCERN, ReviewEvent.Action.ESCALATE)


class Section:
    """The sections of the review queue (the ``section`` query parameter)."""

    AWAITING_REVIEW = "awaiting-review"
    AWAITING_ADVICE = "awaiting-advice"
    EMERGENCY = "emergency"
    FLAGGED = "flagged"
    CONCERN = "concern"
    ALL = "all"

    labels = {
        AWAITING_REVIEW: "Awaiting review",
        AWAITING_ADVICE: "Awaiting advice",
        EMERGENCY: "Emergency shares to check",
        FLAGGED: "Flagged: emergency share, answers say do not share",
        CONCERN: "Concerns waiting for the practitioner",
        ALL: "All decisions",
    }
    counted = (AWAITING_REVIEW, AWAITING_ADVICE, EMERGENCY, FLAGGED, CONCERN)


# --- Scope -----------------------------------------------------------------------------------


def reading_connection():
    """The connection the router picks for reading decisions: a replica on the pages that read
    from one (decisions.replica), else the primary. Plain SQL must ask, as the ORM does."""
    return connections[router.db_for_read(Decision)]


def managed_team_ids(user: AbstractBaseUser) -> QuerySet:
    """The teams a manager oversees (the teams they are a member of), as a subquery."""
    return Team.members.through.objects.filter(user_id=user.pk).values("team_id")


def team_decisions(user: AbstractBaseUser) -> QuerySet[Decision]:
    """The decisions a manager may review: those recorded in the teams they manage.

    A subset of ``selectors.decisions_visible_to``. Anyone who is not a manager gets nothing.
    """
    if not user_has_role(user, Role.MANAGER):
        return Decision.objects.none()
    return Decision.objects.filter(team_id__in=managed_team_ids(user)).select_related("author", "team")


def team_decision_for(user: AbstractBaseUser, reference: str) -> Decision | None:
    """One decision of the manager's teams, with its author, team and the decision it continues,
    and ``continued_by``: the references of the decisions that continue it after advice, newest
    first. One prepared statement: the review page's, where building the ORM's query (with
    ``select_related`` and a subquery) cost a third of the page and planning it more than running it.
    """
    if not user_has_role(user, Role.MANAGER):
        return None
    return rows.one(Decision, _team_decision_sql(), [reference, user.pk], related=DECISION_RELATED)


DECISION_RELATED = ("author", "team", "continues")

# Table names come from the models' metadata (``_team_decision_sql``); the values are bound parameters.
TEAM_DECISION_SQL = """
    SELECT d.*, {author}, {team}, {continues},
           ARRAY(SELECT c.reference FROM {decisions} c WHERE c.continues_id = d.id
                 ORDER BY c.created_at DESC, c.id DESC) AS continued_by
    FROM {decisions} d
    JOIN {users} author ON author.id = d.author_id
    LEFT JOIN {teams} team ON team.id = d.team_id
    LEFT JOIN {decisions} continues ON continues.id = d.continues_id
    WHERE d.reference = %s AND d.team_id IN (SELECT m.team_id FROM {members} m WHERE m.user_id = %s)
"""


@functools.cache
def _team_decision_sql() -> str:
    user_model = get_user_model()
    return TEAM_DECISION_SQL.format(
        decisions=Decision._meta.db_table,
        users=user_model._meta.db_table,
        teams=Team._meta.db_table,
        members=Team.members.through._meta.db_table,
        author=rows.columns(user_model, "author", "author"),
        team=rows.columns(Team, "team", "team"),
        continues=rows.columns(Decision, "continues", "continues"),
    )


# --- Review state ----------------------------------------------------------------------------


def current_reviews(actions=REVIEW_ACTIONS) -> QuerySet[ReviewEvent]:
    """Reviews of the outer decision not followed by an addendum (for ``Exists``)."""
    later_addendum = Addendum.objects.filter(
        decision_id=OuterRef("decision_id"), created_at__gt=OuterRef("created_at")
    )
    return ReviewEvent.objects.filter(decision=OuterRef("pk"), action__in=actions).exclude(
        Exists(later_addendum)
    )


def _unreviewed() -> Q:
    return ~Q(Exists(current_reviews()))


def section_filter(section: str) -> Q:
    """The condition that puts a decision in a section of the review queue."""
    if section == Section.AWAITING_REVIEW:
        return _unreviewed() & ~Q(outcome=Outcome.AWAITING_ADVICE)
    if section == Section.AWAITING_ADVICE:
        continued = Decision.objects.filter(continues=OuterRef("pk"))
        advised = ReviewEvent.objects.filter(decision=OuterRef("pk"), action=ReviewEvent.Action.ADVICE)
        return Q(outcome=Outcome.AWAITING_ADVICE) & ~Q(Exists(continued)) & ~Q(Exists(advised))
    if section == Section.EMERGENCY:
        return Q(emergency=True) & _unreviewed()
    if section == Section.FLAGGED:
        return Q(needs_attention=True) & _unreviewed()
    if section == Section.CONCERN:
        return Q(Exists(current_reviews((ReviewEvent.Action.CONCERN,))))
    return Q()


def review_queue(user: AbstractBaseUser, section: str = Section.AWAITING_REVIEW) -> QuerySet[Decision]:
    """A section of the manager's review queue, newest first (the page adds filters and paging)."""
    return team_decisions(user).filter(section_filter(section)).order_by("-created_at", "-id")


def section_counts(user: AbstractBaseUser, cap: int = COUNT_CAP) -> dict[str, int]:
    """How many decisions each section holds, counting to ``cap + 1`` at most. One SQL query."""
    return capped_counts(user, {section: section for section in Section.counted}, cap=cap)


Condition = Q | str | tuple[str, datetime.datetime]


def capped_counts(
    user: AbstractBaseUser, conditions: dict[str, Condition], cap: int = COUNT_CAP
) -> dict[str, int]:
    """How many of the manager's team decisions meet each condition, to ``cap + 1`` at most.

    A condition is a ``Q``; or the name of a section of the queue (``section_filter``), or a
    section and a moment (its decisions recorded before then): the SQL of those is built once a
    process, as building the ORM's queries cost more than running some of them.

    One SQL query for all of them. Each team is read newest first through its own index
    (``decision_team_period`` or a section's partial index) and the reading stops at ``cap + 1``
    matches: unreviewed decisions are mostly recent ones, so a big backlog is counted from the few
    rows it needs, instead of testing the review state of every decision the team ever recorded.
    """
    if not user_has_role(user, Role.MANAGER):
        return dict.fromkeys(conditions, 0)
    members = Team.members.through._meta.db_table
    parts, params = [], []
    for index, condition in enumerate(conditions.values()):
        if isinstance(condition, Q):
            sql, condition_params = _team_sql(condition, cap)
        else:
            section, before = (condition, None) if isinstance(condition, str) else condition
            sql, condition_params = _section_sql(section, cap, before)
        # The SQL is the ORM's own, with its values as bound parameters.
        parts.append(
            f"(SELECT count(*) FROM (SELECT 1 FROM {members} AS managed CROSS JOIN LATERAL ({sql})"  # noqa: S608
            f" AS found WHERE managed.user_id = %s LIMIT %s) AS count_{index})"
        )
        params.extend([*condition_params, user.pk, cap + 1])
    with reading_connection().cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(conditions, row, strict=True))


# The team of the outer query's "managed" row (a membership of the manager), in a lateral subquery.
MANAGED_TEAM = RawSQL("managed.team_id", ())


def _team_sql(condition: Q, cap: int) -> tuple[str, tuple]:
    """The SQL of up to ``cap + 1`` decisions of one team (the outer query's "managed" row) meeting
    ``condition``, newest first."""
    per_team = Decision.objects.filter(team_id=MANAGED_TEAM).filter(condition).order_by("-created_at")
    return per_team.values("pk")[: cap + 1].query.sql_with_params()


@functools.lru_cache(maxsize=64)
def _section_sql(section: str, cap: int, before: datetime.datetime | None) -> tuple[str, tuple]:
    condition = section_filter(section)
    return _team_sql(condition if before is None else condition & Q(created_at__lt=before), cap)


def concerns_for_practitioner(user: AbstractBaseUser) -> QuerySet[Decision]:
    """The practitioner's own decisions with an open concern, each with ``open_concerns``.

    For "My decisions": the practitioner answers a concern by adding to the record (an addendum),
    which closes it and puts the decision back in the manager's queue.
    """
    concern = current_reviews((ReviewEvent.Action.CONCERN,))
    open_concerns = (
        ReviewEvent.objects.filter(action=ReviewEvent.Action.CONCERN)
        .exclude(
            Exists(
                Addendum.objects.filter(
                    decision_id=OuterRef("decision_id"), created_at__gt=OuterRef("created_at")
                )
            )
        )
        .select_related("reviewer")
    )
    return (
        Decision.objects.filter(author=user)
        .filter(Exists(concern))
        .prefetch_related(Prefetch("reviews", queryset=open_concerns, to_attr="open_concerns"))
        .order_by("-created_at")
    )


def open_concerns_on(decision: Decision) -> list[ReviewEvent]:
    """A decision's concerns not yet answered: raised after its latest addendum, oldest first.

    What the practitioner answers on "Answer the concern"; any addendum closes them.
    """
    later_addendum = Addendum.objects.filter(
        decision_id=OuterRef("decision_id"), created_at__gt=OuterRef("created_at")
    )
    return list(
        decision.reviews.filter(action=ReviewEvent.Action.CONCERN)
        .exclude(Exists(later_addendum))
        .select_related("reviewer")
        .order_by("created_at", "id")
    )


def latest_advice(decision: Decision) -> ReviewEvent | None:
    """The latest advice a manager gave on a decision awaiting advice."""
    return (
        decision.reviews.filter(action=ReviewEvent.Action.ADVICE)
        .select_related("reviewer")
        .order_by("-created_at", "-id")
        .first()
    )


def advice_initial(decision: Decision) -> dict[str, str]:
    """Initial values for the practitioner's "advice received" form, from a manager's advice."""
    advice = latest_advice(decision)
    if advice is None:
        return {}
    name = advice.reviewer.get_full_name() or advice.reviewer.get_username()
    return {"advice_from": f"{name} (manager)", "text": advice.comment}


def allowed_actions(decision: Decision, reviewer: AbstractBaseUser) -> list[str]:
    """The review actions that apply: none on one's own decision; advice only while it waits."""
    if decision.author_id == reviewer.pk:
        return []
    if decision.awaiting_advice:
        return [ReviewEvent.Action.ADVICE, ReviewEvent.Action.CONCERN, ReviewEvent.Action.ESCALATE]
    return list(REVIEW_ACTIONS)


# --- Writes ----------------------------------------------------------------------------------


@transaction.atomic
def review_record(
    *,
    decision: Decision,
    reviewer: AbstractBaseUser,
    action: str,
    comment: str,
    escalation_route: str = "",
) -> ReviewEvent:
    """Add a review event to a decision: endorse, raise a concern, escalate or give advice.

    Refuses (``NotAllowed``) a review of one's own decision, of a decision outside the
    reviewer's teams, an action that does not apply (endorsing a decision that is still waiting
    for advice; advice on one that is not, or that the practitioner already continued), an
    escalation without a route from the local settings, and an empty comment. The event is
    append-only; the decision never changes.
    """
    if decision.author_id == reviewer.pk:
        raise NotAllowed("You cannot review your own decision.")
    if not team_decisions(reviewer).filter(pk=decision.pk).exists():
        raise NotAllowed("This decision is not in a team you manage.")
    if action not in allowed_actions(decision, reviewer):
        raise NotAllowed(f"The action {action!r} does not apply to this decision.")
    comment = comment.strip()
    if not comment:
        raise NotAllowed("A review needs a comment.")
    if action == ReviewEvent.Action.ESCALATE:
        if escalation_route not in LocalSettings.load().escalation_route_list:
            raise NotAllowed("Choose an escalation route from the local settings.")
    else:
        escalation_route = ""
    if action == ReviewEvent.Action.ADVICE:
        Decision.objects.select_for_update().filter(pk=decision.pk).first()
        if decision.continuations.exists():
            raise NotAllowed("The practitioner has already continued this decision.")
    review = ReviewEvent.objects.create(
        decision=decision,
        reviewer=reviewer,
        action=action,
        comment=comment,
        escalation_route=escalation_route,
    )
    alerts.review_recorded(review=review)
    return review


# --- Case chronology -------------------------------------------------------------------------


@dataclass
class ChronologyEvent:
    """One thing that happened on a case: a decision, an addendum or a review."""

    at: datetime.datetime
    kind: str  # "decision", "addendum", "review"
    decision: Decision
    item: Any
    order: int = 0
    details: dict = field(default_factory=dict)


def decision_facts(decision: Decision) -> dict[str, Any]:
    """What was shared, with whom and when, or why not: for the chronology."""
    how_much = decision.answers.get(Step.HOW_MUCH, {})
    recipient = decision.answers.get(Step.RECIPIENT, {})
    withhold = decision.answers.get(Step.WITHHOLD, {})
    request = decision.answers.get(Step.REQUEST, {})
    advice = decision.answers.get(Step.ADVICE, {})
    who = ", ".join(
        part
        for part in (
            recipient.get("recipient_name"),
            recipient.get("recipient_role"),
            recipient.get("recipient_organisation"),
        )
        if part
    )
    return {
        "requested_by": request.get("requested_by", ""),
        "what_shared": how_much.get("what_shared", ""),
        "recipient": who,
        "shared_on": decision.shared_at or decision.shared_on,
        "why_not": withhold.get("reasons", ""),
        "advice_question": advice.get("advice_question", ""),
        "rationale": decision.rationale,
    }


def chronology(user: AbstractBaseUser, case_reference: str) -> list[ChronologyEvent]:
    """Every decision, addendum and review on a case in the manager's teams, oldest first.

    Three queries whatever the size of the case.
    """
    decisions = list(team_decisions(user).filter(case_reference=case_reference).order_by("created_at", "id"))
    by_id = {decision.pk: decision for decision in decisions}
    events = [
        ChronologyEvent(decision.created_at, "decision", decision, decision, 0, decision_facts(decision))
        for decision in decisions
    ]
    if by_id:
        for addendum in Addendum.objects.filter(decision_id__in=by_id).select_related("author"):
            events.append(
                ChronologyEvent(addendum.created_at, "addendum", by_id[addendum.decision_id], addendum, 1)
            )
        for review in ReviewEvent.objects.filter(decision_id__in=by_id).select_related("reviewer"):
            events.append(ChronologyEvent(review.created_at, "review", by_id[review.decision_id], review, 2))
    events.sort(key=lambda event: (event.at, event.order, event.item.pk))
    return events


# --- Access log ------------------------------------------------------------------------------


def access_log_for(user: AbstractBaseUser) -> QuerySet[AccessLog]:
    """Who viewed the decisions of the manager's teams, newest first. Auditors: every row."""
    rows = AccessLog.objects.select_related("user", "decision").order_by("-created_at", "-id")
    if user_has_role(user, Role.AUDITOR):
        return rows
    if not user_has_role(user, Role.MANAGER):
        return rows.none()
    return rows.filter(decision__team_id__in=managed_team_ids(user))
