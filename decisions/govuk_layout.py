"""GOV.UK layout objects crispy-forms-gds 2.0.1 lacks or gets wrong for GOV.UK Frontend 5.

``RevealingRadios``: radios whose choices reveal follow-up fields (the GOV.UK "conditional
reveal"). With JavaScript the follow-up shows only under its checked choice; without it every
field stays visible. Its radios keep the ids of plain radios (``id_<name>_1`` for the first), so
the error summary's links still land on them (templates/gds/layout/conditional_question.html).
"""

from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Field, Size

__all__ = ["ConditionalQuestion", "RevealingRadios", "select"]


def select(field: str, label_size: str = "") -> Field:
    """A select with a sized label. (crispy-forms-gds's ``Field.select(label_size=...)`` puts a
    ``label-size`` attribute on the <select> instead.)"""
    return Field(field, context={"label_size": Size.for_label(label_size)} if label_size else {})


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
