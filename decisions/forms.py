"""One form per wizard page, on a shared base that sets the GOV.UK layout and messages.

Forms only check what was typed. Where an answer leads is decided in ``flowchart.py``.
"""

import datetime
import re

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.utils import timezone

from decisions.flowchart import ANSWER_FIELD, Answer, Step
from decisions.models import Addendum

YES_NO = [(Answer.YES, Answer.YES.label), (Answer.NO, Answer.NO.label)]


def question(label: str, hint: str, error: str, choices=Answer.choices) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": error, "invalid_choice": error},
    )


def text(label: str, error: str, hint: str = "", max_length: int = 200, required: bool = True):
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=max_length,
        required=required,
        error_messages={
            "required": error,
            "max_length": f"{label.rstrip('?')} must be {max_length} characters or fewer",
        },
    )


def long_text(label: str, error: str, hint: str = "", required: bool = True):
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": error,
            "max_length": f"{label.rstrip('?')} must be 10,000 characters or fewer",
        },
    )


def choice(label: str, choices, error: str, hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": error, "invalid_choice": error},
    )


def page_form_helper() -> FormHelper:
    """A crispy helper for fields inside the page's own <form>, which carries the CSRF token."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class RealDateField(DateInputField):
    """The GOV.UK date input, saying "Enter a real date" for 31 February rather than Python's words."""

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except forms.ValidationError as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error


def date_field(label: str, hint: str, error: str) -> DateInputField:
    field = RealDateField(label=label, help_text=hint, require_all_fields=False)
    field.error_messages.update({"required": error, "invalid": "Enter a real date"})
    return field


class StepForm(forms.Form):
    """A wizard page. ``heading`` is the page's h1; a page with one question uses it as legend."""

    heading = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_form_helper()
        self.helper.layout = Layout(*(self.layout_field(name) for name in self.fields))

    legend_is_heading = True

    @property
    def is_question(self) -> bool:
        """The first field is the page's question: its legend is the h1."""
        if not self.legend_is_heading:
            return False
        return ANSWER_FIELD in self.fields or getattr(self, "question_field", None) in self.fields

    def layout_field(self, name: str):
        field = self.fields[name]
        first = name == next(iter(self.fields))
        if isinstance(field.widget, forms.RadioSelect):
            if first and self.is_question:
                return Field.radios(name, legend_size=Size.LARGE, legend_tag="h1")
            return Field.radios(name, legend_size=Size.MEDIUM)
        if isinstance(field.widget, forms.Textarea):
            return Field.textarea(name, label_size=Size.SMALL)
        if isinstance(field, DateInputField):
            return Field(name, context={"legend_size": Size.for_legend(Size.SMALL)})
        return Field.text(name, label_size=Size.SMALL)

    def require_when(self, condition: bool, field: str, message: str) -> None:
        if condition and not self.cleaned_data.get(field):
            self.add_error(field, message)


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
    shared_time = text(
        "What time did you share it?",
        "Enter the time you shared the information",
        hint="Use the 24-hour clock, for example 14:30",
        max_length=5,
    )
    why_urgent = long_text(
        "Why could it not wait?",
        "Explain why the information could not wait",
        hint="For example, the child was in danger and there was no time to ask for consent.",
    )

    def clean_shared_time(self) -> datetime.time:
        value = self.cleaned_data["shared_time"].strip().replace(".", ":")
        match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value)
        if not match:
            raise forms.ValidationError("Enter a real time, like 09:15 or 14:30")
        return datetime.time(int(match[1]), int(match[2]))

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("shared_on"), cleaned.get("shared_time")
        if day and time:
            moment = timezone.make_aware(datetime.datetime.combine(day, time))
            if moment > timezone.now() + datetime.timedelta(minutes=5):
                self.add_error("shared_on", "The date and time you shared it must be in the past")
        return cleaned


class RequestForm(StepForm):
    heading = "About the request"
    case_reference = text(
        "Case reference",
        "Enter a case reference",
        hint="Use your case or system reference. Do not use the child's name.",
        max_length=50,
    )
    requested_by = text(
        "Who asked for the information?",
        "Enter who asked for the information",
        hint="Their name, role and organisation. If nobody asked and you are deciding whether "
        "to share on your own initiative, say so.",
    )
    request_method = choice(
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
    requested_on = date_field(
        "When was the information asked for?",
        "If nobody asked, the date you started to consider sharing. For example, 27 3 2026",
        "Enter the date the information was asked for",
    )
    request_details = long_text(
        "What was asked for, and why?", "Enter what was asked for", hint="The nature of the request."
    )

    def clean_requested_on(self) -> datetime.date:
        value = self.cleaned_data["requested_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date the information was asked for must be today or in the past")
        return value

    def clean_case_reference(self) -> str:
        value = self.cleaned_data["case_reference"].strip()
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 /_.:-]*", value):
            raise forms.ValidationError(
                "Case reference must only include letters, numbers, spaces and / _ . : -"
            )
        return value


