"""Question set "2018 advice, as in the partnership guidance" (version 2018.2).

The when/how flowchart practitioners trained on the 2018 HM Government advice know, as the local
partnership guidance reproduces it (seed 002, section 5), with what the law and seed 001 add: the
significant-harm question, lawful bases coherent with the route, the power or duty a public body
shares under, criminal offence data, and "I'm not sure" at every judgement. Everything this set
shows is in this module or in ``questions.pages``.
"""

import datetime

from crispy_forms_gds.choices import Choice

from decisions.questions import law, pages
from decisions.questions.base import Answer, Guidance, HowPage, Outcome, Question, QuestionSet, Step
from decisions.questions.fields import StepForm, long_text, question, radios, text
from decisions.questions.guidance import MYTHS_2018, RULES_2018, common_guidance

KEY = "2018.2"
NOT_SURE = Answer.NOT_SURE


class ConsentForm(StepForm):
    answer = radios(
        "Do you have consent to share?",
        [
            ("given", "Yes, consent was given"),
            ("refused", "No, consent was refused"),
            ("not-sought", "No, I have not asked for consent"),
            Choice(NOT_SURE, "I'm not sure", divider="or"),
        ],
        "Select whether you have consent to share, or I'm not sure",
        hint="Consent must be clear, freely given, and can be withdrawn at any time. Consent to share is not "
        "the same as agreeing to a service, such as early help. You do not always need consent.",
    )
    consent_from = radios("Whose consent?", pages.WHO, "Select whose consent it is", required=False)
    consent_details = text(
        "Who gave consent, when, and how was it recorded?",
        "Enter who gave consent, when, and how it was recorded",
        required=False,
    )
    not_sought_reason = radios(
        "Why have you not asked?",
        [
            ("risk", "Asking would put a child at greater risk"),
            ("cannot", "I cannot get consent, for example I cannot reach them in time"),
            ("not-reasonable", "It is not reasonable to ask"),
        ],
        "Select why you have not asked for consent",
        required=False,
    )
    child_views = long_text(
        "What are the child's views, and what do they understand? (optional)",
        "",
        hint="Where it is safe, talk to the child and their family about sharing.",
        required=False,
    )
    required_after = {
        "consent_from": (frozenset({"given", "refused"}), "Select whose consent it is"),
        "consent_details": (frozenset({"given"}), "Enter who gave consent, when, and how it was recorded"),
        "not_sought_reason": (frozenset({"not-sought"}), "Select why you have not asked for consent"),
    }
    reveals = {"answer": {"given": ("consent_details",), "not-sought": ("not_sought_reason",)}}


class LawfulReasonForm(StepForm):
    answer = question(
        "Have you identified a lawful reason to share information without consent?",
        "Not having consent is not a reason in itself. You need a lawful basis under data protection law "
        "and, for a public body, a power or duty to share: you will choose them next. Data protection law "
        "is not a barrier to sharing information to keep a child safe.",
        "Select yes if you have a lawful reason to share without consent, or I'm not sure",
    )


def personal_data(answers, context) -> bool:
    """Information that identifies nobody is not personal data: no lawful basis is needed."""
    return answers.get(Step.IDENTIFIABLE) != Answer.NO


def public_personal_data(answers, context) -> bool:
    return personal_data(answers, context) and law.is_public_body(context.organisation_type)


QUESTION_SET = QuestionSet(
    key=KEY,
    title="2018 advice, as in the partnership guidance",
    summary="The when and how to share flowchart from the 2018 HM Government advice, with the significant "
    "harm question and the lawful bases the law requires.",
    applies_from=datetime.date(2018, 7, 1),
    forms={
        **pages.START_PAGES,
        Step.PURPOSE: pages.PurposeForm,
        Step.CONSENT: ConsentForm,
        Step.IDENTIFIABLE: pages.IdentifiableForm,
        Step.LAWFUL_REASON: LawfulReasonForm,
        **pages.END_PAGES,
    },
    questions=(
        Question(Step.PURPOSE, {Answer.YES: Step.CONSENT, Answer.NO: Outcome.DO_NOT_SHARE}),
        Question(
            Step.CONSENT,
            {"given": Outcome.SHARE, "refused": Step.IDENTIFIABLE, "not-sought": Step.IDENTIFIABLE},
        ),
        Question(Step.IDENTIFIABLE, {Answer.YES: Step.LAWFUL_REASON, Answer.NO: Outcome.SHARE}),
        Question(Step.LAWFUL_REASON, {Answer.YES: Outcome.SHARE, Answer.NO: Outcome.DO_NOT_SHARE}),
    ),
    how=(
        HowPage(Step.LAWFUL_BASIS, routing=True, asked=personal_data),
        HowPage(Step.POWER, routing=True, asked=public_personal_data),
        HowPage(Step.SPECIAL_CATEGORY, routing=True, asked=personal_data),
        HowPage(Step.CRIMINAL_OFFENCE, routing=True, asked=personal_data),
        HowPage(Step.RECIPIENT, routing=True),
        HowPage(Step.IDENTITIES, routing=True),
        HowPage(Step.METHOD),
        HowPage(Step.FACTS_OPINION),
        HowPage(Step.TRANSPARENCY, routing=True),
    ),
    consent_given=lambda answers: answers.get(Step.CONSENT) == "given",
    guidance={
        **common_guidance("2018"),
        Step.PURPOSE: Guidance(
            "Is there a clear and legitimate purpose?",
            "The most important question is whether sharing is likely to support the safeguarding and "
            "protection of a child. Share only what is relevant to that purpose.",
            "Seed 002, 'When and how to share information' and principle 4.2 'Relevant'",
        ),
        Step.CONSENT: Guidance(
            "Golden rule 4: share with consent where appropriate",
            "Where possible share with consent, and respect the wishes of people who do not consent. You "
            "may still share without consent if, in your judgement, there is a lawful basis, such as where "
            "safety may be at risk.",
            "Seed 002, golden rule 4; seed 001",
            myth="Consent is always needed to share personal information.",
            myth_answer="No. You do not always need consent. Do not ask for it if asking would put a child "
            "at greater risk, if it cannot be got, or if it is not reasonable to ask.",
        ),
        Step.IDENTIFIABLE: Guidance(
            "Personal information",
            "Data protection law applies to information about a person who can be identified. Information "
            "that identifies nobody can be shared, but think about how.",
            "Seed 002, 'When and how to share information'",
        ),
        Step.LAWFUL_REASON: Guidance(
            "Sharing without consent",
            "Information can be shared without consent if you cannot get it, cannot reasonably be expected "
            "to get it, or asking would put a child at risk. You still need a lawful basis to share.",
            "Seed 002, 'The GDPR and Data Protection Act 2018'; seed 001",
            myth="The GDPR and Data Protection Act 2018 are barriers to sharing information.",
            myth_answer="No. They give a framework for sharing personal information appropriately.",
        ),
    },
    golden_rules=RULES_2018,
    myths=MYTHS_2018,
    sources=(
        "HM Government, Information sharing: advice for practitioners (July 2018), as reproduced in local "
        "safeguarding partnership guidance (June 2020) - seed 002",
        "Seed 001: significant harm, special category data and the safeguarding condition",
    ),
)
