"""GOV.UK Frontend form components, rendered in Python for the question pages.

The question pages are the pages practitioners see most, and rendering their fields through
crispy-forms-gds's nested templates was a fifth of the CPU of a walk through them (cProfile,
docs/performance.md). These functions build the same
markup as GOV.UK Frontend 5's Nunjucks macros (radios with hints, dividers and conditional reveals,
text inputs, textareas, date inputs) with ``format_html``, so every value is escaped once.

The ids are the ones the rest of the service links to (templates/gds/layout/error_summary.html,
``decisions.templatetags.govuk_errors``): the first radio is ``id_<name>_1``, the day of a date
input ``id_<name>_0``, a field's hint ``id_<name>_hint`` and its errors ``id_<name>_<n>_error``.
As in crispy-forms-gds, a field's label and help text are the service's own text and may carry
markup; the answers and choices are escaped.
"""

from collections.abc import Iterable
from html import escape

from django.forms import BoundField
from django.template.defaultfilters import lower
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

SIZES = ("s", "m", "l", "xl")


def attributes(attrs: dict) -> SafeString:
    """A tag's attributes, each value escaped (values are plain text: ids, names, answers), ``True``
    a bare attribute, ``False`` or ``None`` none. Django's ``flatatt`` does the same with a
    ``format_html`` for each attribute: 33 µs for a radio's attributes against 3 µs here."""
    return mark_safe(  # noqa: S308 (every value escaped; the names are the service's own)
        "".join(
            f" {name}" if value is True else f' {name}="{escape(str(value))}"'
            for name, value in attrs.items()
            if value is not False and value is not None
        )
    )


def choice_id(html_name: str, number: int) -> str:
    """The id of a field's ``number``th radio or checkbox, counted from 1."""
    return f"id_{html_name}_{number}"


def part_id(widget_id: str, index: int) -> str:
    """The id of a date input's part: 0 the day, 1 the month, 2 the year."""
    return f"{widget_id}_{index}"


def _size(kind: str, size: str) -> str:
    return f" govuk-{kind}--{size}" if size in SIZES else ""


def _hint_id(bound: BoundField) -> str:
    return f"{bound.auto_id}_hint"


def _error_ids(bound: BoundField) -> list[str]:
    return [f"{bound.auto_id}_{n}_error" for n in range(1, len(bound.errors) + 1)]


def _described_by(bound: BoundField) -> str:
    ids = [_hint_id(bound)] if bound.help_text else []
    return " ".join(ids + _error_ids(bound))


def hint_and_errors(bound: BoundField) -> SafeString:
    """The field's hint, then one error message for each of its errors."""
    hint = (
        format_html('<div id="{}" class="govuk-hint">{}</div>', _hint_id(bound), mark_safe(bound.help_text))  # noqa: S308 (the service's own hint text)
        if bound.help_text
        else ""
    )
    errors = format_html_join(
        "",
        '<p id="{}" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {}</p>',
        zip(_error_ids(bound), bound.errors, strict=True),
    )
    return format_html("{}{}", hint, errors)


def form_group(bound: BoundField, content: SafeString) -> SafeString:
    error = " govuk-form-group--error" if bound.errors else ""
    return format_html('<div id="div_{}" class="govuk-form-group{}">{}</div>', bound.auto_id, error, content)


def fieldset(bound: BoundField, content: SafeString, *, legend_size: str, heading: bool) -> SafeString:
    """A fieldset whose legend is the field's label: the page's h1 when ``heading``."""
    described_by = _described_by(bound)
    label = mark_safe(bound.label)  # noqa: S308 (the service's own question text)
    if heading:
        label = format_html('<h1 class="govuk-fieldset__heading">{}</h1>', label)
    return format_html(
        '<fieldset class="govuk-fieldset"{}><legend class="govuk-fieldset__legend{}">{}</legend>{}{}'
        "</fieldset>",
        attributes({"aria-describedby": described_by or None}),
        _size("fieldset__legend", legend_size),
        label,
        hint_and_errors(bound),
        content,
    )


