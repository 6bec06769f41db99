"""The question pages the current question sets share. A set may subclass one to reword it.

Each page asks what the guidance says to record, once. Choices that depend on the law (lawful
bases, conditions, powers) are narrowed in ``adapt`` from ``questions.law``; the full list stays on
the class so that a recorded answer can always be shown with its label.
"""

import re

from crispy_forms_gds.choices import Choice
from django import forms

from decisions.questions import law
from decisions.questions.base import Answer, Step
from decisions.questions.fields import (
    NOT_SURE_CHOICE,
    YES_NO,
    StepForm,
    basis_choices,
    date_field,
    long_text,
    not_in_future,
    question,
    radios,
    text,
    time_field,
)

NOT_SURE = Answer.NOT_SURE


class TriageForm(StepForm):
    answer = question(
        "Is a child at immediate risk of harm, or has a crime been committed?",
        "For example, a child is in danger now or has told you about abuse happening now. "
        "If you think they might be, answer yes.",
        "Select yes if a child is at immediate risk or a crime has been committed",
        choices=YES_NO,
    )


class EmergencyForm(StepForm):
    legend_is_heading = False  # the page's h1 tells the practitioner who to call
    answer = question(
        "Have you already shared information because of this emergency?",
        "In an emergency, share first and record afterwards. If you have not shared yet, "
        "make the call now. You can record the decision when the child is safe.",
        "Select yes if you have already shared information",
        choices=[(Answer.YES, "Yes, I have already shared it"), (Answer.NO, "No, not yet")],
    )


class EmergencyShareForm(StepForm):
    heading = "Record the emergency sharing"
    shared_on = date_field(
        "When did you share it?", "For example, 27 3 2026", "Enter the date you shared the information"
    )
    shared_time = time_field("What time did you share it?", "Enter the time you shared the information")
    why_urgent = long_text(
        "Why could it not wait?",
        "Explain why the information could not wait",
        hint="For example, the child was in danger and there was no time to ask for consent.",
    )

    def clean(self):
        cleaned = super().clean()
        not_in_future(self, "shared_on", "shared_time", "The date and time you shared it must be in the past")
        return cleaned


class SignificantHarmForm(StepForm):
    answer = question(
        "Do you think the child is suffering, or likely to suffer, significant harm?",
        "Significant harm is abuse or neglect that seriously affects a child's health or development. "
        "If you think so, you must tell children's social care or the police. You do not need consent.",
        "Select yes if you think the child is suffering or likely to suffer significant harm, "
        "or I'm not sure",
    )


class ReferralForm(StepForm):
    heading = "Tell children's social care or the police now"
    question_field = "referred_to"
    legend_is_heading = False  # the page's h1 tells the practitioner who to call
    referred_to = radios(
        "Who did you tell?",
        [
            ("childrens-social-care", "Children's social care"),
            ("police", "The police"),
            ("both", "Both children's social care and the police"),
        ],
        "Select who you told",
    )
    referred_on = date_field(
        "When did you tell them?", "For example, 27 3 2026", "Enter the date you told them"
    )
    referred_time = time_field("What time did you tell them?", "Enter the time you told them")
    referral_contact = text(
        "Who did you speak to, or what reference did they give? (optional)", "", required=False
    )

    def clean(self):
        cleaned = super().clean()
        not_in_future(
            self, "referred_on", "referred_time", "The date and time you told them must be in the past"
        )
        return cleaned


class RequestForm(StepForm):
    heading = "About the request"
    question_field = "request_method"
    legend_is_heading = False
    case_reference = text(
        "Case reference",
        "Enter a case reference",
        hint="Use your case or system reference. Do not use the child's name.",
        max_length=50,
    )
    request_method = radios(
        "How did the request come?",
        [
            ("phone", "Phone call"),
            ("email", "Email"),
            ("letter", "Letter or form"),
            ("in-person", "In person"),
            ("meeting", "Meeting or case conference"),
            ("own-initiative", "Nobody asked: I am deciding on my own initiative"),
        ],
        "Select how the request came",
    )
    requested_by = text(
        "Who asked for the information? (if someone asked)",
        "Enter who asked for the information",
        hint="Their name, role and organisation.",
        required=False,
    )
    requested_on = date_field(
        "When was the information asked for?",
        "If nobody asked, the date you started to think about sharing. For example, 27 3 2026",
        "Enter the date the information was asked for",
    )
    request_details = long_text(
        "What information was asked for, or are you thinking of sharing?",
        "Enter what information was asked for",
        hint="The nature of the request, in a sentence or two.",
    )
    required_after = {}

    def clean_case_reference(self) -> str:
        value = self.cleaned_data["case_reference"].strip()
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 /_.:-]*", value):
            raise forms.ValidationError(
                "Case reference must only include letters, numbers, spaces and / _ . : -"
            )
        return value

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("request_method")
        if method and method != "own-initiative" and not cleaned.get("requested_by"):
            self.add_error("requested_by", "Enter who asked for the information")
        not_in_future(
            self, "requested_on", "", "The date the information was asked for must be today or in the past"
        )
        return cleaned


