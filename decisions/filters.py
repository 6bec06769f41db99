"""Filters for the manager's review queue (django-filter), rendered in GOV.UK markup by crispy-forms-gds."""

import datetime

import django_filters
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from decisions.flowchart import Outcome
from decisions.forms import page_form_helper
from decisions.govuk_layout import select
from decisions.reviews import managed_team_ids

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d %m %Y"]


class Flag:
    EMERGENCY = "emergency"
    NEEDS_ATTENTION = "needs-attention"
    CONTINUES = "after-advice"
    choices = [
        (EMERGENCY, "Shared in an emergency"),
        (NEEDS_ATTENTION, "Flagged: emergency share, answers say do not share"),
        (CONTINUES, "Finished after advice"),
    ]


class Sort:
    NEWEST = "newest"
    OLDEST = "oldest"
    CASE = "case"
    OUTCOME = "outcome"
    choices = [
        (NEWEST, "Newest first"),
        (OLDEST, "Oldest first"),
        (CASE, "Case reference"),
        (OUTCOME, "Decision"),
    ]
    order_by = {
        NEWEST: ("-created_at", "-id"),
        OLDEST: ("created_at", "id"),
        CASE: ("case_reference", "-created_at", "-id"),
        OUTCOME: ("outcome", "-created_at", "-id"),
    }


def team_members(request):
    """The practitioner filter offers the members of the manager's teams."""
    if request is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(teams__in=managed_team_ids(request.user))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class PractitionerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class QueueFilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_form_helper()
        self.helper.layout = Layout(
            Field.text("case", label_size=Size.SMALL, field_width=20),
            select("outcome", label_size=Size.SMALL),
            select("practitioner", label_size=Size.SMALL),
            Field.text("recorded_from", label_size=Size.SMALL, field_width=10),
            Field.text("recorded_to", label_size=Size.SMALL, field_width=10),
            Field.checkboxes("flags", legend_size=Size.SMALL, small=True),
            select("sort", label_size=Size.SMALL),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("recorded_from"), cleaned.get("recorded_to")
        if start and end and start > end:
            self.add_error("recorded_to", "The end date must be the same as or after the start date")
        return cleaned


def date_filter(label: str, name: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        field_name=name,
        method="filter_recorded",
        label=label,
        help_text="For example, 27/3/2026",
        input_formats=DATE_FORMATS,
        error_messages={"invalid": f"{label} must be a real date, like 27/3/2026"},
        widget=forms.TextInput(),
    )


class ReviewQueueFilter(django_filters.FilterSet):
    """Filters and sorting for a section of the review queue. The queryset is already scoped."""

    case = django_filters.CharFilter(
        field_name="case_reference", label="Case reference", method="filter_case", max_length=50
    )
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label="Decision", empty_label="Any")
    practitioner = django_filters.ModelChoiceFilter(
        field_name="author",
        queryset=team_members,
        label="Practitioner",
        empty_label="Anyone",
    )
    recorded_from = date_filter("Recorded from", "recorded_from")
    recorded_to = date_filter("Recorded to", "recorded_to")
    flags = django_filters.MultipleChoiceFilter(
        choices=Flag.choices, label="Flags", method="filter_flags", widget=forms.CheckboxSelectMultiple
    )
    sort = django_filters.ChoiceFilter(
        choices=Sort.choices, label="Sort by", method="filter_sort", empty_label=None
    )

    class Meta:
        form = QueueFilterForm
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["practitioner"].field_class = PractitionerChoiceField

    def filter_case(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(case_reference=value) if value else queryset

    def filter_flags(self, queryset, name, value):
        if Flag.EMERGENCY in value:
            queryset = queryset.filter(emergency=True)
        if Flag.NEEDS_ATTENTION in value:
            queryset = queryset.filter(needs_attention=True)
        if Flag.CONTINUES in value:
            queryset = queryset.filter(continues__isnull=False)
        return queryset

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*Sort.order_by.get(value, Sort.order_by[Sort.NEWEST]))

    def filter_recorded(self, queryset, name, value):
        """Whole local days, as a range on the indexed timestamp."""
        midnight = timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))
        if name == "recorded_from":
            return queryset.filter(created_at__gte=midnight)
        return queryset.filter(created_at__lt=midnight + datetime.timedelta(days=1))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):  # the default, also when the sort has an error
            queryset = queryset.order_by(*Sort.order_by[Sort.NEWEST])
        return queryset
