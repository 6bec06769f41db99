"""Template filters for the GOV.UK error summary (templates/gds/layout/error_summary.html).

crispy-forms-gds 2.0.1's error summary links every field error to ``#<auto_id>``, but:

* radios and checkboxes are rendered by ``gds/layout/radio_item.html`` and
  ``gds/layout/checkboxes.html`` with ids ``id_<html_name>_<position>`` (position starts
  at 1), so no element has the id ``id_<html_name>``;
* the date input (``DateInputWidget``, a MultiWidget) renders ``id_<name>`` on a wrapping
  ``<div>`` and the inputs as ``<id>_0`` (day), ``<id>_1`` (month), ``<id>_2`` (year).

GOV.UK Frontend's error summary JS focuses the element the link points at, so the link
must point at an input. These filters return that input's id.
"""

from django import forms, template

from decisions.govuk.components import choice_id, part_id

register = template.Library()


def _is_choice_inputs(bound_field):
    # RadioSelect and its subclass CheckboxSelectMultiple (crispy-forms-gds tests
    # input_type the same way in is_radios / is_checkboxes).
    widget = bound_field.field.widget
    return isinstance(widget, forms.RadioSelect) and widget.input_type in ("radio", "checkbox")


def _widget_id(bound_field):
    return bound_field.field.widget.attrs.get("id") or bound_field.auto_id


@register.filter
def error_target_id(bound_field):
    """The id of the first input of a bound field, as rendered by the gds template pack."""
    if bound_field is None:
        return ""
    if _is_choice_inputs(bound_field):
        if not list(bound_field.field.choices):
            return bound_field.auto_id or ""
        # Same expression as radio_item.html / checkboxes.html (html_name includes any
        # form prefix, e.g. "purpose-answer" -> "id_purpose-answer_1").
        return choice_id(bound_field.html_name, 1)
    if isinstance(bound_field.field.widget, forms.MultiWidget):
        widget_id = _widget_id(bound_field)
        return part_id(widget_id, 0) if widget_id else ""
    return bound_field.id_for_label or bound_field.auto_id or ""


@register.filter
def error_links(bound_field):
    """(target id, [messages]) pairs for one field, for links in the error summary.

    Mirrors crispy_forms_gds's ``field_errors`` filter: errors recorded on the
    sub-widgets of a multi-value field (the date input) link to that part
    (``<id>_0`` day, ``<id>_1`` month, ``<id>_2`` year); all other errors link to
    ``error_target_id``.
    """
    links = {}
    seen = []
    subfields = getattr(bound_field.field, "fields", None)
    if subfields and isinstance(bound_field.field.widget, forms.MultiWidget):
        widget_id = _widget_id(bound_field)
        for idx, subfield in enumerate(subfields):
            sub_errors = list(getattr(subfield.widget, "errors", []) or [])
            # Only messages that are still errors of this bound field (widget.errors
            # survives from an earlier clean of the same field instance).
            sub_errors = [e for e in sub_errors if e in bound_field.errors]
            if sub_errors:
                links.setdefault(part_id(widget_id, idx), []).extend(sub_errors)
                seen.extend(sub_errors)
    target = error_target_id(bound_field)
    for error in bound_field.errors:
        if error not in seen:
            links.setdefault(target, []).append(error)
    return list(links.items())


@register.filter
def first_error_target_id(form):
    """Where a non-field error links to: the first input of the first visible field."""
    fields = form.visible_fields()
    return error_target_id(fields[0]) if fields else ""