PURPOSES = [
    ("protect", "To protect a child from harm"),
    ("welfare", "To support the child's welfare, for example early help or a child in need"),
    ("crime", "To prevent or detect a crime"),
    ("other", "Another purpose"),
]


class PurposeForm(StepForm):
    answer = question(
        "Is there a clear and legitimate purpose for sharing information?",
        "A legitimate purpose is keeping a child safe or supporting their welfare. "
        "Ask yourself why the information is needed and what it will be used for.",
        "Select yes if there is a clear and legitimate purpose, or I'm not sure",
    )
    purpose = radios("What is the purpose?", PURPOSES, "Select the purpose", required=False)
    purpose_details = text("Describe the purpose (if another)", "Describe the purpose", required=False)
    required_after = {"purpose": (frozenset({Answer.YES}), "Select the purpose")}
    reveals = {"answer": {Answer.YES: ("purpose", "purpose_details")}}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("purpose") == "other" and not cleaned.get("purpose_details"):
            self.add_error("purpose_details", "Describe the purpose")
        return cleaned


WHO = [
    ("child", "The child"),
    ("carer", "A parent or carer"),
    ("both", "The child and a parent or carer"),
]


class IdentifiableForm(StepForm):
    answer = question(
        "Does the information enable an individual to be identified?",
        "It does if it names someone or could be linked to them, for example an address, "
        "a date of birth, or a description of a family.",
        "Select yes if the information could identify someone, or I'm not sure",
    )


class AdviceForm(StepForm):
    question_field = "advice_from"
    advice_from = radios(
        "Who are you asking for advice?",
        [
            ("manager", "My manager"),
            ("dsl", "The designated safeguarding lead"),
            ("ig-lead", "The information governance lead"),
            ("dpo", "The data protection officer"),
        ],
        "Select who you are asking for advice",
        hint="You said you are not sure. Ask before you decide: the decision is saved as awaiting advice, "
        "and you can finish it when you have an answer. If a child may be at risk of harm, ask today.",
    )
    adviser_name = text("Their name", "Enter the name of the person you are asking")
    advice_question = long_text(
        "What are you asking them?", "Enter what you are asking", hint="Say what you are unsure about."
    )


class LawfulBasisForm(StepForm):
    answer = radios(
        "Which lawful basis for sharing are you relying on?",
        basis_choices(
            law.ARTICLE_6,
            Choice(law.NONE, "None of these applies", divider="or"),
            NOT_SURE_CHOICE,
        ),
        "Select the lawful basis you are relying on, or I'm not sure",
        hint="Data protection law needs a lawful basis for every sharing of personal information. "
        "Consent is not usually the right basis when a child may be at risk.",
    )

    def adapt(self, context):
        offered = {b.code for b in law.offered_bases(context.law_context)} | {NOT_SURE}
        if context.basis_can_end:  # a "when" question: no basis means do not share
            offered.add(law.NONE)
        self.narrow("answer", offered)


class PowerForm(StepForm):
    answer = radios(
        "Which power or duty lets your organisation share this information?",
        basis_choices(
            law.POWERS,
            Choice(law.OTHER_POWER, "Another power or duty"),
            Choice(NOT_SURE, "I'm not sure", divider="or"),
        ),
        "Select the power or duty you are sharing under, or I'm not sure",
        hint="A public body can only share under a power or duty given by law, as well as a lawful basis.",
    )
    other_power = text("If another: which power or duty?", "Enter the power or duty", required=False)
    required_after = {"other_power": (frozenset({law.OTHER_POWER}), "Enter the power or duty")}
    reveals = {"answer": {law.OTHER_POWER: ("other_power",)}}


def condition_question(kind: str, conditions, hint: str) -> forms.ChoiceField:
    """ "Does the information include <kind>?": no, one of the conditions, or not sure."""
    return radios(
        f"Does the information include {kind}?",
        [
            Choice(law.NONE, "No, it does not"),
            *basis_choices(conditions),
            Choice(NOT_SURE, "I'm not sure", divider="or"),
        ],
        f"Select whether the information includes {kind}, or I'm not sure",
        hint=hint + " If it does, choose the condition you rely on.",
    )


