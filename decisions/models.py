"""The records of information-sharing decisions.

Decisions and addenda are append-only: the application never edits or deletes them, and the
database refuses to (``pgtrigger.Protect`` on UPDATE and DELETE). Later facts are added as addenda.
Drafts are the practitioner's unfinished answers and are ordinary, editable rows.
"""

import datetime
import secrets
import uuid

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from decisions.questions import law, registry
from decisions.questions.base import Attention, Outcome, Step

APPEND_ONLY = pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)

REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: easy to read aloud


def new_reference() -> str:
    """A short reference a practitioner can read out on the phone, like ``D-7KQ3-M9XP``."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"D-{chars[:4]}-{chars[4:]}"


class ChainedRecord(models.Model):
    """A row of the audit log's hash chain (see ``decisions.audit``).

    The chain columns are filled by a database trigger on every insert, never by the ORM.
    """

    chain_seq = models.BigIntegerField(unique=True, null=True, editable=False)
    chain_prev = models.CharField(max_length=64, null=True, editable=False)  # noqa: DJ001 (NULL until the trigger runs)
    chain_hash = models.CharField(max_length=64, null=True, editable=False)  # noqa: DJ001
    content_hash = models.CharField(max_length=64, null=True, editable=False)  # noqa: DJ001

    class Meta:
        abstract = True


class Role(models.TextChoices):
    """The roles, each a Django group of the same name (created by a migration)."""

    PRACTITIONER = "Practitioner"
    MANAGER = "Manager"
    AUDITOR = "Auditor"
    ADMINISTRATOR = "Administrator"


class Team(models.Model):
    """A team of practitioners. Managers oversee the teams they are members of."""

    name = models.CharField(max_length=200, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


ADVISER_HELP = (
    "Alerted when a practitioner asks them for advice, about decisions they may read: give them the "
    "auditor role, or make them a manager in the teams they advise."
)


def adviser_field(role: str) -> models.ForeignKey:
    """The user who is the organisation's adviser in a role (DSL, IG lead, DPO), if any."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=role,
        help_text=ADVISER_HELP,
    )


class LocalSettings(models.Model):
    """Settings an administrator can change: local contacts and how long things are kept.

    There is one row (``LocalSettings.load()``).
    """

    organisation_name = models.CharField(max_length=200, default="Your organisation")
    police_emergency_number = models.CharField(max_length=50, default="999")
    police_non_emergency_number = models.CharField(max_length=50, default="101")
    childrens_social_care_name = models.CharField(
        max_length=200, default="Children's social care (front door)"
    )
    childrens_social_care_number = models.CharField(max_length=50, default="Set this number in the admin")
    out_of_hours_number = models.CharField(
        max_length=50, blank=True, help_text="Children's social care emergency duty team"
    )
    escalation_routes = models.TextField(
        default="Head of service\nLocal authority designated officer (LADO)\nSafeguarding partnership",
        help_text="Where a manager can escalate a decision: one route a line.",
    )
    draft_expiry_days = models.PositiveIntegerField(
        default=30, help_text="Unfinished decisions are deleted after this many days without change."
    )
    retention_years = models.PositiveIntegerField(
        default=6,
        help_text="Decisions older than this many years are listed for a retention review.",
    )
    retention_review_interval_years = models.PositiveIntegerField(
        default=2,
        help_text="A decision kept after a review is listed again after this many years.",
    )
    organisation_type = models.CharField(
        max_length=30,
        choices=law.OrganisationType.choices,
        default=law.OrganisationType.LOCAL_AUTHORITY,
        help_text="Decides which lawful bases are offered: public bodies cannot rely on legitimate "
        "interests, and name the power or duty they share under.",
    )
    question_set = models.CharField(
        max_length=20,
        choices=registry.choices(),
        default=registry.DEFAULT_KEY,
        help_text="The questions new decisions are asked. A decision keeps the set it was started with.",
    )
    appropriate_policy_document_url = models.URLField(
        blank=True,
        help_text="Your appropriate policy document (DPA 2018 Schedule 1 paragraph 5), shown where "
        "special category or criminal offence data is shared.",
    )
    # The service's legal pages and feedback route (decisions.pages) read these.
    feedback_url = models.URLField(
        blank=True, help_text="Where users give feedback on the service (a form). Used before the email."
    )
    feedback_email = models.EmailField(
        blank=True, help_text="Where users send feedback and report accessibility problems."
    )
    controller_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="The data controller named in the privacy notice. Empty: the organisation name.",
    )
    controller_contact = models.TextField(
        blank=True, help_text="How to contact the data controller: address, email or phone."
    )
    dpo_contact = models.TextField(
        blank=True, help_text="How to contact the data protection officer: name, email or phone."
    )
    # Alerts and deadlines (decisions.alerts). Working days skip weekends and England and Wales
    # bank holidays.
    review_within_working_days = models.PositiveIntegerField(
        default=5, help_text="A recorded decision should be reviewed within this many working days."
    )
    advice_within_working_days = models.PositiveIntegerField(
        default=2, help_text="Advice should be given within this many working days of being asked."
    )
    digest_time = models.TimeField(
        default=datetime.time(8, 0),
        help_text="When the daily summary email goes out (UK time), on every day of the week.",
    )
    dsl_user = adviser_field("designated safeguarding lead")
    ig_lead_user = adviser_field("information governance lead")
    dpo_user = adviser_field("data protection officer")

    class Meta:
        verbose_name = "local settings"
        verbose_name_plural = "local settings"

    def __str__(self) -> str:
        return "Local settings"

    @classmethod
    def load(cls) -> "LocalSettings":
        """The one row, from this process's copy while it is current (``decisions.settings_cache``)."""
        from decisions import settings_cache

        return settings_cache.load(cls)

    @property
    def escalation_route_list(self) -> list[str]:
        return [line.strip() for line in self.escalation_routes.splitlines() if line.strip()]

    @property
    def controller(self) -> str:
        return self.controller_name or self.organisation_name

    @property
    def feedback_link(self) -> str:
        """Where the phase banner and the accessibility statement send feedback: a URL, an email, or ''."""
        if self.feedback_url:
            return self.feedback_url
        return f"mailto:{self.feedback_email}" if self.feedback_email else ""


