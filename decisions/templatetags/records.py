"""Template filters for showing records: names for stored codes, never the codes themselves."""

from django import template

from decisions.questions import law

register = template.Library()


@register.filter
def law_label(code: str) -> str:
    """The name of a lawful basis, condition or power."""
    return law.label(code) if code else ""
