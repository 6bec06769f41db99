"""Question set "2024 advice (England)" (version 2024.1): the default for new decisions.

The same decision as the 2018 flowchart, asked in the order and terms of the DfE advice of May 2024:
protecting a child comes before privacy (triage and significant harm first); talk to the child and
family where it is safe; consent is not usually the lawful basis, so the basis (and, for a public
body, the power) come next; ask for advice promptly; protect identities; share only with people who
have a safeguarding role; record, and reconsider a decision not to share. Everything this set shows
is in this module or in ``questions.pages``.
"""

import datetime

from crispy_forms_gds.choices import Choice

from decisions.questions import law, pages
from decisions.questions.base import Answer, Guidance, HowPage, Outcome, Question, QuestionSet, Step
from decisions.questions.fields import StepForm, long_text, question, radios, text
from decisions.questions.guidance import DFE_2024, MYTHS_2024, RULES_2024, common_guidance

KEY = "2024.1"
NOT_SURE = Answer.NOT_SURE
ENGAGED = frozenset({"consent", "told", "objected"})


class PurposeForm(pages.PurposeForm):
    answer = question(
        "Is sharing needed to keep a child safe or to support their welfare?",
        "Think about why the information is needed, and what the recipient will use it for.",
        "Select yes if sharing is needed to keep a child safe or support their welfare, or I'm not sure",
    )


class EngageForm(StepForm):
    answer = radios(
        "Have you talked to the child and/or their family about sharing?",
        [
            ("consent", "Yes, and they gave clear consent to sharing this information"),
            ("told", "Yes, I have told them what I will share, with whom and why"),
            ("objected", "Yes, and they do not agree to it being shared"),
            ("not-safe", "No, it would not be safe: it could put the child at greater risk"),
            ("not-practicable", "No, it is not practical, for example I cannot reach them in time"),
            Choice(NOT_SURE, "I'm not sure if I should", divider="or"),
        ],
        "Select whether you have talked to the child or their family, or I'm not sure",
        hint="Agreeing to a service, such as early help, is not consent to share information. If they do not "
        "agree, you can still share when a child is at risk: respect their wishes where you can.",
    )
    engaged_with = radios("Who did you talk to?", pages.WHO, "Select who you talked to", required=False)
    consent_details = text(
        "Who gave consent, when, and how was it recorded?",
        "Enter who gave consent, when, and how it was recorded",
        required=False,
    )
    child_views = long_text(
        "What are the child's views, and what do they understand? (optional)",
        "",
        hint="Record the child's wishes and feelings where you know them.",
        required=False,
    )
    required_after = {
        "engaged_with": (ENGAGED, "Select who you talked to"),
        "consent_details": (frozenset({"consent"}), "Enter who gave consent, when, and how it was recorded"),
    }
    reveals = {"answer": {"consent": ("consent_details",)}}


def public_body(answers, context) -> bool:
    return law.is_public_body(context.organisation_type)


def not_told_yet(answers, context) -> bool:
    """Whoever was told before sharing is not asked again afterwards."""
    return answers.get(Step.ENGAGE) not in ENGAGED


QUESTION_SET = QuestionSet(
    key=KEY,
    title="2024 advice (England)",
    summary="The DfE's May 2024 advice: protect the child first, talk to the family where it is safe, name "
    "the lawful basis and power, ask for advice promptly, protect identities, record and reconsider.",
    applies_from=datetime.date(2024, 5, 1),
    forms={
        **pages.START_PAGES,
        Step.PURPOSE: PurposeForm,
        Step.ENGAGE: EngageForm,
        **pages.END_PAGES,
    },
    questions=(
        Question(Step.PURPOSE, {Answer.YES: Step.ENGAGE, Answer.NO: Outcome.DO_NOT_SHARE}),
        Question(
            Step.ENGAGE,
            {
                value: Step.LAWFUL_BASIS
                for value in ("consent", "told", "objected", "not-safe", "not-practicable")
            },
        ),
        Question(
            Step.LAWFUL_BASIS,
            {**{basis.code: Outcome.SHARE for basis in law.ARTICLE_6}, law.NONE: Outcome.DO_NOT_SHARE},
        ),
    ),
    how=(
        HowPage(Step.LAWFUL_BASIS, routing=True),  # asked here only after a significant-harm referral
        HowPage(Step.POWER, routing=True, asked=public_body),
        HowPage(Step.SPECIAL_CATEGORY, routing=True),
        HowPage(Step.CRIMINAL_OFFENCE, routing=True),
        HowPage(Step.RECIPIENT, routing=True),
        HowPage(Step.IDENTITIES, routing=True),
        HowPage(Step.METHOD),
        HowPage(Step.FACTS_OPINION),
        HowPage(Step.TRANSPARENCY, routing=True, asked=not_told_yet),
    ),
    consent_given=lambda answers: answers.get(Step.ENGAGE) == "consent",
    guidance={
        **common_guidance("2024"),
        Step.PURPOSE: Guidance(
            RULES_2024[0].title,
            RULES_2024[0].text,
            RULES_2024[0].source,
        ),
        Step.ENGAGE: Guidance(
            RULES_2024[1].title,
            RULES_2024[1].text + " Consent to share information is different from agreeing to a service.",
            f"{DFE_2024}, golden rules 2 and 3",
            myth="Consent is always needed to share personal information.",
            myth_answer="No. You do not need consent to share information about a child at risk of harm.",
        ),
    },
    golden_rules=RULES_2024,
    myths=MYTHS_2024,
    sources=(
        DFE_2024,
        "Seed 001: significant harm must be shared with children's social care or the police",
        "UK GDPR Articles 6, 9 and 10; Data Protection Act 2018 Schedule 1; Data (Use and Access) Act 2025",
    ),
)