class Decision(ChainedRecord):
    """One information-sharing decision, as recorded at the end of the wizard. Append-only.

    ``answers`` holds every answer on the route (cleaned, by step); ``form_data`` the answers as
    typed, so a decision awaiting advice can be continued from where it stopped. The outcome is
    derived from the answers by ``questions.base.evaluate`` under the question set whose key is
    ``flowchart_version``, never taken
    from the browser. Key facts are copied into columns for searching and reporting.
    """

    reference = models.CharField(max_length=20, unique=True, default=new_reference, editable=False)
    submission_key = models.UUIDField(
        unique=True, help_text="The draft this came from: a second submission of it stores nothing."
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    case_reference = models.CharField(max_length=50, db_index=True)
    requested_on = models.DateField(null=True, blank=True, help_text="When the information was asked for.")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    flowchart_version = models.CharField(max_length=20)
    route = models.JSONField()
    answers = models.JSONField()
    form_data = models.JSONField()
    emergency = models.BooleanField(default=False, help_text="Shared in an emergency, recorded after.")
    needs_attention = models.BooleanField(
        default=False, help_text="Emergency share whose answers afterwards lead to not sharing."
    )
    continues = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="continuations",
        help_text="The decision awaiting advice that this one completes.",
    )
    rationale = models.TextField()
    lawful_basis = models.CharField(max_length=40, blank=True)
    special_category_condition = models.CharField(max_length=40, blank=True)
    recipient_organisation = models.CharField(max_length=200, blank=True)
    shared_on = models.DateField(null=True, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True, help_text="Emergency shares: when.")
    advice_from = models.CharField(max_length=40, blank=True)
    # Added with question sets. Nullable so that records made before keep their hashes.
    significant_harm = models.BooleanField(
        null=True,
        blank=True,
        help_text="Referred to children's social care or the police for significant harm.",
    )
    referred_at = models.DateTimeField(null=True, blank=True)
    attention = models.JSONField(null=True, blank=True, help_text="Why the record is flagged for a manager.")
    organisation_type = models.CharField(max_length=30, null=True, blank=True)  # noqa: DJ001
    power = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    criminal_offence_condition = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField(default=timezone.now, db_default=Now(), db_index=True)

    class Meta:
        ordering = ["-created_at"]
        triggers = [APPEND_ONLY]
        indexes = [  # the manager's review queue, per team, newest first (docs/manager.md)
            # Also covers the dashboard's figures for a period (an index-only scan: no table rows).
            models.Index(
                fields=["team", "-created_at", "-id"],
                include=["outcome", "emergency", "needs_attention", "continues", "requested_on", "shared_at"],
                name="decision_team_period",
            ),
            models.Index(
                fields=["team", "-created_at", "-id"],
                condition=models.Q(emergency=True),
                name="decision_emergency_recent",
            ),
            models.Index(
                fields=["team", "-created_at", "-id"],
                condition=models.Q(needs_attention=True),
                name="decision_attention_recent",
            ),
            models.Index(
                fields=["team", "-created_at", "-id"],
                condition=models.Q(outcome=Outcome.AWAITING_ADVICE),
                name="decision_awaiting_recent",
            ),
            # "Has this decision been continued?", asked of every decision awaiting advice that the
            # queue counts: a small index of the few that continue one (the foreign key's own index
            # holds every decision).
            models.Index(
                fields=["continues"], condition=models.Q(continues__isnull=False), name="decision_continued"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(continues=models.F("id")), name="decision_not_continuing_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("decisions:detail", kwargs={"reference": self.reference})

    @property
    def question_set(self):
        """The question set the decision was answered under: its wording, forever."""
        return registry.get(self.flowchart_version)

    @property
    def attention_labels(self) -> list[str]:
        return [Attention(code).label for code in self.attention or [] if code in Attention.values]

    @property
    def awaiting_advice(self) -> bool:
        return self.outcome == Outcome.AWAITING_ADVICE

    def answer(self, step: Step, field: str, default=None):
        return self.answers.get(step, {}).get(field, default)


class DecisionDay(models.Model):
    """How many decisions a team recorded on one day (UTC), by outcome: the dashboard's series and
    counts without reading every decision of a team's year (docs/manager.md).

    Kept by the database alone: an insert trigger on the decisions (``audit_decision_day_count``,
    migration 0015) adds each new decision to its day's row. The application only reads it (in
    production its role may only SELECT it); a decision's team, time, outcome and flags never
    change, so nothing is ever taken away.
    """

    # No index of its own: the unique constraint's index starts with the team.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", db_index=False)
    day = models.DateField(help_text="The UTC day the decisions were recorded on.")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    decisions = models.IntegerField()
    emergency = models.IntegerField()
    flagged = models.IntegerField()
    continued = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "day", "outcome"], name="decision_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.day} {self.outcome}: {self.decisions}"


class Addendum(ChainedRecord):
    """A later fact added to a decision (consent withdrawn, advice received...). Append-only."""

    class Kind(models.TextChoices):
        CONSENT_WITHDRAWN = "consent-withdrawn", "Consent withdrawn"
        ADVICE_RECEIVED = "advice-received", "Advice received"
        RECONSIDERED = "reconsidered", "New information: decision reconsidered"
        FURTHER_SHARING = "further-sharing", "More information shared"
        CONCERN_RESPONSE = "concern-response", "Response to a manager's concern"
        CORRECTION = "correction", "Correction to the record"
        OTHER = "other", "Something else"

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    text = models.TextField()
    advice_from = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_default=Now())

    class Meta:
        ordering = ["created_at", "id"]
        triggers = [APPEND_ONLY]
        verbose_name_plural = "addenda"
        indexes = [  # whether an addendum came after a review (review states, docs/manager.md)
            models.Index(fields=["decision", "created_at"], name="addendum_decision_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.decision}"


class Draft(models.Model):
    """A practitioner's unfinished decision: the wizard's answers, kept on the server.

    Stored after every page, so nothing typed is lost to a time-out or a closed browser. Only the
    author can see or resume it. Deleted when the decision is recorded, or after
    ``LocalSettings.draft_expiry_days`` without change.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    data = models.JSONField(default=dict)
    continues = models.ForeignKey(Decision, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    question_set = models.CharField(max_length=20, default=registry.DEFAULT_KEY)
    organisation_type = models.CharField(max_length=30, default=law.OrganisationType.LOCAL_AUTHORITY)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"Draft {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("decisions:resume", kwargs={"draft_id": self.pk})

    @property
    def current_step(self) -> str | None:
        return self.data.get("step")

    def step_value(self, step: Step, field: str) -> str:
        values = self.data.get("step_data", {}).get(step, {}).get(f"{step}-{field}", [""])
        return values[0] if values else ""

    @property
    def case_reference(self) -> str:
        return self.step_value(Step.REQUEST, "case_reference")


class ReviewEvent(ChainedRecord):
    """A manager's review of a decision: endorsement, concern, escalation or advice. Append-only."""

    class Action(models.TextChoices):
        ENDORSE = "endorse", "Endorsed"
        CONCERN = "concern", "Concern raised"
        ESCALATE = "escalate", "Escalated"
        ADVICE = "advice", "Advice given"

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    comment = models.TextField()
    escalation_route = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_default=Now())

    class Meta:
        ordering = ["created_at", "id"]
        triggers = [APPEND_ONLY]
        indexes = [
            models.Index(fields=["decision"], condition=models.Q(action="concern"), name="review_concerns"),
            # Whether a decision has a current review, or advice: answered from the index alone.
            models.Index(
                fields=["decision", "action"], include=["created_at"], name="review_decision_action"
            ),
            # "Has a manager given advice?", asked as often: a small index of the advice alone.
            models.Index(fields=["decision"], condition=models.Q(action="advice"), name="review_advice"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} on {self.decision}"


class AccessLog(models.Model):
    """Who saw what, and when: every view of decision contents, and every refusal. Append-only."""

    class Action(models.TextChoices):
        VIEW_DECISION = "view-decision", "Viewed a decision"
        PRINT_DECISION = "print-decision", "Printed a decision"
        VIEW_REVIEW = "view-review", "Viewed a review page"
        VIEW_CHRONOLOGY = "view-chronology", "Viewed a case chronology"
        VIEW_LIST = "view-list", "Viewed a list of decisions"
        EXPORT = "export", "Exported decisions"
        DENIED = "denied", "Refused: not in scope"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=30, choices=Action.choices)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    target = models.CharField(max_length=200, blank=True, help_text="A reference, case or list name.")
    path = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now, db_default=Now(), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        triggers = [APPEND_ONLY]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.target}"