class ConditionForm(StepForm):
    """A page asking for a data protection condition: only the ones that fit the route are offered."""

    offered = staticmethod(law.offered_special_category)

    def adapt(self, context):
        offered = {c.code for c in self.offered(context.law_context)}
        self.narrow("answer", offered | {law.NONE, NOT_SURE})


class SpecialCategoryForm(ConditionForm):
    answer = condition_question(
        "special category data",
        law.SPECIAL_CATEGORY,
        "Special category data is about health, ethnicity, religion or beliefs, sex life or sexual "
        "orientation, and similar.",
    )


class CriminalOffenceForm(ConditionForm):
    offered = staticmethod(law.offered_criminal_offence)
    answer = condition_question(
        "criminal offence data",
        law.CRIMINAL_OFFENCE,
        "Criminal offence data is about crimes someone committed or is suspected of, or court cases "
        "and sentences.",
    )


class RecipientForm(StepForm):
    heading = "Who receives the information"
    legend_is_heading = False
    recipient_name = text("Name", "Enter the recipient's name")
    recipient_role = text("Role", "Enter the recipient's role")
    recipient_organisation = text("Organisation", "Enter the recipient's organisation")
    identity_checked = radios(
        "How did you check who they are and their role?",
        [
            ("known", "I know them in their role"),
            ("call-back", "I called them back on a number from their organisation"),
            ("secure-email", "Their email comes from their organisation's secure address"),
            ("in-person", "I checked their identification in person"),
            ("other", "Another way"),
        ],
        "Select how you checked who they are",
    )
    answer = question(
        "Does the recipient have a role in safeguarding the child?",
        "Only share with people who need the information to keep the child safe or support the family.",
        "Select yes if the recipient has a role in safeguarding the child, or I'm not sure",
    )

    def clean_answer(self) -> str:
        value = self.cleaned_data["answer"]
        if value == Answer.NO and not self.context.emergency:
            raise forms.ValidationError(
                "Only share with someone who has a role in safeguarding. Check who should receive it, "
                "or select I'm not sure to ask for advice."
            )
        return value


class IdentitiesForm(StepForm):
    answer = radios(
        "Could anyone be harmed if they were identified from what you share?",
        [
            ("not-needed", "No, nobody else could be harmed"),
            ("protected", "Yes, and I have removed or protected their details"),
            ("not-protected", "Yes, and I could not protect their details"),
            Choice(NOT_SURE, "I'm not sure", divider="or"),
        ],
        "Select whether anyone could be harmed if they were identified, or I'm not sure",
        hint="For example, the person who reported a concern, a neighbour, a carer or a colleague.",
    )
    recipient_asked = text(
        "What have you asked the recipient to do to protect them?",
        "Enter what you asked the recipient to do",
        hint="For example, not to say where the information came from.",
        required=False,
    )
    not_protected_reason = long_text(
        "Why could you not protect their details?",
        "Explain why you could not protect their details",
        hint="A manager will be asked to look at this record.",
        required=False,
    )
    required_after = {
        "recipient_asked": (frozenset({"protected"}), "Enter what you asked the recipient to do"),
        "not_protected_reason": (
            frozenset({"not-protected"}),
            "Explain why you could not protect their details",
        ),
    }
    reveals = {"answer": {"protected": ("recipient_asked",), "not-protected": ("not_protected_reason",)}}


class MethodForm(StepForm):
    heading = "How the information is shared"
    question_field = "method"
    legend_is_heading = False
    method = radios(
        "How are you sharing it?",
        [
            ("secure-email", "Secure email"),
            ("secure-system", "A secure case system or portal"),
            ("phone", "Phone call"),
            ("in-person", "In person or at a meeting"),
            ("post", "Letter by tracked or recorded post"),
            ("other", "Another secure way"),
        ],
        "Select how you are sharing the information",
        hint="Follow your organisation's policy on sharing securely.",
    )
    method_details = text("Details (optional)", "", required=False)
    shared_on = date_field(
        "When did you or will you share it?",
        "For example, 27 3 2026",
        "Enter the date you shared or will share the information",
    )

    def adapt(self, context):
        if context.emergency or context.significant_harm:  # already recorded when
            del self.fields["shared_on"]


