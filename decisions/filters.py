"""Filters for the review queue and the access logs (django-filter), in GOV.UK markup by crispy-forms-gds."""

import datetime

import django_filters
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from decisions.forms import page_form_helper
from decisions.govuk import OptionalDateField, date_input, select
from decisions.models import AccessLog, Role
from decisions.pagination import Page, paginate
from decisions.questions.base import Outcome
from decisions.reviews import access_log_for, managed_team_ids
from decisions.selectors import user_has_role


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
            date_input("recorded_from"),
            date_input("recorded_to"),
            Field.checkboxes("flags", legend_size=Size.SMALL, small=True),
            select("sort", label_size=Size.SMALL),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("recorded_from"), cleaned.get("recorded_to")
        if start and end and start > end:
            self.add_error("recorded_to", "The end date must be the same as or after the start date")
        return cleaned


class DayFilter(django_filters.Filter):
    """A filter on one local day, entered in the GOV.UK date input (day, month, year)."""

    field_class = OptionalDateField


def date_filter(label: str, name: str) -> DayFilter:
    return DayFilter(field_name=name, method="filter_recorded", label=label)


def local_day_range(queryset, name: str, value: datetime.date, *, start: str):
    """Whole local days, as a range on the indexed timestamp: from the start of the day, or to its end."""
    midnight = timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))
    if name == start:
        return queryset.filter(created_at__gte=midnight)
    return queryset.filter(created_at__lt=midnight + datetime.timedelta(days=1))


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
        return local_day_range(queryset, name, value, start="recorded_from")

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):  # the default, also when the sort has an error
            queryset = queryset.order_by(*Sort.order_by[Sort.NEWEST])
        return queryset


# --- Access logs (the manager's and the auditor's) -----------------------------------------


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


def access_log_people(request):
    """Whom the person filter offers: for an auditor everyone; for a manager, the people in their
    (already scoped) access log."""
    people = get_user_model().objects.order_by("first_name", "last_name", "username")
    if request is None:
        return people.none()
    if user_has_role(request.user, Role.AUDITOR):
        return people
    return people.filter(pk__in=access_log_for(request.user).values("user_id"))


class AccessLogFilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_form_helper()
        self.helper.layout = Layout(
            select("person", label_size=Size.SMALL),
            select("action", label_size=Size.SMALL),
            date_input("viewed_from"),
            date_input("viewed_to"),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("viewed_from"), cleaned.get("viewed_to")
        if start and end and start > end:
            self.add_error("viewed_to", "The end date must be the same as or after the start date")
        return cleaned


class AccessLogFilter(django_filters.FilterSet):
    """Filters for an access log: who, what they did, and between which local days."""

    person = django_filters.ModelChoiceFilter(
        field_name="user", queryset=access_log_people, label="Person", empty_label="Anyone"
    )
    action = django_filters.ChoiceFilter(
        choices=AccessLog.Action.choices, label="What they did", empty_label="Anything"
    )
    viewed_from = DayFilter(field_name="viewed_from", method="filter_day", label="From")
    viewed_to = DayFilter(field_name="viewed_to", method="filter_day", label="To")

    class Meta:
        form = AccessLogFilterForm
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["person"].field_class = PersonChoiceField

    def filter_day(self, queryset, name, value):
        return local_day_range(queryset, name, value, start="viewed_from")


def filtered_access_log(request, *, per_page: int | None = None) -> tuple[AccessLogFilter, Page]:
    """For the access log pages: the user's access log (scoped by ``access_log_for``), filtered
    as asked, one page."""
    filterset = AccessLogFilter(
        request.GET if set(request.GET) - {"page"} else None,
        queryset=access_log_for(request.user),
        request=request,
    )
    return filterset, paginate(filterset.qs, request, per_page)