def radios(
    bound: BoundField,
    *,
    legend_size: str = "m",
    heading: bool = False,
    reveals: dict[str, SafeString] | None = None,
) -> SafeString:
    """GOV.UK radios. ``reveals`` maps a choice's value to the fields shown under it when it is
    chosen (the conditional reveal; without JavaScript they are always shown)."""
    reveals = reveals or {}
    value = bound.value()
    current = "" if value is None else str(value)
    items = join(
        _radio_item(bound.html_name, number, choice, current, reveals.get(str(choice[0])))
        for number, choice in enumerate(bound.field.choices, start=1)
    )
    content = format_html('<div class="govuk-radios" data-module="govuk-radios">{}</div>', items)
    return form_group(bound, fieldset(bound, content, legend_size=legend_size, heading=heading))


def _radio_item(name: str, number: int, choice, current: str, revealed: SafeString | None) -> SafeString:
    value, label = str(choice[0]), choice[1]
    input_id = choice_id(name, number)
    reveal_id = f"conditional_{name}_{number}"
    hint = getattr(choice, "hint", "")
    divider = getattr(choice, "divider", "")
    attrs = {"type": "radio", "name": name, "class": "govuk-radios__input", "id": input_id, "value": value}
    attrs["checked"] = value == current
    if hint:
        attrs["aria-describedby"] = f"{input_id}_hint"
    if revealed:
        attrs["data-aria-controls"] = reveal_id
    item = format_html(
        '<div class="govuk-radios__item"><input{}>'
        '<label class="govuk-label govuk-radios__label" for="{}">{}</label>{}</div>',
        attributes(attrs),
        input_id,
        label,
        format_html('<div id="{}_hint" class="govuk-hint govuk-radios__hint">{}</div>', input_id, hint)
        if hint
        else "",
    )
    if revealed:
        item += format_html(
            '<div class="govuk-radios__conditional govuk-radios__conditional--hidden" id="{}">{}</div>',
            reveal_id,
            revealed,
        )
    if divider:
        item += format_html('<div class="govuk-radios__divider">{}</div>', divider)
    return item


def _input_attrs(bound: BoundField, base_class: str, error_class: str) -> dict:
    attrs = {"name": bound.html_name, **bound.field.widget.attrs}
    classes = base_class.split()
    classes += [c for c in attrs.pop("class", "").split() if c not in classes]
    if bound.errors:
        classes.append(error_class)
        attrs["aria-invalid"] = "true"
    attrs["class"] = " ".join(classes)
    described_by = _described_by(bound)
    if described_by:
        attrs["aria-describedby"] = described_by
    attrs["id"] = bound.auto_id
    return attrs


def _label(bound: BoundField, size: str, heading: bool) -> SafeString:
    label = format_html(
        '<label for="{}" class="govuk-label{}">{}</label>',
        bound.auto_id,
        _size("label", size),
        mark_safe(bound.label),  # noqa: S308 (the service's own question text)
    )
    return format_html('<h1 class="govuk-label-wrapper">{}</h1>', label) if heading else label


def text_input(bound: BoundField, *, label_size: str = "s") -> SafeString:
    attrs = _input_attrs(bound, "govuk-input", "govuk-input--error")
    value = bound.value()
    if value not in (None, ""):
        attrs["value"] = str(value)
    return form_group(
        bound,
        format_html(
            '{}{}<input type="{}"{}>',
            _label(bound, label_size, False),
            hint_and_errors(bound),
            getattr(bound.field.widget, "input_type", "text"),
            attributes(attrs),
        ),
    )


def textarea(bound: BoundField, *, label_size: str = "s", heading: bool = False) -> SafeString:
    attrs = _input_attrs(bound, "govuk-textarea", "govuk-textarea--error")
    value = bound.value()
    # The newline after the opening tag is dropped by HTML parsers, so an answer that starts with
    # a newline keeps it (Django's own textarea template does the same).
    return form_group(
        bound,
        format_html(
            "{}{}<textarea{}>\n{}</textarea>",
            _label(bound, label_size, heading),
            hint_and_errors(bound),
            attributes(attrs),
            "" if value is None else str(value),
        ),
    )


