"""The building blocks of every question page: GOV.UK fields with plain-English messages.

Forms only check what was typed. Where an answer leads is decided in ``questions.base``; what the
law allows in ``questions.law``.
"""

import datetime
import re
from dataclasses import dataclass, field

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.utils import timezone
from django.utils.safestring import SafeString

from decisions.govuk import components
from decisions.questions import law
from decisions.questions.base import ANSWER_FIELD, Answer

YES_NO = [(Answer.YES, Answer.YES.label), (Answer.NO, Answer.NO.label)]
NOT_SURE_CHOICE = (Answer.NOT_SURE, Answer.NOT_SURE.label)
LONG_TEXT_MAX = 10_000


class RadioWidget(forms.RadioSelect):
    """Radios whose copy for each form shares the list of choices. Django's copies it and
    normalises every choice again on every page; the question pages are rendered from the field's
    choices (``decisions.govuk.components``), and a page narrows them by giving the field a new
    list (``StepForm.narrow``), never by changing one in place."""

    __deepcopy__ = forms.Widget.__deepcopy__


class RadioField(forms.ChoiceField):
    """A radio question whose copy for each form shares its choices (see ``RadioWidget``) instead
    of deep-copying every choice and its hint on every page."""

    widget = RadioWidget

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)
        result._choices = list(self._choices)
        return result


def radios(label: str, choices, error: str, hint: str = "", required: bool = True) -> forms.ChoiceField:
    return RadioField(
        label=label,
        help_text=hint,
        choices=choices,
        required=required,
        error_messages={"required": error, "invalid_choice": error},
    )


def question(label: str, hint: str, error: str, choices=Answer.choices) -> forms.ChoiceField:
    return radios(label, choices, error, hint)


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


def long_text(label: str, error: str, hint: str = "", required: bool = True, max_length: int = LONG_TEXT_MAX):
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={
            "required": error,
            "max_length": f"{label.rstrip('?')} must be {max_length:,} characters or fewer",
        },
    )


def basis_choices(bases, *extra) -> list:
    """Radio choices for lawful bases or conditions, each with its plain-English hint."""
    return [Choice(b.code, b.label, hint=b.hint) for b in bases] + list(extra)


def page_form_helper() -> FormHelper:
    """A crispy helper for fields inside the page's own <form>, which carries the CSRF token."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class DateWidget(DateInputWidget):
    """The day, month and year inputs, shared by every copy of the field: the question pages
    render the parts themselves (``decisions.govuk.components.date_input``) and nothing changes
    them, so each form's copy need not deep-copy them (and their translatable labels)."""

    def __deepcopy__(self, memo):
        result = forms.Widget.__deepcopy__(self, memo)
        result.widgets = list(self.widgets)
        return result


class RealDateField(DateInputField):
    """The GOV.UK date input: "Enter a real date", a four-figure year, nothing before 1900.

    Every part asks for a numeric keypad (``decisions.govuk.components.date_input``)."""

    widget = DateWidget

    def compress(self, data_list):
        if data_list and len(data_list) == 3 and data_list[2] and len(str(data_list[2]).strip()) != 4:
            raise forms.ValidationError("Year must include 4 numbers", code="invalid")
        try:
            value = super().compress(data_list)
        except forms.ValidationError as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error
        if value and value.year < 1900:
            raise forms.ValidationError("Year must be 1900 or later", code="invalid")
        return value


def date_field(label: str, hint: str, error: str) -> DateInputField:
    field = RealDateField(label=label, help_text=hint, require_all_fields=False)
    field.error_messages.update({"required": error, "invalid": "Enter a real date"})
    return field


def time_field(label: str, error: str) -> forms.CharField:
    return TimeField(
        label=label,
        help_text="Use the 24-hour clock, for example 14:30",
        error_messages={"required": error},
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5", "inputmode": "numeric"}),
    )


