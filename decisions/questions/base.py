"""What a question set is, and the one function that says where a set of answers leads.

Pure Python: no ORM, no request. Give ``evaluate`` a question set, the routing answers so far (page
name -> the value chosen on that page's ``answer`` field) and the context the draft was started in,
and it says which pages are on the route and what the outcome is. The wizard's page conditions and
the outcome stored with a decision both come from here, so they cannot disagree.

A route has three parts:

1. The same start for every set with a significant-harm question: triage (immediate risk or a
   crime), the emergency pages, then "is the child suffering, or likely to suffer, significant
   harm?". Yes leads to a referral to children's social care or the police, and the outcome is
   always "share": no route after it can end "do not share" (seed 001).
2. The set's "when" questions (``QuestionSet.questions``), each leading to the next question or an
   outcome. "I'm not sure" anywhere leads to advice.
3. When information is, or already has been, shared: the set's "how" pages (``QuestionSet.how``),
   each asked only where it applies. A how page answered "I'm not sure" leads to advice too.
   Not sharing leads to the reasons for not sharing instead. Advice, when asked for, comes after
   those, and every route ends with the rationale and "check your answers".
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import TextChoices

from decisions.questions import law
from decisions.questions.law import NOT_SURE


class Step(TextChoices):
    """Every page any question set can show. A set uses some of them, in its own order."""

    TRIAGE = "triage", "Immediate risk"
    EMERGENCY = "emergency", "Emergency"
    EMERGENCY_SHARE = "emergency-share", "Emergency sharing"
    SIGNIFICANT_HARM = "significant-harm", "Significant harm"
    REFERRAL = "referral", "Referral"
    REQUEST = "request", "The request"
    PURPOSE = "purpose", "Purpose"
    ENGAGE = "engage", "Talking to the child and family"
    CONSENT = "consent", "Consent"
    IDENTIFIABLE = "identifiable", "Identifiable information"
    LAWFUL_REASON = "lawful-reason", "Lawful reason without consent"
    ADVICE = "advice", "Advice"
    LAWFUL_BASIS = "lawful-basis", "Lawful basis"
    POWER = "power", "Power or duty to share"
    SPECIAL_CATEGORY = "special-category", "Special category data"
    CRIMINAL_OFFENCE = "criminal-offence", "Criminal offence data"
    HOW_MUCH = "how-much", "What is shared"
    FACTS_OPINION = "facts-opinion", "Facts and opinion"
    RECIPIENT = "recipient", "Recipient"
    IDENTITIES = "identities", "Protecting identities"
    METHOD = "method", "How it is shared"
    TRANSPARENCY = "transparency", "Telling the child and family"
    WITHHOLD = "withhold", "Reasons for not sharing"
    RATIONALE = "rationale", "Rationale"
    CHECK = "check", "Check your answers"


class Answer(TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SURE = NOT_SURE, "I'm not sure"


class Outcome(TextChoices):
    SHARE = "share", "Share the information"
    DO_NOT_SHARE = "do-not-share", "Do not share the information"
    AWAITING_ADVICE = "awaiting-advice", "Awaiting advice"


class Attention(TextChoices):
    """Why a record is flagged for a manager."""

    EMERGENCY_NOT_SHARE = "emergency-not-share", "Shared in an emergency, but the answers lead to not sharing"
    IDENTITIES = "identities-not-protected", "The identity of someone who could be harmed was not protected"
    NO_SAFEGUARDING_ROLE = "no-safeguarding-role", "Shared with someone who has no safeguarding role"
    SIGNIFICANT_HARM = "significant-harm", "Referred because of significant harm"


# The field on every routing page's form that holds the routing answer.
ANSWER_FIELD = "answer"


@dataclass(frozen=True)
class Question:
    """A "when" question: where each answer leads. "I'm not sure" always leads to advice."""

    step: Step
    routes: Mapping[str, "Step | Outcome"]

    def yes_no(self) -> tuple["Step | Outcome | None", "Step | Outcome | None"]:
        """Where yes and no lead, for drawing the flowchart (None where the page has other answers)."""
        return self.routes.get(Answer.YES), self.routes.get(Answer.NO)


@dataclass(frozen=True)
class Context:
    """What a draft was started under: who shares, and when. Fixed for the life of a draft."""

    organisation_type: str = law.OrganisationType.LOCAL_AUTHORITY
    decided_on: datetime.date = field(default_factory=datetime.date.today)


Routing = Mapping[str, str]


@dataclass(frozen=True)
class HowPage:
    """A page asked when sharing. ``asked`` says whether it applies to this route."""

    step: Step
    routing: bool = False
    asked: Callable[[Routing, Context], bool] | None = None


@dataclass(frozen=True)
class Guidance:
    """What a page's question rests on: the rule or principle, the myth it answers, the source."""

    title: str
    text: str
    source: str
    myth: str = ""
    myth_answer: str = ""


