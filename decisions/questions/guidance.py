"""The guidance shown on each question page: the rule it rests on, the myth it answers, the source.

In our own words. The sources are cited in full in docs/guidance.md. Where the 2018 advice (seed
002) and the May 2024 DfE advice differ, each set shows its own; the 2024 advice is the later one.
"""

from decisions.questions.base import Guidance, Step

DFE_2024 = "Information sharing: advice for practitioners providing safeguarding services (DfE, May 2024)"
SEED_002 = "Seed 002 (2018 advice, partnership guidance 2020)"

RULES_2024 = (
    Guidance(
        "1. Protecting a child comes first",
        "Every child has a right to be protected from abuse and neglect. Protecting a child from harm comes "
        "before protecting their privacy, or the privacy of whoever is failing to protect them.",
        f"{DFE_2024}, golden rule 1",
    ),
    Guidance(
        "2. Talk to the child and family where it is safe",
        "Where it is practical and safe, explain to the child and/or their carers who you will share with, "
        "what and why. You do not have to tell them if that could put the child at greater risk.",
        f"{DFE_2024}, golden rule 2",
    ),
    Guidance(
        "3. You do not need consent when a child is at risk",
        "You need a lawful basis to share, but consent is not usually the right one when you act to keep a "
        "child safe. Be open with parents and carers where you can.",
        f"{DFE_2024}, golden rule 3",
    ),
    Guidance(
        "4. Ask for advice promptly",
        "If you are unsure, ask your manager, the designated safeguarding lead, the data protection officer "
        "or your information governance lead. Do not leave a child at risk for fear of criticism.",
        f"{DFE_2024}, golden rule 4",
    ),
    Guidance(
        "5. Protect identities",
        "You and the recipient must protect the identity of anyone who could be harmed if their details "
        "became known, such as the child, a carer, a neighbour or a colleague.",
        f"{DFE_2024}, golden rule 5",
    ),
    Guidance(
        "6. Share only with people who have a safeguarding role",
        "Share relevant, accurate information only with people who safeguard the child or support the "
        "family, and only what they need: rarely the whole record.",
        f"{DFE_2024}, golden rule 6",
    ),
    Guidance(
        "7. Record your decision, and be ready to reconsider",
        "Record why you decided, whether you share or not. If you do not share, explain why to whoever "
        "asked and be willing to reconsider with them.",
        f"{DFE_2024}, golden rule 7",
    ),
)

RULES_2018 = (
    Guidance(
        "1. Data protection law is not a barrier",
        "Data protection and human rights law give a framework for sharing appropriately.",
        f"{SEED_002}, golden rule 1",
    ),
    Guidance(
        "2. Be open and honest",
        "Tell the person and their family why, what, how and with whom you will share, and seek their "
        "agreement, unless that is unsafe or inappropriate.",
        f"{SEED_002}, golden rule 2",
    ),
    Guidance(
        "3. Seek advice",
        "If in any doubt, ask for advice, without naming the person where you can.",
        f"{SEED_002}, golden rule 3",
    ),
    Guidance(
        "4. Share with consent where appropriate",
        "Where possible share with consent. You may share without it if there is a lawful basis, such as "
        "where safety may be at risk.",
        f"{SEED_002}, golden rule 4",
    ),
    Guidance(
        "5. Consider safety and well-being",
        "Base decisions on the safety and well-being of the person and others affected.",
        f"{SEED_002}, golden rule 5",
    ),
    Guidance(
        "6. Necessary, proportionate, relevant, adequate, accurate, timely and secure",
        "Share only what is needed, with those who need it, accurately, on time and securely.",
        f"{SEED_002}, golden rule 6",
    ),
    Guidance(
        "7. Keep a record",
        "Record your decision and reasons, whether you share or not: what, with whom and why.",
        f"{SEED_002}, golden rule 7",
    ),
)

MYTHS_2018 = (
    Guidance(
        "Data protection law stops me sharing",
        "No. The UK GDPR and the Data Protection Act 2018 allow sharing and set out how to do it properly.",
        f"{SEED_002}, myth-busting guide",
        myth="The GDPR and Data Protection Act 2018 are barriers to sharing information.",
    ),
    Guidance(
        "I always need consent",
        "No. You do not always need consent. Seek it where you can, unless asking would put a child at risk.",
        f"{SEED_002}, myth-busting guide",
        myth="Consent is always needed to share personal information.",
    ),
    Guidance(
        "Information cannot pass between organisations",
        "No. It can, for a purpose compatible with why it was collected. For a child at risk, information "
        "law is very rarely a barrier.",
        f"{SEED_002}, myth-busting guide",
        myth="Personal information collected by one organisation cannot be disclosed to another.",
    ),
    Guidance(
        "Confidentiality and human rights stop me sharing",
        "No. Weigh the duty of confidence and human rights against the effect on the child of not sharing. "
        "Where a child's welfare is paramount, confidentiality can be overridden.",
        f"{SEED_002}, myth-busting guide",
        myth="The common law duty of confidence and the Human Rights Act 1998 prevent sharing.",
    ),
)

