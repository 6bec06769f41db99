"""The law a sharing decision rests on, as data, and the rules that keep a record coherent.

Pure Python: no ORM, no request. The wizard offers only what these functions allow, and
``services.decision_record`` refuses whatever they reject, so a record can never say, for example,
"consent" as the lawful basis on a route where the practitioner said they had no consent.

Sources (docs/guidance.md has the full table):
- UK GDPR Article 6(1), including its closing words: point (f) does not apply to processing by
  public authorities in the performance of their tasks. The Data (Use and Access) Act 2025 added
  point (ea), "recognised legitimate interests" (Annex 1 includes safeguarding vulnerable
  individuals), with the same exclusion for public authorities.
- UK GDPR Article 9(2) and the Data Protection Act 2018 Schedule 1 conditions; paragraph 18
  ("safeguarding of children and of individuals at risk") applies only where the processing is
  carried out without consent (paragraph 18(2)).
- UK GDPR Article 10 and DPA 2018 section 10(5): criminal offence data needs a Schedule 1
  condition (paragraph 29 is consent, paragraph 30 vital interests).
- The conditions in Schedule 1 Part 2 (paragraphs 6, 10 and 18) need an appropriate policy
  document (Schedule 1 paragraph 5).
"""

import datetime
from dataclasses import dataclass

from django.db.models import TextChoices

NOT_SURE = "not-sure"
NONE = "none"


class OrganisationType(TextChoices):
    LOCAL_AUTHORITY = "local-authority", "Local authority"
    SCHOOL = "school", "School or college (maintained, academy or further education)"
    HEALTH = "health", "NHS or other health body"
    POLICE = "police", "Police"
    VOLUNTARY = "voluntary", "Voluntary or community organisation"
    PRIVATE = "private", "Private provider (including independent schools and nurseries)"


PUBLIC_BODIES = frozenset(
    {
        OrganisationType.LOCAL_AUTHORITY,
        OrganisationType.SCHOOL,
        OrganisationType.HEALTH,
        OrganisationType.POLICE,
    }
)


def is_public_body(organisation_type: str) -> bool:
    return organisation_type in PUBLIC_BODIES


@dataclass(frozen=True)
class Basis:
    """A lawful basis or condition: its stored code, its name, and a plain-English hint."""

    code: str
    label: str
    hint: str


# UK GDPR Article 6(1). Contract (6(1)(b)) is left out: it never fits sharing information about a
# child with another agency (docs/guidance.md).
CONSENT = Basis(
    "6-1-a", "Consent – UK GDPR Article 6(1)(a)", "The person gave clear consent to this sharing."
)
LEGAL_OBLIGATION = Basis(
    "6-1-c",
    "Legal obligation – Article 6(1)(c)",
    "A law or a court order says you must share it.",
)
VITAL_INTERESTS = Basis(
    "6-1-d",
    "Vital interests – Article 6(1)(d)",
    "Sharing is needed to protect someone's life, and no other basis fits.",
)
PUBLIC_TASK = Basis(
    "6-1-e",
    "Public task – Article 6(1)(e)",
    "Sharing is part of your organisation's official functions, set out in law. Most public bodies use this.",
)
RECOGNISED_INTEREST = Basis(
    "6-1-ea",
    "Recognised legitimate interest – Article 6(1)(ea)",
    "Safeguarding a vulnerable person is a recognised legitimate interest. Not for public bodies doing "
    "their official tasks.",
)
LEGITIMATE_INTERESTS = Basis(
    "6-1-f",
    "Legitimate interests – Article 6(1)(f)",
    "Your organisation has a genuine reason to share that outweighs the person's privacy. Not for public "
    "bodies doing their official tasks.",
)
ARTICLE_6 = (
    CONSENT,
    LEGAL_OBLIGATION,
    VITAL_INTERESTS,
    PUBLIC_TASK,
    RECOGNISED_INTEREST,
    LEGITIMATE_INTERESTS,
)

# When the Data (Use and Access) Act 2025's Article 6(1)(ea) came into force. A question set may
# hold its own date; this is the default (docs/guidance.md says where it comes from).
EA_COMMENCEMENT = datetime.date(2026, 2, 5)