@dataclass(frozen=True)
class QuestionSet:
    """Everything a practitioner sees and what it means: pages, flowchart, guidance, law offered.

    ``key`` is stored with every decision (``Decision.flowchart_version``); a recorded decision is
    always shown with its own set's wording. A set that is not ``selectable`` is kept only to show
    decisions recorded under it.
    """

    key: str
    title: str
    summary: str
    applies_from: datetime.date
    forms: Mapping[Step, type]
    questions: tuple[Question, ...]
    how: tuple[HowPage, ...] = ()
    withhold: tuple[Step, ...] = (Step.WITHHOLD,)
    significant_harm: bool = True
    consent_given: Callable[[Routing], bool] = lambda answers: False
    guidance: Mapping[Step, Guidance] = field(default_factory=dict)
    golden_rules: tuple[Guidance, ...] = ()
    myths: tuple[Guidance, ...] = ()
    sources: tuple[str, ...] = ()
    ea_commencement: datetime.date = law.EA_COMMENCEMENT
    selectable: bool = True
    # A retired set keeps only what is needed to show its records: each page's fields as
    # (name, label, kind, {value: label}) rows, and the set that continues its unfinished decisions.
    field_table: Mapping[str, list] | None = None
    successor: str = ""

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(self.forms)

    @property
    def start(self) -> Step:
        return self.questions[0].step

    def question(self, step: str) -> Question | None:
        return next((q for q in self.questions if q.step == step), None)

    def routing_steps(self) -> tuple[Step, ...]:
        """The pages whose answer changes the route."""
        prefix = (Step.TRIAGE, Step.EMERGENCY)
        if self.significant_harm:
            prefix += (Step.SIGNIFICANT_HARM,)
        return (*prefix, *(q.step for q in self.questions), *(p.step for p in self.how if p.routing))

    def law_context(self, answers: Routing, context: Context) -> law.Context:
        """What the law offers on this route. Pass only the answers on the route (``on_route``)."""
        return law.Context(
            organisation_type=context.organisation_type,
            decided_on=context.decided_on,
            consent_given=self.consent_given(answers),
            ea_commencement=self.ea_commencement,
        )

    def walk(self, answers: Routing) -> tuple[list[Step], Outcome | None, Step | None]:
        """Follow the "when" questions from the first. Returns the questions asked, the outcome
        (None while unfinished) and the question answered "not sure", if any."""
        asked: list[Step] = []
        position: Step | Outcome = self.start
        while isinstance(position, Step):
            question = self.question(position)
            asked.append(question.step)
            answer = answers.get(question.step)
            if answer == NOT_SURE:
                return asked, Outcome.AWAITING_ADVICE, question.step
            if answer not in question.routes:
                return asked, None, None
            position = question.routes[answer]
        return asked, position, None


