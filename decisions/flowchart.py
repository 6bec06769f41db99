"""The "when and how to share information" flowchart, as data and pure functions.

This module is the single source of truth for the route a practitioner takes through the wizard
and for the outcome stored with a decision. It knows nothing of requests or the database: give it
the answers so far (a mapping of step name to the answer chosen) and it says which steps are on the
route and what the outcome is.

The flowchart is versioned. Every decision stores the version it was answered under, so a later
flowchart (for example the 2024 national advice, which changed the golden rules and the place of
consent) can be added to ``FLOWCHARTS`` without changing how past decisions read.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import TextChoices


class Step(TextChoices):
    """Every page of the decision wizard, in the order they can appear."""

    TRIAGE = "triage", "Immediate risk"
    EMERGENCY = "emergency", "Emergency"
    EMERGENCY_SHARE = "emergency-share", "Emergency sharing"
    REQUEST = "request", "The request"
    PURPOSE = "purpose", "Purpose"
    CONSENT = "consent", "Consent"
    IDENTIFIABLE = "identifiable", "Identifiable information"
    LAWFUL_REASON = "lawful-reason", "Lawful reason without consent"
    ADVICE = "advice", "Advice"
    LAWFUL_BASIS = "lawful-basis", "Lawful basis"
    SPECIAL_CATEGORY = "special-category", "Special category data"
    HOW_MUCH = "how-much", "What is shared"
    FACTS_OPINION = "facts-opinion", "Facts and opinion"
    RECIPIENT = "recipient", "Recipient"
    METHOD = "method", "How it is shared"
    TRANSPARENCY = "transparency", "Telling the person"
    WITHHOLD = "withhold", "Reasons for not sharing"
    RATIONALE = "rationale", "Rationale"
    CHECK = "check", "Check your answers"


class Answer(TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SURE = "not-sure", "I'm not sure"


class Outcome(TextChoices):
    SHARE = "share", "Share the information"
    DO_NOT_SHARE = "do-not-share", "Do not share the information"
    AWAITING_ADVICE = "awaiting-advice", "Awaiting advice"


# The field on a routing question's form that holds the answer.
ANSWER_FIELD = "answer"

# The pages that record how information was shared. They are asked whenever information is, or
# already has been, shared.
HOW_STEPS = (
    Step.LAWFUL_BASIS,
    Step.SPECIAL_CATEGORY,
    Step.HOW_MUCH,
    Step.FACTS_OPINION,
    Step.RECIPIENT,
    Step.METHOD,
    Step.TRANSPARENCY,
)


@dataclass(frozen=True)
class Question:
    """One "when" question: where a yes and a no lead. "Not sure" always leads to advice."""

    step: Step
    on_yes: "Step | Outcome"
    on_no: "Step | Outcome"


@dataclass(frozen=True)
class Flowchart:
    version: str
    title: str
    questions: tuple[Question, ...]

    @property
    def start(self) -> Step:
        return self.questions[0].step

    def question(self, step: str) -> Question:
        return next(q for q in self.questions if q.step == step)

    def walk(self, answers: Mapping[str, str]) -> tuple[list[Step], Outcome | None]:
        """Follow the answers from the first question.

        Returns the questions on the route (ending at the first unanswered one, if any) and the
        outcome, or ``None`` while the route is unfinished. An answer that is not yes, no or not
        sure counts as unanswered.
        """
        asked: list[Step] = []
        position: Step | Outcome = self.start
        while isinstance(position, Step):
            question = self.question(position)
            asked.append(question.step)
            answer = answers.get(question.step)
            if answer == Answer.YES:
                position = question.on_yes
            elif answer == Answer.NO:
                position = question.on_no
            elif answer == Answer.NOT_SURE:
                return asked, Outcome.AWAITING_ADVICE
            else:
                return asked, None
        return asked, position


# The flowchart practitioners are trained on: HM Government, "Information sharing: advice for
# practitioners" (2018), as reproduced in local safeguarding partnership guidance (2020).
WHEN_AND_HOW_2018 = Flowchart(
    version="2018.1",
    title="When and how to share information (2018)",
    questions=(
        Question(Step.PURPOSE, on_yes=Step.CONSENT, on_no=Outcome.DO_NOT_SHARE),
        Question(Step.CONSENT, on_yes=Outcome.SHARE, on_no=Step.IDENTIFIABLE),
        Question(Step.IDENTIFIABLE, on_yes=Step.LAWFUL_REASON, on_no=Outcome.SHARE),
        Question(Step.LAWFUL_REASON, on_yes=Outcome.SHARE, on_no=Outcome.DO_NOT_SHARE),
    ),
)

FLOWCHARTS = {WHEN_AND_HOW_2018.version: WHEN_AND_HOW_2018}
CURRENT = WHEN_AND_HOW_2018


@dataclass(frozen=True)
class Result:
    """Where a set of answers leads: the full route and, once it is finished, the outcome."""

    route: tuple[Step, ...]
    outcome: Outcome | None
    emergency: bool
    needs_attention: bool

    @property
    def complete(self) -> bool:
        return self.outcome is not None and self.route[-1] == Step.CHECK


def evaluate(answers: Mapping[str, str], flowchart: Flowchart = CURRENT) -> Result:
    """Say which wizard pages are on the route for these answers, and the outcome.

    The route stops at the first routing question not yet answered, so a later page can never be
    reached, and a record never made, without the answers that lead to it.

    - Triage first. At immediate risk, the emergency page tells the practitioner who to call and
      asks whether information has already been shared; if it has, the emergency share is
      recorded first and the same questions are answered after the event.
    - Then the request and the "when" questions. "Not sure" at any of them stops the questions:
      the practitioner records who they are asking for advice, and the decision waits for it.
    - Sharing (or an emergency share) is followed by the "how" pages; not sharing by the reasons.
    - Every route ends with the rationale and "check your answers".

    An emergency share whose answers afterwards lead to "do not share" needs a manager's attention.
    """
    route: list[Step] = [Step.TRIAGE]
    emergency = False

    def result(outcome: Outcome | None = None) -> Result:
        attention = emergency and outcome == Outcome.DO_NOT_SHARE
        return Result(tuple(route), outcome, emergency, attention)

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

    route.append(Step.REQUEST)
    asked, outcome = flowchart.walk(answers)
    route.extend(asked)
    if outcome is None:
        return result()

    if outcome == Outcome.AWAITING_ADVICE:
        route.append(Step.ADVICE)
    if outcome == Outcome.SHARE or emergency:
        route.extend(HOW_STEPS)
    elif outcome == Outcome.DO_NOT_SHARE:
        route.append(Step.WITHHOLD)
    route.extend([Step.RATIONALE, Step.CHECK])
    return result(outcome)


def routing_steps(flowchart: Flowchart = CURRENT) -> tuple[Step, ...]:
    """The pages whose answer changes the route."""
    return (Step.TRIAGE, Step.EMERGENCY, *(q.step for q in flowchart.questions))