MYTHS_2024 = (
    MYTHS_2018[0],
    Guidance(
        "I always need consent",
        "No. You do not need consent to share information about a child at risk or possible risk of harm. "
        "Consent is rarely the right lawful basis for safeguarding.",
        f"{DFE_2024}, golden rule 3",
        myth="Consent is always needed to share personal information.",
    ),
    MYTHS_2018[2],
    MYTHS_2018[3],
)


def common_guidance(edition: str) -> dict[Step, Guidance]:
    """Guidance for the pages both sets share, citing the edition's own golden rules."""
    rules = RULES_2024 if edition == "2024" else RULES_2018
    return {
        Step.TRIAGE: Guidance(
            "Act now if a child is at immediate risk",
            "If a crime has been committed or a child is at immediate risk, tell the police straight away.",
            f"{SEED_002}, section 3.1",
        ),
        Step.SIGNIFICANT_HARM: Guidance(
            "Significant harm must be shared",
            "If you think a child is suffering, or likely to suffer, significant harm, the information must "
            "be shared with children's social care or the police. Do not assume someone else will.",
            "Seed 001, 'To ensure effective safeguarding arrangements'",
        ),
        Step.REFERRAL: Guidance(
            "Share as soon as possible",
            "Be proactive: share as soon as you can. Delay can leave a child at risk.",
            "Seed 001; " + (rules[0].source if edition == "2024" else f"{SEED_002}, principle 'Timely'"),
        ),
        Step.REQUEST: Guidance(
            "Record the nature of the request",
            "Record who asked, how, when, and what for, so the decision can be understood later.",
            "Seed 000 and seed 004",
        ),
        Step.LAWFUL_BASIS: Guidance(
            rules[2].title if edition == "2024" else "Be clear about the basis",
            "Every sharing of personal information needs a lawful basis. Public bodies usually rely on "
            "public task. Consent is not usually the right basis when a child may be at risk.",
            rules[2].source if edition == "2024" else f"{SEED_002}, golden rule 4; seed 000",
        ),
        Step.POWER: Guidance(
            "A public body needs a power or duty",
            "A public body can only share where the law gives it a function, such as safeguarding children. "
            "Name the power or duty you rely on.",
            "UK GDPR Article 6(3); Children Act 1989 and 2004 (docs/guidance.md)",
        ),
        Step.SPECIAL_CATEGORY: Guidance(
            "Special category data",
            "Sensitive information, such as health, can be shared. Without consent, the Data Protection Act "
            "2018 condition 'safeguarding of children and individuals at risk' allows it.",
            "Seed 001; Data Protection Act 2018, Schedule 1, paragraph 18",
        ),
        Step.CRIMINAL_OFFENCE: Guidance(
            "Criminal offence data",
            "Information about crimes or alleged crimes needs a condition from Schedule 1 of the Data "
            "Protection Act 2018, and your organisation's appropriate policy document.",
            "UK GDPR Article 10; Data Protection Act 2018, section 10(5) and Schedule 1",
        ),
        Step.RECIPIENT: Guidance(
            rules[5].title if edition == "2024" else "The right information to the right person",
            "Check who you are sharing with and that they have a role in safeguarding the child or "
            "supporting the family.",
            rules[5].source if edition == "2024" else f"{SEED_002}, section 5.2 'How'",
        ),
        Step.IDENTITIES: Guidance(
            "Protect identities" if edition == "2024" else "Protect people who could be harmed",
            "Protect the identity of anyone who could be harmed if their details became known, and ask the "
            "recipient to do the same.",
            rules[4].source if edition == "2024" else "Seed 000, golden rules",
        ),
        Step.METHOD: Guidance(
            "Share securely",
            "Follow your organisation's policy on handling personal information securely.",
            f"{SEED_002}, principle 4.6 'Secure'",
        ),
        Step.FACTS_OPINION: Guidance(
            "Necessary, proportionate and accurate",
            "Share only what is necessary for the purpose. Keep facts apart from opinion, and say if "
            "information is historical.",
            f"{SEED_002}, principles 4.1 and 4.4" + (f"; {rules[5].source}" if edition == "2024" else ""),
        ),
        Step.TRANSPARENCY: Guidance(
            rules[1].title,
            "Where you can, tell the child and family that you have shared, unless that would create or "
            "increase a risk of harm.",
            rules[1].source,
        ),
        Step.WITHHOLD: Guidance(
            rules[6].title,
            "If you decide not to share, record why and explain it to whoever asked. Be willing to "
            "reconsider.",
            rules[6].source,
        ),
        Step.ADVICE: Guidance(
            rules[3].title if edition == "2024" else rules[2].title,
            rules[3].text if edition == "2024" else rules[2].text,
            rules[3].source if edition == "2024" else rules[2].source,
        ),
        Step.RATIONALE: Guidance(rules[6].title, rules[6].text, rules[6].source),
    }