@dataclass(frozen=True)
class Result:
    """Where a set of answers leads: the route so far and, once finished, the outcome."""

    route: tuple[Step, ...]
    outcome: Outcome | None
    emergency: bool
    significant_harm: bool
    attention: tuple[Attention, ...]
    unsure_at: Step | None = None
    questions_asked: tuple[Step, ...] = ()  # the "when" questions on the route

    @property
    def needs_attention(self) -> bool:
        return bool(self.attention)

    @property
    def complete(self) -> bool:
        return self.outcome is not None and self.route[-1] == Step.CHECK

    @property
    def shared(self) -> bool:
        """Information is, or already has been, shared on this route."""
        return self.outcome == Outcome.SHARE or self.emergency or self.significant_harm


def on_route(answers: Routing, route: "tuple[Step, ...] | list[Step]") -> dict[str, str]:
    """Only the answers to pages on the route: a changed answer can leave others behind in a draft."""
    return {step: value for step, value in answers.items() if step in route}


def evaluate(question_set: QuestionSet, answers: Routing, context: Context | None = None) -> Result:
    """Say which pages are on the route for these answers, and the outcome.

    The route stops at the first routing page not yet answered (or answered with a value the page
    does not have), so a later page can never be reached, and a record never made, without the
    answers that lead to it.
    """
    context = context or Context()
    route: list[Step] = [Step.TRIAGE]
    asked: list[Step] = []
    emergency = referred = False
    attention: list[Attention] = []

    def result(outcome: Outcome | None = None, unsure_at: Step | None = None) -> Result:
        flags = list(attention)
        if emergency and outcome == Outcome.DO_NOT_SHARE:
            flags.insert(0, Attention.EMERGENCY_NOT_SHARE)
        if referred:
            flags.insert(0, Attention.SIGNIFICANT_HARM)
        return Result(tuple(route), outcome, emergency, referred, tuple(flags), unsure_at, tuple(asked))

    triage = answers.get(Step.TRIAGE)
    if triage not in (Answer.YES, Answer.NO):
        return result()
    if triage == Answer.YES:
        route.append(Step.EMERGENCY)
        already_shared = answers.get(Step.EMERGENCY)
        if already_shared not in (Answer.YES, Answer.NO):
            return result()
        if already_shared == Answer.YES:
            emergency = True
            route.append(Step.EMERGENCY_SHARE)

    unsure_at = None
    if question_set.significant_harm:
        route.append(Step.SIGNIFICANT_HARM)
        harm = answers.get(Step.SIGNIFICANT_HARM)
        if harm not in (Answer.YES, Answer.NO, Answer.NOT_SURE):
            return result()
        if harm == Answer.YES:
            referred = True
            route.append(Step.REFERRAL)
        elif harm == Answer.NOT_SURE:
            unsure_at = Step.SIGNIFICANT_HARM

    route.append(Step.REQUEST)
    if unsure_at:
        outcome = Outcome.AWAITING_ADVICE
    elif referred:
        outcome = Outcome.SHARE  # the referral is the share: no route after it ends "do not share"
    else:
        walked, outcome, unsure_at = question_set.walk(answers)
        asked.extend(walked)
        route.extend(walked)
        if outcome is None:
            return result()

    if outcome == Outcome.SHARE or emergency or referred:
        for page in question_set.how:
            so_far = on_route(answers, route)  # an answer left over from another route counts for nothing
            if page.step in route or (page.asked and not page.asked(so_far, context)):
                continue
            route.append(page.step)
            if not page.routing:
                continue
            value = answers.get(page.step)
            if not value:
                return result()
            if value == NOT_SURE:
                if not unsure_at:
                    unsure_at, outcome = page.step, Outcome.AWAITING_ADVICE
                break
            if page.step == Step.IDENTITIES and value == "not-protected":
                attention.append(Attention.IDENTITIES)
            if page.step == Step.RECIPIENT and value == Answer.NO:
                attention.append(Attention.NO_SAFEGUARDING_ROLE)
    elif outcome == Outcome.DO_NOT_SHARE:
        route.extend(question_set.withhold)
    if unsure_at:  # advice comes last, after any record of how information was already shared
        route.append(Step.ADVICE)
    route.extend([Step.RATIONALE, Step.CHECK])
    return result(outcome, unsure_at)