DATE_PARTS = (
    ("Day", "govuk-input--width-2"),
    ("Month", "govuk-input--width-2"),
    ("Year", "govuk-input--width-4"),
)


def date_input(bound: BoundField, *, legend_size: str = "s") -> SafeString:
    """The GOV.UK date input: day, month and year, each with a numeric keypad on phones.

    An error found in one part (``DateInputField`` notes it on that part's widget) marks that part
    only; any other error marks all three."""
    value = bound.value()
    if not isinstance(value, list | tuple):
        value = bound.field.widget.decompress(value)
    widgets = [subfield.widget for subfield in bound.field.fields]
    part_errors = [[e for e in getattr(w, "errors", None) or [] if e in bound.errors] for w in widgets]
    any_part = any(part_errors)
    items = []
    for index, ((label, width), part_value) in enumerate(zip(DATE_PARTS, value, strict=True)):
        marked = bool(bound.errors) and (part_errors[index] if any_part else True)
        attrs = {
            "type": "text",
            "name": f"{bound.html_name}_{index}",
            "inputmode": "numeric",
            "class": f"govuk-input govuk-date-input__input {width}"
            + (" govuk-input--error" if marked else ""),
            "aria-invalid": "true" if marked else None,
            "id": part_id(bound.auto_id, index),
        }
        if part_value not in (None, ""):
            attrs["value"] = str(part_value)
        items.append(
            format_html(
                '<div class="govuk-date-input__item"><div class="govuk-form-group">'
                '<label class="govuk-label govuk-date-input__label" for="{}">{}</label><input{}></div></div>',
                attrs["id"],
                label,
                attributes(attrs),
            )
        )
    content = format_html('<div class="govuk-date-input" id="{}">{}</div>', bound.auto_id, join(items))
    return form_group(bound, fieldset(bound, content, legend_size=legend_size, heading=False))


def join(parts: Iterable[SafeString]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 (each part built with format_html)


def hidden_inputs(form) -> SafeString:
    """A form of hidden fields (the wizard's management form) as plain hidden inputs."""
    return join(
        format_html(
            "<input{}>",
            attributes(
                {"type": "hidden", "name": bound.html_name, "value": bound.value(), "id": bound.auto_id}
            ),
        )
        for bound in form
    )


def summary_lists(sections: Iterable[dict]) -> SafeString:
    """The answers (``decisions.answers.summary``) on "check your answers", the rationale page, a
    record and a manager's review page: for each page, its title and a GOV.UK summary list of its
    questions and answers, with a "Change" link on each row when the section has a ``change_url``.

    As a template's loops these were two fifths of the CPU of the pages that show them (a
    summary has 10 to 30 rows). Labels are the service's own text and answers the
    practitioner's; both are escaped unless already marked safe, as the template did."""
    return join(_summary_section(section) for section in sections)


def _summary_section(section: dict) -> SafeString:
    change_url = section.get("change_url")
    row_class = "govuk-summary-list__row" + ("" if change_url else " govuk-summary-list__row--no-actions")
    rows = join(
        format_html(
            '<div class="{}"><dt class="govuk-summary-list__key">{}</dt>'
            '<dd class="govuk-summary-list__value app-preserve-lines">{}</dd>{}</div>',
            row_class,
            label,
            value,
            format_html(
                '<dd class="govuk-summary-list__actions"><a class="govuk-link" href="{}">Change'
                '<span class="govuk-visually-hidden"> {}</span></a></dd>',
                change_url,
                lower(label),
            )
            if change_url
            else "",
        )
        for label, value in section["rows"]
    )
    return format_html(
        '<h2 class="govuk-heading-m">{}</h2><dl class="govuk-summary-list govuk-!-margin-bottom-9">{}</dl>',
        section["title"],
        rows,
    )
