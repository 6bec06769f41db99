"""Every route through the flowchart, with the pages it shows and the outcome it leads to.

One table serves the pure-function tests and the HTTP tests.
"""

from decisions.flowchart import HOW_STEPS, Outcome, Step

S = Step
NORMAL = [S.TRIAGE, S.REQUEST]
EMERGENCY = [S.TRIAGE, S.EMERGENCY, S.EMERGENCY_SHARE, S.REQUEST]
EMERGENCY_NOT_YET = [S.TRIAGE, S.EMERGENCY, S.REQUEST]
END = [S.RATIONALE, S.CHECK]
HOW = list(HOW_STEPS)

# (name, routing answers, expected route, outcome, emergency, needs attention)
PATHS = [
    (
        "no purpose",
        {"triage": "no", "purpose": "no"},
        [*NORMAL, S.PURPOSE, S.WITHHOLD, *END],
        Outcome.DO_NOT_SHARE,
        False,
        False,
    ),
    (
        "consent",
        {"triage": "no", "purpose": "yes", "consent": "yes"},
        [*NORMAL, S.PURPOSE, S.CONSENT, *HOW, *END],
        Outcome.SHARE,
        False,
        False,
    ),
    (
        "not identifiable",
        {"triage": "no", "purpose": "yes", "consent": "no", "identifiable": "no"},
        [*NORMAL, S.PURPOSE, S.CONSENT, S.IDENTIFIABLE, *HOW, *END],
        Outcome.SHARE,
        False,
        False,
    ),
    (
        "lawful reason",
        {"triage": "no", "purpose": "yes", "consent": "no", "identifiable": "yes", "lawful-reason": "yes"},
        [*NORMAL, S.PURPOSE, S.CONSENT, S.IDENTIFIABLE, S.LAWFUL_REASON, *HOW, *END],
        Outcome.SHARE,
        False,
        False,
    ),
    (
        "no lawful reason",
        {"triage": "no", "purpose": "yes", "consent": "no", "identifiable": "yes", "lawful-reason": "no"},
        [*NORMAL, S.PURPOSE, S.CONSENT, S.IDENTIFIABLE, S.LAWFUL_REASON, S.WITHHOLD, *END],
        Outcome.DO_NOT_SHARE,
        False,
        False,
    ),
    (
        "unsure of purpose",
        {"triage": "no", "purpose": "not-sure"},
        [*NORMAL, S.PURPOSE, S.ADVICE, *END],
        Outcome.AWAITING_ADVICE,
        False,
        False,
    ),
    (
        "unsure of consent",
        {"triage": "no", "purpose": "yes", "consent": "not-sure"},
        [*NORMAL, S.PURPOSE, S.CONSENT, S.ADVICE, *END],
        Outcome.AWAITING_ADVICE,
        False,
        False,
    ),
    (
        "unsure if identifiable",
        {"triage": "no", "purpose": "yes", "consent": "no", "identifiable": "not-sure"},
        [*NORMAL, S.PURPOSE, S.CONSENT, S.IDENTIFIABLE, S.ADVICE, *END],
        Outcome.AWAITING_ADVICE,
        False,
        False,
    ),
    (
        "unsure of lawful reason",
        {
            "triage": "no",
            "purpose": "yes",
            "consent": "no",
            "identifiable": "yes",
            "lawful-reason": "not-sure",
        },
        [*NORMAL, S.PURPOSE, S.CONSENT, S.IDENTIFIABLE, S.LAWFUL_REASON, S.ADVICE, *END],
        Outcome.AWAITING_ADVICE,
        False,
        False,
    ),
    (
        "emergency, shared, would share",
        {
            "triage": "yes",
            "emergency": "yes",
            "purpose": "yes",
            "consent": "no",
            "identifiable": "yes",
            "lawful-reason": "yes",
        },
        [*EMERGENCY, S.PURPOSE, S.CONSENT, S.IDENTIFIABLE, S.LAWFUL_REASON, *HOW, *END],
        Outcome.SHARE,
        True,
        False,
    ),
    (
        "emergency, shared, would not share",
        {"triage": "yes", "emergency": "yes", "purpose": "no"},
        [*EMERGENCY, S.PURPOSE, *HOW, *END],
        Outcome.DO_NOT_SHARE,
        True,
        True,
    ),
    (
        "emergency, shared, unsure",
        {"triage": "yes", "emergency": "yes", "purpose": "yes", "consent": "not-sure"},
        [*EMERGENCY, S.PURPOSE, S.CONSENT, S.ADVICE, *HOW, *END],
        Outcome.AWAITING_ADVICE,
        True,
        False,
    ),
    (
        "emergency, not shared yet",
        {"triage": "yes", "emergency": "no", "purpose": "yes", "consent": "yes"},
        [*EMERGENCY_NOT_YET, S.PURPOSE, S.CONSENT, *HOW, *END],
        Outcome.SHARE,
        False,
        False,
    ),
]

PATH_IDS = [path[0] for path in PATHS]