# Special category data: UK GDPR Article 9(2), with DPA 2018 Schedule 1 where 9(2)(g) or (h) apply.
SC_SAFEGUARDING = Basis(
    "sch1-18",
    "Safeguarding of children and individuals at risk – DPA 2018 Schedule 1, paragraph 18",
    "You are sharing without consent to protect a child from harm.",
)
SC_STATUTORY = Basis(
    "sch1-6",
    "Statutory and government purposes – Schedule 1, paragraph 6",
    "Sharing is needed to carry out a function given to your organisation by law.",
)
SC_UNLAWFUL_ACTS = Basis(
    "sch1-10",
    "Preventing or detecting unlawful acts – Schedule 1, paragraph 10",
    "Sharing is needed to prevent or detect a crime, and asking for consent would get in the way.",
)
SC_EXPLICIT_CONSENT = Basis(
    "9-2-a",
    "Explicit consent – UK GDPR Article 9(2)(a)",
    "The person clearly agreed, in words, to this sensitive information being shared.",
)
SC_VITAL_INTERESTS = Basis(
    "9-2-c",
    "Vital interests – Article 9(2)(c)",
    "Sharing is needed to protect someone's life and they cannot give consent.",
)
SC_HEALTH_CARE = Basis(
    "9-2-h",
    "Health or social care – Article 9(2)(h) and Schedule 1, paragraph 2",
    "Sharing is for providing health or social care, by or under a professional with a duty of confidence.",
)
SPECIAL_CATEGORY = (
    SC_SAFEGUARDING,
    SC_STATUTORY,
    SC_UNLAWFUL_ACTS,
    SC_EXPLICIT_CONSENT,
    SC_VITAL_INTERESTS,
    SC_HEALTH_CARE,
)

# Criminal offence data: UK GDPR Article 10, DPA 2018 section 10(5) and Schedule 1.
CO_SAFEGUARDING = Basis(
    "co-sch1-18",
    "Safeguarding of children and individuals at risk – Schedule 1, paragraph 18",
    "You are sharing without consent to protect a child from harm.",
)
CO_STATUTORY = Basis(
    "co-sch1-6",
    "Statutory and government purposes – Schedule 1, paragraph 6",
    "Sharing is needed to carry out a function given to your organisation by law.",
)
CO_UNLAWFUL_ACTS = Basis(
    "co-sch1-10",
    "Preventing or detecting unlawful acts – Schedule 1, paragraph 10",
    "Sharing is needed to prevent or detect a crime.",
)
CO_CONSENT = Basis(
    "co-sch1-29",
    "Consent – Schedule 1, paragraph 29",
    "The person gave clear consent to this sharing.",
)
CO_VITAL_INTERESTS = Basis(
    "co-sch1-30",
    "Vital interests – Schedule 1, paragraph 30",
    "Sharing is needed to protect someone's life and they cannot give consent.",
)
CO_LAW_ENFORCEMENT = Basis(
    "co-part3",
    "Law enforcement processing – DPA 2018 Part 3",
    "Police sharing for a law enforcement purpose, under Part 3 of the Act.",
)
CRIMINAL_OFFENCE = (
    CO_SAFEGUARDING,
    CO_STATUTORY,
    CO_UNLAWFUL_ACTS,
    CO_CONSENT,
    CO_VITAL_INTERESTS,
    CO_LAW_ENFORCEMENT,
)

# The conditions that need the organisation's appropriate policy document (Schedule 1 paragraph 5).
NEEDS_POLICY_DOCUMENT = frozenset(
    {SC_SAFEGUARDING.code, SC_STATUTORY.code, SC_UNLAWFUL_ACTS.code}
    | {CO_SAFEGUARDING.code, CO_STATUTORY.code, CO_UNLAWFUL_ACTS.code}
)

# The powers and duties a public body shares under.
POWERS = (
    Basis(
        "ca1989-s47",
        "Children Act 1989, section 47",
        "Enquiries where a child may be suffering significant harm. Other agencies must help the "
        "local authority.",
    ),
    Basis("ca1989-s17", "Children Act 1989, section 17", "Services for children in need."),
    Basis(
        "ca2004-s11",
        "Children Act 2004, section 11",
        "The duty to safeguard and promote the welfare of children.",
    ),
    Basis(
        "ca2004-s10",
        "Children Act 2004, section 10",
        "Co-operating with other agencies to improve children's well-being.",
    ),
    Basis(
        "ca2004-s16h",
        "Children Act 2004, section 16H",
        "Information asked for by the local safeguarding partners.",
    ),
    Basis(
        "ea2002-s175",
        "Education Act 2002, section 175 (or section 157)",
        "A school's or college's duty to safeguard and promote the welfare of its pupils.",
    ),
    Basis(
        "cda1998-s115",
        "Crime and Disorder Act 1998, section 115",
        "Sharing with the police, local authority or health bodies to reduce crime and disorder.",
    ),
)
OTHER_POWER = "other"