class TimeField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = re.fullmatch(r"([01]?\d|2[0-3])[:.]([0-5]\d)", value.strip()[:10])
        if not match:
            raise forms.ValidationError("Enter a real time, like 09:15 or 14:30")
        return datetime.time(int(match[1]), int(match[2]))


def not_in_future(form: forms.Form, day_field: str, time_field_name: str, message: str) -> None:
    day, time = form.cleaned_data.get(day_field), form.cleaned_data.get(time_field_name)
    if day and time:
        moment = timezone.make_aware(datetime.datetime.combine(day, time))
        if moment > timezone.now() + datetime.timedelta(minutes=5):
            form.add_error(day_field, message)
    elif day and day > timezone.localdate():
        form.add_error(day_field, message)


@dataclass(frozen=True)
class PageContext:
    """What a page needs to know about the draft to offer the right choices."""

    law_context: law.Context = field(
        default_factory=lambda: law.Context("local-authority", datetime.date.today(), False)
    )
    emergency: bool = False
    significant_harm: bool = False
    basis_can_end: bool = False
    policy_document_url: str = ""


class StepForm(forms.Form):
    """A question page. ``heading`` is the page's h1; a page with one question uses it as legend."""

    heading = ""
    legend_is_heading = True
    question_field = ANSWER_FIELD
    # Follow-up fields that are required only after a particular answer: {field: (answers, message)}.
    required_after: dict[str, tuple[frozenset[str], str]] = {}
    # Follow-up fields shown under the radio choice they follow (the GOV.UK conditional reveal):
    # {radio field: {choice value: (field, ...)}}. Without JavaScript they are always shown.
    reveals: dict[str, dict[str, tuple[str, ...]]] = {}

    def __init__(self, *args, context: PageContext | None = None, **kwargs):
        # GOV.UK labels end with no colon (Django's default suffix is ":").
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.context = context or PageContext()
        self.adapt(self.context)

    def adapt(self, context: PageContext) -> None:
        """Offer only what fits this draft (subclasses narrow their choices here)."""

    @property
    def is_question(self) -> bool:
        """The first field is the page's question: its legend is the h1."""
        return self.legend_is_heading and next(iter(self.fields), None) == self.question_field

    def govuk_fields(self) -> SafeString:
        """The page's fields as GOV.UK components, follow-up fields under the choice they follow."""
        revealed = {
            name
            for radio, by_value in self.reveals.items()
            if radio in self.fields
            for names in by_value.values()
            for name in names
        }
        first = next(iter(self.fields), None)
        return components.join(
            self.render_field(name, heading=name == first and self.is_question)
            for name in self.fields
            if name not in revealed
        )

    def render_field(self, name: str, *, heading: bool = False) -> SafeString:
        bound, field = self[name], self.fields[name]
        if isinstance(field.widget, forms.RadioSelect):
            reveals = {
                value: components.join(self.render_field(f) for f in names if f in self.fields)
                for value, names in self.reveals.get(name, {}).items()
            }
            return components.radios(
                bound, legend_size="l" if heading else "m", heading=heading, reveals=reveals
            )
        if isinstance(field.widget, forms.Textarea):
            return components.textarea(bound, label_size="l" if heading else "s", heading=heading)
        if isinstance(field, DateInputField):
            return components.date_input(bound)
        return components.text_input(bound)

    def narrow(self, name: str, allowed: set[str]) -> None:
        """Keep only the choices of a radio field that fit this draft."""
        field = self.fields[name]
        field.choices = [c for c in field.choices if c[0] in allowed]

    def clean(self):
        cleaned = super().clean()
        for name, (answers, message) in self.required_after.items():
            trigger = cleaned.get(self.question_field)
            if trigger in answers and not cleaned.get(name):
                self.add_error(name, message)
            elif trigger not in answers and name in cleaned:
                cleaned[name] = (
                    self.fields[name].empty_value if hasattr(self.fields[name], "empty_value") else ""
                )
        return cleaned
