"""Question set "When and how to share information (2018)", version 2018.1: retired.

The first flowchart the service asked, exactly as decisions recorded under it were asked. It is kept
so that those decisions are always shown, printed and exported with the words their authors saw.
New decisions cannot use it; an unfinished decision awaiting advice continues under 2018.2.
"""

import datetime

from decisions.questions.base import Answer, Outcome, Question, QuestionSet, Step

KEY = "2018.1"

# Every page's fields as they were: (name, label, kind, {value: label} for choices).
FIELDS = {
    "advice": [
        (
            "advice_from",
            "Who are you asking for advice?",
            "choice",
            {
                "dpo": "The data protection officer",
                "dsl": "The designated safeguarding lead",
                "ig-lead": "The information governance lead",
                "manager": "My manager",
            },
        ),
        ("adviser_name", "Their name", "text", None),
        ("advice_question", "What are you asking them?", "text", None),
    ],
    "check": [],
    "consent": [
        (
            "answer",
            "Do you have consent to share?",
            "choice",
            {"no": "No", "not-sure": "I'm not sure", "yes": "Yes"},
        ),
        ("consent_details", "If you have consent: who gave it, when, and how was it recorded?", "text", None),
    ],
    "emergency": [
        (
            "answer",
            "Have you already shared information because of this emergency?",
            "choice",
            {"no": "No, not yet", "yes": "Yes, I have already shared it"},
        )
    ],
    "emergency-share": [
        ("shared_on", "When did you share it?", "date", None),
        ("shared_time", "What time did you share it?", "text", None),
        ("why_urgent", "Why could it not wait?", "text", None),
    ],
    "facts-opinion": [("facts", "Facts", "text", None), ("opinion", "Opinion (optional)", "text", None)],
    "how-much": [
        ("what_shared", "What information are you sharing?", "text", None),
        ("why_proportionate", "Why is this amount necessary and proportionate?", "text", None),
        (
            "identities_protected",
            "Have you protected the identity of anyone who could be harmed if they were identified?",
            "choice",
            {"no": "No", "not-needed": "Nobody else could be harmed", "yes": "Yes"},
        ),
    ],
    "identifiable": [
        (
            "answer",
            "Does the information enable an individual to be identified?",
            "choice",
            {"no": "No", "not-sure": "I'm not sure", "yes": "Yes"},
        )
    ],
    "lawful-basis": [
        (
            "lawful_basis",
            "Which lawful basis for sharing are you relying on?",
            "choice",
            {
                "6-1-a": "Consent – UK GDPR Article 6(1)(a)",
                "6-1-b": "Contract – Article 6(1)(b)",
                "6-1-c": "Legal obligation – Article 6(1)(c)",
                "6-1-d": "Vital interests – Article 6(1)(d)",
                "6-1-e": "Public task – Article 6(1)(e)",
                "6-1-ea": "Recognised legitimate interest, such as safeguarding – Article 6(1)(ea)",
                "6-1-f": "Legitimate interests – Article 6(1)(f)",
            },
        )
    ],
    "lawful-reason": [
        (
            "answer",
            "Have you identified a lawful reason to share information without consent?",
            "choice",
            {"no": "No", "not-sure": "I'm not sure", "yes": "Yes"},
        ),
        ("lawful_reason", "If you have a lawful reason: what is it?", "text", None),
    ],
    "method": [
        (
            "method",
            "How are you sharing it?",
            "choice",
            {
                "in-person": "In person or at a meeting",
                "other": "Another secure way",
                "phone": "Phone call",
                "post": "Letter by tracked or recorded post",
                "secure-email": "Secure email",
                "secure-system": "A secure case system or portal",
            },
        ),
        ("method_details", "Details (optional)", "text", None),
        ("shared_on", "When did you or will you share it?", "date", None),
    ],
    "purpose": [
        (
            "answer",
            "Is there a clear and legitimate purpose for sharing information?",
            "choice",
            {"no": "No", "not-sure": "I'm not sure", "yes": "Yes"},
        ),
        ("purpose", "What is the purpose?", "text", None),
    ],
    "rationale": [("rationale", "Explain your decision", "text", None)],
    "recipient": [
        ("recipient_name", "Name", "text", None),
        ("recipient_role", "Role", "text", None),
        ("recipient_organisation", "Organisation", "text", None),
        (
            "safeguarding_role",
            "Does the recipient have a role in safeguarding the child?",
            "choice",
            {"no": "No", "yes": "Yes"},
        ),
    ],
    "request": [
        ("case_reference", "Case reference", "text", None),
        ("requested_by", "Who asked for the information?", "text", None),
        (
            "request_method",
            "How did the request come?",
            "choice",
            {
                "email": "Email",
                "in-person": "In person",
                "letter": "Letter or form",
                "meeting": "Meeting or case conference",
                "own-initiative": "Nobody asked: I am deciding on my own initiative",
                "phone": "Phone call",
            },
        ),
        ("requested_on", "When was the information asked for?", "date", None),
        ("request_details", "What was asked for, and why?", "text", None),
    ],
    "special-category": [
        (
            "condition",
            "Does the information include special category data?",
            "choice",
            {
                "9-2-a": "Yes: explicit consent (UK GDPR Article 9(2)(a))",
                "9-2-c": "Yes: vital interests (Article 9(2)(c))",
                "9-2-h": "Yes: health or social care (Article 9(2)(h))",
                "none": "No, it does not include special category data",
                "sch1-10": "Yes: preventing or detecting unlawful acts (Schedule 1, paragraph 10)",
                "sch1-18": "Yes: safeguarding of children and individuals at risk (DPA 2018 "
                "Schedule 1, paragraph 18)",
                "sch1-6": "Yes: statutory and government purposes (Schedule 1, paragraph 6)",
            },
        )
    ],
    "transparency": [
        (
            "told",
            "Have you told the person the information is about that you are sharing it?",
            "choice",
            {
                "no-other": "No, for another reason",
                "no-risk": "No, telling them would create or increase a risk of harm",
                "will-tell": "Not yet, but I will",
                "yes": "Yes",
            },
        ),
        ("not_told_reason", "If you have not told them, why not?", "text", None),
    ],
    "triage": [
        (
            "answer",
            "Is a child at immediate risk of harm, or has a crime been committed?",
            "choice",
            {"no": "No", "yes": "Yes"},
        )
    ],
    "withhold": [
        ("reasons", "Why are you not sharing the information?", "text", None),
        (
            "discussed",
            "Have you discussed your reasons with whoever asked?",
            "choice",
            {
                "no": "No, not yet",
                "nobody-asked": "Nobody asked: I decided on my own initiative",
                "yes": "Yes",
            },
        ),
        ("discussion_notes", "What was said? (optional)", "text", None),
    ],
}

QUESTION_SET = QuestionSet(
    key=KEY,
    title="When and how to share information (2018)",
    summary="The first version of the 2018 flowchart, before the significant-harm question.",
    applies_from=datetime.date(2018, 7, 1),
    forms={},
    questions=(
        Question(Step.PURPOSE, {Answer.YES: Step.CONSENT, Answer.NO: Outcome.DO_NOT_SHARE}),
        Question(Step.CONSENT, {Answer.YES: Outcome.SHARE, Answer.NO: Step.IDENTIFIABLE}),
        Question(Step.IDENTIFIABLE, {Answer.YES: Step.LAWFUL_REASON, Answer.NO: Outcome.SHARE}),
        Question(Step.LAWFUL_REASON, {Answer.YES: Outcome.SHARE, Answer.NO: Outcome.DO_NOT_SHARE}),
    ),
    significant_harm=False,
    selectable=False,
    field_table=FIELDS,
    successor="2018.2",
)