class PurposeForm(StepForm):
    answer = question(
        "Is there a clear and legitimate purpose for sharing information?",
        "A legitimate purpose is keeping a child safe or supporting their welfare. "
        "Ask yourself why the information is needed and what it will be used for.",
        "Select yes if there is a clear and legitimate purpose, or I'm not sure",
    )
    purpose = long_text(
        "What is the purpose?",
        "Describe the purpose, or why there is none",
        hint="If there is no clear purpose, say why.",
    )


class ConsentForm(StepForm):
    answer = question(
        "Do you have consent to share?",
        "Consent must be clear, freely given, and can be taken back at any time. "
        "You do not always need consent to share: if you do not have it, answer no.",
        "Select yes if you have consent to share, or I'm not sure",
    )
    consent_details = long_text(
        "If you have consent: who gave it, when, and how was it recorded?",
        "Enter who gave consent, when, and how it was recorded",
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        self.require_when(
            cleaned.get("answer") == Answer.YES,
            "consent_details",
            "Enter who gave consent, when, and how it was recorded",
        )
        return cleaned


class IdentifiableForm(StepForm):
    answer = question(
        "Does the information enable an individual to be identified?",
        "It does if it names someone or could be linked to them, for example an address, "
        "a date of birth, or a description of a family.",
        "Select yes if the information could identify someone, or I'm not sure",
    )


class LawfulReasonForm(StepForm):
    answer = question(
        "Have you identified a lawful reason to share information without consent?",
        "You can share without consent if you cannot get it, if it is not reasonable to ask, "
        "or if asking would put a child at risk. Data protection law is not a barrier to "
        "sharing information to keep a child safe.",
        "Select yes if you have a lawful reason to share without consent, or I'm not sure",
    )
    lawful_reason = long_text(
        "If you have a lawful reason: what is it?",
        "Enter the lawful reason to share without consent",
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        self.require_when(
            cleaned.get("answer") == Answer.YES,
            "lawful_reason",
            "Enter the lawful reason to share without consent",
        )
        return cleaned


class AdviceForm(StepForm):
    question_field = "advice_from"
    advice_from = choice(
        "Who are you asking for advice?",
        [
            ("manager", "My manager"),
            ("dsl", "The designated safeguarding lead"),
            ("ig-lead", "The information governance lead"),
            ("dpo", "The data protection officer"),
        ],
        "Select who you are asking for advice",
        hint="You said you are not sure. Ask before you decide. The decision will be saved as "
        "awaiting advice, and you can finish it when you have an answer.",
    )
    adviser_name = text("Their name", "Enter the name of the person you are asking")
    advice_question = long_text(
        "What are you asking them?", "Enter what you are asking", hint="Say what you are unsure about."
    )


class LawfulBasisForm(StepForm):
    question_field = "lawful_basis"
    lawful_basis = choice(
        "Which lawful basis for sharing are you relying on?",
        [
            ("6-1-a", "Consent – UK GDPR Article 6(1)(a)"),
            ("6-1-b", "Contract – Article 6(1)(b)"),
            ("6-1-c", "Legal obligation – Article 6(1)(c)"),
            ("6-1-d", "Vital interests – Article 6(1)(d)"),
            ("6-1-e", "Public task – Article 6(1)(e)"),
            ("6-1-ea", "Recognised legitimate interest, such as safeguarding – Article 6(1)(ea)"),
            ("6-1-f", "Legitimate interests – Article 6(1)(f)"),
        ],
        "Select the lawful basis you are relying on",
        hint="Public bodies usually rely on public task. Recognised legitimate interest covers "
        "safeguarding vulnerable people. If you are not sure, ask your data protection officer.",
    )


SPECIAL_CATEGORY_CONDITIONS = [
    ("none", "No, it does not include special category data"),
    ("sch1-18", "Yes: safeguarding of children and individuals at risk (DPA 2018 Schedule 1, paragraph 18)"),
    ("sch1-6", "Yes: statutory and government purposes (Schedule 1, paragraph 6)"),
    ("sch1-10", "Yes: preventing or detecting unlawful acts (Schedule 1, paragraph 10)"),
    ("9-2-a", "Yes: explicit consent (UK GDPR Article 9(2)(a))"),
    ("9-2-c", "Yes: vital interests (Article 9(2)(c))"),
    ("9-2-h", "Yes: health or social care (Article 9(2)(h))"),
]


class SpecialCategoryForm(StepForm):
    question_field = "condition"
    condition = choice(
        "Does the information include special category data?",
        SPECIAL_CATEGORY_CONDITIONS,
        "Select whether the information includes special category data",
        hint="Special category data is about health, ethnicity, religion or beliefs, sex life or "
        "sexual orientation, and similar. If it does, choose the condition you rely on.",
    )


class HowMuchForm(StepForm):
    heading = "What is being shared"
    what_shared = long_text(
        "What information are you sharing?",
        "Enter what information you are sharing",
        hint="Share only what the recipient needs.",
    )
    why_proportionate = long_text(
        "Why is this amount necessary and proportionate?",
        "Explain why this amount of information is necessary and proportionate",
    )
    identities_protected = choice(
        "Have you protected the identity of anyone who could be harmed if they were identified?",
        [
            ("yes", "Yes"),
            ("not-needed", "Nobody else could be harmed"),
            ("no", "No"),
        ],
        "Select whether you have protected the identity of people who could be harmed",
        hint="For example, someone who reported a concern.",
    )


class FactsOpinionForm(StepForm):
    heading = "Facts and opinion"
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


class RecipientForm(StepForm):
    heading = "Who receives the information"
    recipient_name = text("Name", "Enter the recipient's name")
    recipient_role = text("Role", "Enter the recipient's role")
    recipient_organisation = text("Organisation", "Enter the recipient's organisation")
    safeguarding_role = choice(
        "Does the recipient have a role in safeguarding the child?",
        YES_NO,
        "Select yes if the recipient has a role in safeguarding the child",
        hint="Only share with people who need the information to keep the child safe.",
    )

    def clean_safeguarding_role(self) -> str:
        value = self.cleaned_data["safeguarding_role"]
        if value != Answer.YES:
            raise forms.ValidationError(
                "Only share with someone who has a role in safeguarding. Check who should "
                "receive it, or go back and ask for advice."
            )
        return value


class MethodForm(StepForm):
    heading = "How the information is shared"
    method = choice(
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

    def __init__(self, *args, emergency: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if emergency:  # the emergency page has already recorded when
            del self.fields["shared_on"]
            self.helper.layout = Layout(*(self.layout_field(name) for name in self.fields))


class TransparencyForm(StepForm):
    question_field = "told"
    told = choice(
        "Have you told the person the information is about that you are sharing it?",
        [
            ("yes", "Yes"),
            ("will-tell", "Not yet, but I will"),
            ("no-risk", "No, telling them would create or increase a risk of harm"),
            ("no-other", "No, for another reason"),
        ],
        "Select whether you have told the person the information is about",
        hint="Be open about sharing where you can, unless that would put a child or anyone else at risk.",
    )
    not_told_reason = long_text(
        "If you have not told them, why not?", "Explain why you have not told them", required=False
    )

    def clean(self):
        cleaned = super().clean()
        self.require_when(
            cleaned.get("told") in {"no-risk", "no-other"},
            "not_told_reason",
            "Explain why you have not told them",
        )
        return cleaned


class WithholdForm(StepForm):
    heading = "Why you are not sharing"
    reasons = long_text(
        "Why are you not sharing the information?", "Enter why you are not sharing the information"
    )
    discussed = choice(
        "Have you discussed your reasons with whoever asked?",
        [
            ("yes", "Yes"),
            ("no", "No, not yet"),
            ("nobody-asked", "Nobody asked: I decided on my own initiative"),
        ],
        "Select whether you have discussed your reasons with whoever asked",
        hint="It is good practice to explain a decision not to share to the person who asked.",
    )
    discussion_notes = long_text("What was said? (optional)", "", required=False)


class RationaleForm(StepForm):
    question_field = "rationale"
    rationale = long_text(
        "Explain your decision",
        "Explain your decision",
        hint="In your own words. Someone reading this record later should understand why you "
        "decided as you did.",
    )

    def layout_field(self, name: str):
        return Field.textarea(name, label_size=Size.LARGE, label_tag="h1")


class CheckForm(StepForm):
    """The "check your answers" page: nothing to fill in, the answers are shown above it."""


WIZARD_FORMS: dict[Step, type[StepForm]] = {
    Step.TRIAGE: TriageForm,
    Step.EMERGENCY: EmergencyForm,
    Step.EMERGENCY_SHARE: EmergencyShareForm,
    Step.REQUEST: RequestForm,
    Step.PURPOSE: PurposeForm,
    Step.CONSENT: ConsentForm,
    Step.IDENTIFIABLE: IdentifiableForm,
    Step.LAWFUL_REASON: LawfulReasonForm,
    Step.ADVICE: AdviceForm,
    Step.LAWFUL_BASIS: LawfulBasisForm,
    Step.SPECIAL_CATEGORY: SpecialCategoryForm,
    Step.HOW_MUCH: HowMuchForm,
    Step.FACTS_OPINION: FactsOpinionForm,
    Step.RECIPIENT: RecipientForm,
    Step.METHOD: MethodForm,
    Step.TRANSPARENCY: TransparencyForm,
    Step.WITHHOLD: WithholdForm,
    Step.RATIONALE: RationaleForm,
    Step.CHECK: CheckForm,
}


class AddendumForm(forms.Form):
    kind = forms.ChoiceField(
        label="What has changed?",
        choices=Addendum.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what has changed"},
    )
    text = forms.CharField(
        label="Details",
        help_text="What happened, when, and who was involved.",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the details"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_form_helper()
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field.textarea("text", label_size=Size.SMALL),
        )


class AdviceReceivedForm(forms.Form):
    advice_from = forms.CharField(
        label="Who gave the advice?",
        help_text="Their name and role.",
        max_length=200,
        error_messages={"required": "Enter who gave the advice"},
    )
    text = forms.CharField(
        label="What did they advise?",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what they advised"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_form_helper()
        self.helper.layout = Layout(
            Field.text("advice_from", label_size=Size.SMALL),
            Field.textarea("text", label_size=Size.SMALL),
        )
