"""Forms outside the question sets: adding to a record, recording advice received.

The question pages live in ``decisions.questions`` (one module per question set).
"""

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from decisions.models import Addendum
from decisions.questions.fields import page_form_helper

__all__ = ["AddendumForm", "AdviceReceivedForm", "ReconsiderForm", "page_form_helper"]


class AddendumForm(forms.Form):
    kind = forms.ChoiceField(
        label="What has changed?",
        choices=[c for c in Addendum.Kind.choices if c[0] not in (Addendum.Kind.RECONSIDERED,)],
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


class ReconsiderForm(forms.Form):
    text = forms.CharField(
        label="What new information do you have?",
        help_text="Say what has changed and where it came from. You will then answer the questions again.",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the new information"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_form_helper()
        self.helper.layout = Layout(Field.textarea("text", label_size=Size.SMALL))