class FactsOpinionForm(StepForm):
    heading = "What you are sharing"
    facts = long_text(
        "Facts",
        "Enter the facts you are sharing",
        hint="What you know: what was seen, said or recorded, with dates.",
    )
    opinion = long_text(
        "Opinion (optional)",
        "",
        hint="What you or others think, kept apart from the facts.",
        required=False,
    )
    historical = radios(
        "Is any of it historical?",
        YES_NO,
        "Select yes if any of the information is historical",
        hint="If it is, say which part in the facts, so the recipient knows it may be out of date.",
    )
    why_proportionate = long_text(
        "Why is this much necessary and proportionate?",
        "Explain why this much information is necessary and proportionate",
        hint="Share only what the recipient needs for the purpose, not the whole record.",
    )


class TransparencyForm(StepForm):
    answer = radios(
        "Have you told the child and/or their family that you are sharing the information?",
        [
            ("yes", "Yes"),
            ("will-tell", "Not yet, but I will"),
            ("no-risk", "No, telling them would create or increase a risk of harm"),
            ("no-other", "No, for another reason"),
            Choice(NOT_SURE, "I'm not sure if I should", divider="or"),
        ],
        "Select whether you have told the child or their family, or I'm not sure",
        hint="Be open about sharing where you can, unless that would put a child or anyone else at risk.",
    )
    not_told_reason = long_text(
        "Why have you not told them?", "Explain why you have not told them", required=False
    )
    # Not telling them because it would increase the risk is the guidance's own reason: it needs no
    # more words. Any other reason is explained.
    required_after = {"not_told_reason": (frozenset({"no-other"}), "Explain why you have not told them")}
    reveals = {"answer": {"no-other": ("not_told_reason",)}}


class WithholdForm(StepForm):
    heading = "Why you are not sharing"
    question_field = "reasons"
    legend_is_heading = False
    reasons = long_text(
        "Why are you not sharing the information?", "Enter why you are not sharing the information"
    )
    discussed = radios(
        "Have you explained your decision to whoever asked?",
        [
            ("agreed", "Yes, and they accept it"),
            ("disagreed", "Yes, and they disagree"),
            ("no", "No, not yet"),
            ("nobody-asked", "Nobody asked: I decided on my own initiative"),
        ],
        "Select whether you have explained your decision to whoever asked",
        hint="Be ready to explain a decision not to share, and to reconsider it with them.",
    )
    next_steps = text(
        "If they disagree: what happens next?",
        "Enter what happens next",
        hint="For example, you will ask your manager or the designated safeguarding lead to look at it.",
        required=False,
    )

    reveals = {"discussed": {"disagreed": ("next_steps",)}}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("discussed") == "disagreed" and not cleaned.get("next_steps"):
            self.add_error("next_steps", "Enter what happens next")
        return cleaned


class RationaleForm(StepForm):
    heading = "Your reasons"
    question_field = "rationale"
    legend_is_heading = False  # the page's h1 is "Your reasons", above a summary of the answers
    rationale = long_text(
        "Is there anything else that explains your decision? (optional)",
        "",
        hint="Your reasons are recorded from your answers, shown above. Add anything someone reading this "
        "record later would need to understand why you decided as you did.",
        required=False,
    )


class CheckForm(StepForm):
    """The "check your answers" page: nothing to fill in, the answers are shown above it."""


# The pages every current set begins with, and the pages it ends with (the "how" pages, the reasons
# for not sharing, advice, the rationale and "check your answers"), in order. A set puts its own
# "when" questions between them.
START_PAGES = {
    Step.TRIAGE: TriageForm,
    Step.EMERGENCY: EmergencyForm,
    Step.EMERGENCY_SHARE: EmergencyShareForm,
    Step.SIGNIFICANT_HARM: SignificantHarmForm,
    Step.REFERRAL: ReferralForm,
    Step.REQUEST: RequestForm,
}
END_PAGES = {
    Step.LAWFUL_BASIS: LawfulBasisForm,
    Step.POWER: PowerForm,
    Step.SPECIAL_CATEGORY: SpecialCategoryForm,
    Step.CRIMINAL_OFFENCE: CriminalOffenceForm,
    Step.RECIPIENT: RecipientForm,
    Step.IDENTITIES: IdentitiesForm,
    Step.METHOD: MethodForm,
    Step.FACTS_OPINION: FactsOpinionForm,
    Step.TRANSPARENCY: TransparencyForm,
    Step.WITHHOLD: WithholdForm,
    Step.ADVICE: AdviceForm,
    Step.RATIONALE: RationaleForm,
    Step.CHECK: CheckForm,
}
