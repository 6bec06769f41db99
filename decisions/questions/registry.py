"""Every question set the service knows, by the key stored with each decision.

Adding a set: write its module (flowchart, pages, guidance), add it to ``SETS``. No view changes.
"""

from decisions.questions import england_2024, partnership_2018, partnership_2018_v1
from decisions.questions.base import QuestionSet

SETS: dict[str, QuestionSet] = {
    qs.key: qs
    for qs in (england_2024.QUESTION_SET, partnership_2018.QUESTION_SET, partnership_2018_v1.QUESTION_SET)
}
DEFAULT_KEY = england_2024.KEY


def get(key: str) -> QuestionSet:
    """The set a decision or draft was answered under. Unknown keys are a programming error."""
    return SETS[key]


def selectable() -> list[QuestionSet]:
    """The sets an administrator can choose for new decisions."""
    return [qs for qs in SETS.values() if qs.selectable]


def choices() -> list[tuple[str, str]]:
    return [(qs.key, qs.title) for qs in selectable()]


def for_continuation(key: str) -> QuestionSet:
    """The set that continues a decision recorded under ``key`` (a retired set hands over)."""
    question_set = get(key)
    while not question_set.selectable and question_set.successor:
        question_set = get(question_set.successor)
    return question_set
