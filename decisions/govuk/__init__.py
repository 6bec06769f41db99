"""GOV.UK form parts crispy-forms-gds 2.0.1 lacks or gets wrong for GOV.UK Frontend 5.

``RevealingRadios``: radios whose choices reveal follow-up fields (the GOV.UK "conditional
reveal"). With JavaScript the follow-up shows only under its checked choice; without it every
field stays visible. Its radios keep the ids of plain radios (``id_<name>_1`` for the first), so
the error summary's links still land on them (templates/gds/layout/conditional_question.html).
"""

import datetime

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Field, Size
from django.core.exceptions import ValidationError

__all__ = ["ConditionalQuestion", "OptionalDateField", "RevealingRadios", "date_input", "select"]


def select(field: str, label_size: str = "") -> Field:
    """A select with a sized label. (crispy-forms-gds's ``Field.select(label_size=...)`` puts a
    ``label-size`` attribute on the <select> instead.)"""
    return Field(field, context={"label_size": Size.for_label(label_size)} if label_size else {})


def date_input(field: str, legend_size: str = Size.SMALL) -> Field:
    """A GOV.UK date input: a fieldset whose legend is the field's label."""
    return Field(field, context={"legend_size": Size.for_legend(legend_size)})


class RevealingRadios(ConditionalRadios):
    """``ConditionalRadios`` with a sized legend, like ``Field.radios(legend_size=..., legend_tag=...)``.

    Choices are given by label: a plain label, or ``ConditionalQuestion(label, *fields)``.
    """

    def __init__(self, field: str, *choices, legend_size: str = "", legend_tag: str = ""):
        super().__init__(field, *choices)
        self.legend_size = legend_size
        self.legend_tag = legend_tag

    def render(self, form, context, template_pack="gds", **kwargs):
        context.update({"legend_size": self.legend_size, "legend_tag": self.legend_tag})
        return super().render(form, context, template_pack, **kwargs)


class OptionalDateField(DateInputField):
    """An optional GOV.UK date input (day, month, year) for filters, with messages naming the field.

    Empty: no date. Part of a date, or a date that does not exist: an error that says which.
    Every date input gets ``inputmode="numeric"`` from templates/gds/widgets/date.html.
    """

    def __init__(self, *, label: str, **kwargs):
        kwargs.setdefault("help_text", "For example, 27 3 2026")
        kwargs["required"] = False
        super().__init__(label=label, require_all_fields=False, **kwargs)
        for part, field in zip(("a day", "a month", "a year"), self.fields, strict=True):
            field.error_messages["incomplete"] = f"{label} must include {part}"
            field.validators = []  # the real-date check below says it once, in plain words
        self.real_date_message = f"{label} must be a real date"

    def compress(self, data_list):
        if not data_list or not all(data_list):
            return None
        if len(str(data_list[2]).strip()) != 4:
            raise ValidationError(f"{self.label}: year must include 4 numbers", code="invalid")
        try:
            day, month, year = (int(part) for part in data_list)
            if year < 1000:
                raise ValueError("year")
            return datetime.date(year, month, day)
        except (ValueError, TypeError) as error:
            raise ValidationError(self.real_date_message, code="invalid") from error