class ChainHead(models.Model):
    """The head of the decision log's hash chain: one row, locked and moved by the chain trigger.

    The application never writes it; ``decisions.audit`` and the migrations explain the chain.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"Chain head {self.seq}"


class ExportEvent(ChainedRecord):
    """An export of the log: who, when, what was asked for, how many rows, the file's hash.

    Append-only, and part of the hash chain, so an export cannot be quietly taken back.
    """

    token = models.UUIDField(db_index=True, help_text="Links the downloaded file to its manifest.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dataset = models.CharField(max_length=30)
    file_format = models.CharField(max_length=10)
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    filters = models.JSONField(default=dict)
    row_count = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    head_seq = models.BigIntegerField()
    head_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_default=Now(), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        triggers = [APPEND_ONLY]

    def __str__(self) -> str:
        return f"Export {self.pk} of {self.dataset}"


class Disposal(ChainedRecord):
    """A decision whose content was replaced by a tombstone at the end of its retention. Append-only.

    Written only by the database function ``audit_dispose_decision``, which also blanks the
    decision, its addenda and reviews. The decision keeps its chain hashes and content hash, so the
    chain still verifies; this row (itself chained) tells the verifier the blanking was lawful.
    """

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="disposal")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    decision_chain_seq = models.BigIntegerField()
    decision_content_hash = models.CharField(max_length=64)
    legal_override = models.TextField(  # noqa: DJ001 (NULL: no override; a chained column stays nullable)
        null=True,
        blank=True,
        help_text="The legal reason for disposing of a decision before its retention period ended.",
    )
    tombstone_hash = models.CharField(  # noqa: DJ001 (NULL for disposals made before it existed)
        max_length=64,
        null=True,
        editable=False,
        help_text="SHA-256 over the tombstoned decision, addenda and reviews (see decisions.audit).",
    )
    created_at = models.DateTimeField(default=timezone.now, db_default=Now())

    class Meta:
        triggers = [APPEND_ONLY]

    def __str__(self) -> str:
        return f"Disposal of {self.decision}"


class RetentionReview(models.Model):
    """A decision looked at past its retention period and kept, with the reason. Append-only."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="retention_reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_default=Now())

    class Meta:
        ordering = ["-created_at", "-id"]
        triggers = [APPEND_ONLY]

    def __str__(self) -> str:
        return f"Kept {self.decision}"