@dataclass(frozen=True)
class Context:
    """What the law offers depends on who shares, when, and whether consent was given."""

    organisation_type: str
    decided_on: datetime.date
    consent_given: bool
    ea_commencement: datetime.date = EA_COMMENCEMENT


def offered_bases(context: Context) -> tuple[Basis, ...]:
    """The Article 6 bases coherent with the organisation, the date and the route."""
    public = is_public_body(context.organisation_type)
    offered = []
    for basis in ARTICLE_6:
        if basis is CONSENT and not context.consent_given:
            continue
        if basis in (RECOGNISED_INTEREST, LEGITIMATE_INTERESTS) and public:
            continue
        if basis is RECOGNISED_INTEREST and context.decided_on < context.ea_commencement:
            continue
        offered.append(basis)
    return tuple(offered)


def offered_special_category(context: Context) -> tuple[Basis, ...]:
    """Article 9 conditions: explicit consent only with consent; paragraph 18 only without it."""
    public = is_public_body(context.organisation_type)
    offered = []
    for condition in SPECIAL_CATEGORY:
        if condition is SC_EXPLICIT_CONSENT and not context.consent_given:
            continue
        if condition in (SC_SAFEGUARDING, SC_UNLAWFUL_ACTS) and context.consent_given:
            continue
        if condition is SC_STATUTORY and not public:
            continue
        offered.append(condition)
    return tuple(offered)


def offered_criminal_offence(context: Context) -> tuple[Basis, ...]:
    """Article 10 conditions, on the same rules; Part 3 only for the police."""
    public = is_public_body(context.organisation_type)
    offered = []
    for condition in CRIMINAL_OFFENCE:
        if condition is CO_CONSENT and not context.consent_given:
            continue
        if condition in (CO_SAFEGUARDING, CO_UNLAWFUL_ACTS) and context.consent_given:
            continue
        if condition is CO_STATUTORY and not public:
            continue
        if condition is CO_LAW_ENFORCEMENT and context.organisation_type != OrganisationType.POLICE:
            continue
        offered.append(condition)
    return tuple(offered)


def asks_power(context: Context) -> bool:
    """A public body names the power or duty it shares under; others have none to name."""
    return is_public_body(context.organisation_type)


LABELS = {b.code: b.label for b in (*ARTICLE_6, *SPECIAL_CATEGORY, *CRIMINAL_OFFENCE, *POWERS)}
LABELS.update({OTHER_POWER: "Another power or duty", NONE: "None", NOT_SURE: "Not sure"})


def label(code: str) -> str:
    """The name of a stored code, for every page a person reads (codes are for exports)."""
    return LABELS.get(code, code)


def incoherent(
    context: Context,
    *,
    basis: str = "",
    special_category: str = "",
    criminal_offence: str = "",
    power: str = "",
) -> list[str]:
    """Why a combination of answers cannot be recorded, in plain English. Empty when coherent.

    Blank values (a page not on the route) are not checked; "none" and "not sure" are allowed
    where the page offers them.
    """
    problems = []
    if basis and basis not in {b.code for b in offered_bases(context)} | {NONE, NOT_SURE}:
        problems.append(f"The lawful basis {label(basis)} does not fit this decision.")
    allowed_sc = {c.code for c in offered_special_category(context)} | {NONE, NOT_SURE}
    if special_category and special_category not in allowed_sc:
        problems.append(f"The condition {label(special_category)} does not fit this decision.")
    allowed_co = {c.code for c in offered_criminal_offence(context)} | {NONE, NOT_SURE}
    if criminal_offence and criminal_offence not in allowed_co:
        problems.append(f"The condition {label(criminal_offence)} does not fit this decision.")
    if power and not asks_power(context):
        problems.append("Only a public body names a power or duty to share.")
    if power and power not in {p.code for p in POWERS} | {OTHER_POWER, NOT_SURE}:
        problems.append("The power or duty given is not one the service knows.")
    return problems
