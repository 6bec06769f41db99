"""Every read that views use, scoped to the user who asks. A record outside the scope is absent."""

import datetime
import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from decisions import rows
from decisions.models import Addendum, Decision, Draft, LocalSettings, ReviewEvent, Role
from decisions.questions.base import Outcome


def user_roles(user: AbstractBaseUser) -> frozenset[str]:
    """The names of the user's roles, read once a request (cached on the user object)."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_roles"):
        user._roles = frozenset(user.groups.values_list("name", flat=True))
    return user._roles


def user_in_a_team(user: AbstractBaseUser) -> bool:
    """Whether the user is a member of any team (read with the user when signed in)."""
    if not hasattr(user, "_in_team"):
        user._in_team = user.teams.exists()
    return user._in_team


def user_has_role(user: AbstractBaseUser, role: Role) -> bool:
    return role in user_roles(user)


def decisions_visible_to(user: AbstractBaseUser) -> QuerySet[Decision]:
    """The decisions a user may read.

    Auditors read every decision; managers the decisions of the teams they belong to, and their
    own; everyone else only their own.
    """
    decisions = Decision.objects.select_related("author", "team", "continues")
    if not user.is_authenticated:
        return decisions.none()
    if user_has_role(user, Role.AUDITOR):
        return decisions
    if user_has_role(user, Role.MANAGER):
        return decisions.filter(Q(author=user) | Q(team__members=user)).distinct()
    return decisions.filter(author=user)


def decision_for(user: AbstractBaseUser, reference: str) -> Decision | None:
    return decisions_visible_to(user).filter(reference=reference).first()


def drafts_of(
    user: AbstractBaseUser, *, now: datetime.datetime | None = None, expiry_days: int | None = None
) -> QuerySet[Draft]:
    """The user's own unfinished decisions that have not expired."""
    cutoff = draft_cutoff(now=now, expiry_days=expiry_days)
    return Draft.objects.filter(author=user, updated_at__gte=cutoff).select_related("continues")


def draft_cutoff(
    *, now: datetime.datetime | None = None, expiry_days: int | None = None
) -> datetime.datetime:
    """Drafts last changed before this have expired (``LocalSettings.draft_expiry_days``)."""
    days = expiry_days if expiry_days is not None else LocalSettings.load().draft_expiry_days
    return (now or timezone.now()) - datetime.timedelta(days=days)


# The draft read every wizard page makes.
DRAFT_SQL = f"SELECT * FROM {Draft._meta.db_table} WHERE id = %s AND author_id = %s AND updated_at >= %s"  # noqa: S608 (a table name from the model)


def draft_of(user: AbstractBaseUser, draft_id) -> Draft | None:
    """One of the user's own unexpired drafts (``drafts_of``), by id, or None.

    Read on every wizard page, so in plain SQL (``decisions.rows``): building the same query with
    the ORM cost more of the page's time than running it (bench/profile_wizard.py)."""
    cutoff = draft_cutoff()
    return rows.one(Draft, DRAFT_SQL, [draft_id, user.pk, cutoff])


def my_decisions(user: AbstractBaseUser) -> dict:
    """What "My decisions" lists: drafts, decisions waiting for advice, and finished ones."""
    expiry_days = LocalSettings.load().draft_expiry_days
    own = Decision.objects.filter(author=user).select_related("continues")
    continued = Decision.objects.filter(continues=OuterRef("pk"))
    awaiting = own.filter(outcome=Outcome.AWAITING_ADVICE).exclude(Exists(continued))
    return {
        "drafts": drafts_of(user, expiry_days=expiry_days),
        "expiry_days": expiry_days,
        "awaiting_advice": awaiting,
        "completed": own.exclude(pk__in=awaiting.values("pk")),
    }


# A decision's addenda or reviews, each with the person who added it (a foreign key to the user).
HISTORY_SQL = """
    SELECT h.*, {person}
    FROM {table} h LEFT JOIN {users} p ON p.id = h.{person_fk}
    WHERE h.decision_id = %s ORDER BY h.created_at, h.id
"""


def addenda_of(decision: Decision) -> list[Addendum]:
    """A decision's addenda with their authors, oldest first: shown with every record."""
    return rows.every(Addendum, _history_sql(Addendum, "author"), [decision.pk], related=("author",))


def reviews_of(decision: Decision) -> list[ReviewEvent]:
    """A decision's reviews with their reviewers, oldest first: shown with every record."""
    sql = _history_sql(ReviewEvent, "reviewer")
    return rows.every(ReviewEvent, sql, [decision.pk], related=("reviewer",))


@functools.cache
def _history_sql(model: type[Addendum | ReviewEvent], person: str) -> str:
    """``HISTORY_SQL`` for one model (in plain SQL, as ``draft_of``: the same two reads were a
    tenth of the manager's review page, most of it building the ORM's queries)."""
    users = get_user_model()
    return HISTORY_SQL.format(
        table=model._meta.db_table,
        users=users._meta.db_table,
        person_fk=model._meta.get_field(person).column,
        person=rows.columns(users, "p", person),
    )
